"""Every data route x every upstream fault answers as the contract says, in time."""

from __future__ import annotations

import pytest

from devtools.fault_matrix import DEADLINE, FAULTS, ROUTES, render_matrix, run_fault_matrix

pytestmark = pytest.mark.anyio


async def test_fault_matrix(capsys: pytest.CaptureFixture[str]) -> None:
    cells = await run_fault_matrix()
    assert len(cells) == len(FAULTS) * len(ROUTES)
    with capsys.disabled():
        print("\n" + render_matrix(cells))
    wrong = [c for c in cells if not c.ok]
    assert wrong == []
    assert all(c.status != 500 for c in cells)
    bans = {"api_call_limit": "1", "huge_ban": "86400"}  # a ban of 5 000 digits: one day
    assert all(c.retry_after == bans[c.fault] for c in cells if c.status == 429)
    assert all(c.follow_ups_own for c in cells)
    assert max(c.elapsed_ms for c in cells) < (DEADLINE + 0.5) * 1000
