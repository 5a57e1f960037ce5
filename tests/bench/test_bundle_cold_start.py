"""The built-bundle bench starts a function as Vercel does, and reads budgets right.

A tiny fake build output stands in for `vercel build` (the bench itself builds
for real, in `make bench`).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from bench.bundle_cold_start import (
    Measurement,
    bundle_environment,
    data_functions,
    first_answer,
    instructions,
    paired_ratio,
    python_312,
    render_instructions,
    verdicts,
)
from bench.cold_start import Samples
from devtools.vercel_invoke import __file__ as INVOKER
from devtools.vercel_output import BuiltFunction, discover, lay_out
from tests.fake_vercel_output import BROKEN_HANDLER, add_function, fake_build

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


@pytest.fixture
def driver(tmp_path: Path) -> Path:
    copy = tmp_path / "driver" / "vercel_invoke.py"
    copy.parent.mkdir()
    shutil.copy2(INVOKER, copy)
    return copy


def laid_out(tmp_path: Path, handler: str | None = None) -> Path:
    project = tmp_path / "project"
    if handler:
        add_function(project, "api/tiny", "api/tiny.py", handler=handler)
    else:
        fake_build(project)
    tiny = next(f for f in discover(project / ".vercel" / "output") if f.name == "tiny")
    return lay_out(tiny, project, tmp_path / "bundles")


def test_the_handler_runs_in_its_bundle_with_the_bundles_environment(
    tmp_path: Path, driver: Path
) -> None:
    bundle = laid_out(tmp_path)
    env = bundle_environment(bundle, {"ALIEXPRESS_APP_KEY": "k", "BUNDLE_FLAG": "caller"})
    assert env["ALIEXPRESS_APP_KEY"] == "k"
    assert env["PYTHONPATH"] == "_vendor"
    assert env["PYTHONDONTWRITEBYTECODE"] == "1"
    assert env["BUNDLE_FLAG"] == "bundle"  # the bundle's own environment wins
    start = first_answer(bundle, env, "/api/tiny", driver, python_312())
    assert start.answer["status"] == 200
    assert 0 < start.cpu_ms < start.wall_ms < 30_000
    seen = json.loads(start.answer["body"])
    assert seen["cwd"] == str(bundle)
    assert seen["flag"] == "bundle"
    assert seen["dep"] == str(bundle / "_vendor" / "tiny_dep.py")
    assert seen["entrypoint"] == "app = 'api/tiny.py'\n"
    assert seen["no_site"] == 1  # python -S: no site-packages, so no dev venv
    assert not [p for p in seen["sys_path"] if p.startswith(str(ROOT)) or "site-packages" in p]


def test_the_first_answer_is_returned_whatever_its_status(tmp_path: Path, driver: Path) -> None:
    bundle = laid_out(tmp_path)
    env = bundle_environment(bundle, {})
    assert first_answer(bundle, env, "/unavailable", driver, python_312()).answer["status"] == 503


def test_a_function_that_cannot_load_is_an_error_not_a_time(tmp_path: Path, driver: Path) -> None:
    bundle = laid_out(tmp_path, handler=BROKEN_HANDLER)
    with pytest.raises(RuntimeError, match=r"tiny: exit 1: .*no module named fastapi"):
        first_answer(bundle, bundle_environment(bundle, {}), "/", driver, python_312())


def function(name: str, entrypoint: str) -> BuiltFunction:
    return BuiltFunction(name, Path(f"/nowhere/{name}.func"), entrypoint)


def measured(ms: dict[str, tuple[float, float]]) -> Measurement:
    """Medians per function: (no bytecode, bytecode)."""
    samples = {
        variant: {name: Samples(ms=[pair[i]]) for name, pair in ms.items()}
        for i, variant in enumerate(("source", "pyc"))
    }
    functions = {
        "health": function("health", "api/health.py"),
        "products": function("products", "api/products.py"),
        "mcp_fn": function("mcp_fn", "api/mcp_fn/index.py"),
    }
    return Measurement(samples, {}, {}, functions, {}, {}, cpu=samples)


def test_data_functions_exclude_light_and_folder_functions() -> None:
    assert data_functions(measured({}).functions) == ["products"]


def test_budgets_compare_each_function_with_itself_and_data_functions_with_fastapi() -> None:
    found = verdicts(
        measured(
            {
                "fastapi_hello": (1000, 400),
                "health": (300, 170),  # 0.57x: pass
                "products": (1000, 470),  # 0.47x, 1.18x FastAPI hello: fail
                "mcp_fn": (2000, 1300),  # 0.65x: fail; no FastAPI budget
            }
        )
    )
    assert [(label.split()[0], ok, value) for label, ok, value in found] == [
        ("health", True, "0.57x (ratio of medians 0.57x, CPU 0.57x)"),
        ("mcp_fn", False, "0.65x (ratio of medians 0.65x, CPU 0.65x)"),
        ("products", True, "0.47x (ratio of medians 0.47x, CPU 0.47x)"),
        ("products", False, "1.18x (ratio of medians 1.18x, CPU 1.18x)"),
    ]


def test_a_budget_is_judged_round_by_round() -> None:
    # Load rose for the last two rounds: both slowed alike, each round says 1.10x.
    hello, products = Samples(ms=[400, 800, 800]), Samples(ms=[440, 880, 880])
    assert paired_ratio(products, hello) == pytest.approx(1.10)
    # A burst slowed only products, in one round: the median of rounds still finds
    # 1.10x, where the ratio of medians says 2.2x.
    assert paired_ratio(Samples(ms=[440, 880, 880]), Samples(ms=[400, 400, 800])) == (
        pytest.approx(1.10)
    )
    assert Samples(ms=[440, 880, 880]).median() / Samples(ms=[400, 400, 800]).median() == 2.2
    # Sampled differently (reruns of a short process): the ratio of medians.
    assert paired_ratio(Samples(ms=[100, 110, 120]), Samples(ms=[200])) == pytest.approx(0.55)


def fake_counter(tmp_path: Path, report: str) -> tuple[str, ...]:
    """A stand-in for valgrind: says ``report`` on stderr, then runs the command."""
    script = tmp_path / "counter.py"
    script.write_text(
        "import os, sys\n"
        f"sys.stderr.write({report!r})\n"
        "sys.stderr.flush()\n"
        "os.execv(sys.argv[1], sys.argv[1:])\n"
    )
    return (python_312(), str(script))


def test_instructions_are_read_from_the_counter_and_the_answer_kept(
    tmp_path: Path, driver: Path
) -> None:
    bundle = laid_out(tmp_path)
    env = bundle_environment(bundle, {})
    counter = fake_counter(tmp_path, "==42== Collected : 1234567890\n")
    count, answer = instructions(bundle, env, "/api/tiny", driver, python_312(), counter)
    assert count == 1234567890
    assert answer["status"] == 200


def test_a_counter_that_reports_no_count_is_an_error(tmp_path: Path, driver: Path) -> None:
    bundle = laid_out(tmp_path)
    counter = fake_counter(tmp_path, "nothing to see\n")
    with pytest.raises(RuntimeError, match="no instruction count"):
        instructions(bundle, bundle_environment(bundle, {}), "/", driver, python_312(), counter)


def test_instruction_counts_are_shown_against_fastapi_hello_or_why_not() -> None:
    shown = "\n".join(
        render_instructions({"fastapi_hello": 1_500_000_000, "products": 1_650_000_000})
    )
    assert "| fastapi_hello | 1500 | 1.000x |" in shown
    assert "| products | 1650 | 1.100x |" in shown
    assert render_instructions(None, "valgrind is not installed here") == [
        "Instructions not counted: valgrind is not installed here."
    ]
