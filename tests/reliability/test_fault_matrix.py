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
    assert all(c.retry_after == "1" for c in cells if c.status == 429)
    assert max(c.elapsed_ms for c in cells) < (DEADLINE + 0.5) * 1000
