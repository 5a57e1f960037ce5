"""Cold start of the built bundle: exactly what `vercel build` outputs, started as Vercel starts it.

    python -m bench.bundle_cold_start [--runs 9] [--write]

bench.cold_start assembles its own dependency trees; this bench measures the
deployable artefact itself:

1. Copy the project as `vercel deploy` would upload it, and a FastAPI hello-world
   project (bench/baselines, same requirements.txt), into a temporary directory,
   and build each with the pinned CLI twice: without and with
   ``VERCEL_PYTHON_COMPILEALL=1`` in the builder's environment (what `make deploy`
   sets).
2. Find every function in the output (``functions/**/*.func``, folder functions
   such as ``api/x/index.func`` included) and lay out its files exactly as its
   ``.vc-config.json`` ``filePathMap`` says, beside its own handler files.
3. Start each through its own ``vc__handler__python.py`` in a fresh ``python -S``
   (no site-packages, so no dev venv; the driver is copied out of the checkout,
   so no project checkout on the path either), in the function's directory, with
   the bundle's own ``environment`` (``PYTHONPATH=_vendor``,
   ``PYTHONDONTWRITEBYTECODE=1``: the task root is read-only on Vercel) plus PATH,
   LANG and the function's configuration. Wall time from process start to exit
   after the first answer, and that process's CPU time (a busy machine inflates
   it less); variants interleaved, one dropped warm-up round.

Budgets, from the same run: with bytecode every function starts in at most 0.6x
its own no-bytecode time; data functions with bytecode start in at most 1.15x the
FastAPI hello world built the same way. Each budget is judged on the median of
per-round ratios (a function over its yardstick measured in the same round), which
a shared machine's changing load disturbs far less than a ratio of medians.

Beside the times, each bytecode bundle's first answer is counted in CPU
instructions (``valgrind --tool=callgrind``, once each): a count other processes
on a shared machine do not change, so it says whether a ratio near its budget is
the code or the machine. Not a budget (the issue sets them on time); shown when
valgrind is installed, and the section says so when it is not.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from bench.cold_start import BENCH_OWNER_KEY, FIRST_REQUEST, Samples, first_event, python_312
from bench.report import stamp
from devtools.fake_gateway import DEMO_APP_KEY, DEMO_APP_SECRET
from devtools.fake_gateway.catalog import Catalog
from devtools.vercel_invoke import __file__ as INVOKER
from devtools.vercel_output import BuiltFunction, BundleSize, bundle_size, discover, lay_out
from scripts.vercel_check import cli_environment, copy_uploaded, run_vercel_build

ROOT = Path(__file__).resolve().parents[1]
BASELINES = Path(__file__).parent / "baselines"
BYTECODE_VARIABLE = "VERCEL_PYTHON_COMPILEALL"
VARIANTS = ("source", "pyc")  # no bytecode (Vercel's default), bytecode
BASELINE_NAMES = ("floor", "fastapi_hello")
# Functions that import no FastAPI: their yardstick is the floor, not FastAPI hello.
LIGHT = frozenset({"health", "openapi_gpt"})
BYTECODE_SPEEDUP_BUDGET = 0.6
FASTAPI_BUDGET = 1.15
# Processes faster than this are sampled three times per round: a budget on a
# ~0.2 s process is a few tens of ms, one hiccup of a shared machine.
SHORT_MS = 500
SHORT_RERUNS = 3
# Counts instructions; the count goes to stderr ("==pid== Collected : N").
INSTRUCTION_COUNTER = ("valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null")
_COLLECTED = re.compile(r"Collected : ([0-9]+)")


def bundle_environment(bundle: Path, extra: dict[str, str]) -> dict[str, str]:
    """The bundle's own environment, as the platform sets it, plus what the caller adds."""
    config = json.loads((bundle / ".vc-config.json").read_text())
    return {
        "PATH": os.environ.get("PATH", ""),
        "LANG": "C.UTF-8",
        **extra,
        **config.get("environment", {}),
    }


@dataclass(frozen=True)
class ColdStart:
    wall_ms: float  # process start to exit after the first answer: the budgets' measure
    cpu_ms: float  # user + system CPU of that process: less hurt by a busy machine
    answer: dict  # the first answer: status, headers, body


def first_answer(
    bundle: Path, env: dict[str, str], request: str | dict[str, object], driver: Path, python: str
) -> ColdStart:
    """Start the bundle's handler in a fresh process and serve one request: a GET of
    ``request`` when it is a path, else the event it is (method, path, headers, body)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    result = _start(bundle, env, request, [python, "-S", str(driver), "bundle", str(bundle)])
    elapsed = (time.perf_counter() - started) * 1000
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime) * 1000
    return ColdStart(elapsed, cpu, json.loads(result.stdout)[0])


def instructions(
    bundle: Path,
    env: dict[str, str],
    request: str | dict[str, object],
    driver: Path,
    python: str,
    counter: tuple[str, ...] = INSTRUCTION_COUNTER,
) -> tuple[int, dict]:
    """The same cold start run under ``counter``: (instructions executed, first answer)."""
    command = [*counter, python, "-S", str(driver), "bundle", str(bundle)]
    result = _start(bundle, env, request, command)
    found = _COLLECTED.findall(result.stderr.decode(errors="replace"))
    if not found:
        raise RuntimeError(f"{bundle.name}: {counter[0]} reported no instruction count")
    return int(found[-1]), json.loads(result.stdout)[0]


def _start(
    bundle: Path, env: dict[str, str], request: str | dict[str, object], command: list[str]
) -> subprocess.CompletedProcess[bytes]:
    if isinstance(request, str):
        request = {"method": "GET", "path": request, "headers": {}}
    result = subprocess.run(
        command,
        input=json.dumps([request]).encode(),
        capture_output=True,
        cwd=bundle,
        env=env,
        check=False,
    )
    if result.returncode != 0 or not result.stdout:
        tail = result.stderr.decode(errors="replace").strip().splitlines()[-3:]
        raise RuntimeError(f"{bundle.name}: exit {result.returncode}: {' | '.join(tail)}")
    return result


def request_for(
    function: BuiltFunction, product_id: str
) -> tuple[str | dict[str, object], int | None]:
    """The first request and the status it must get (None: any status below 500).

    Known functions get the same first request as bench.cold_start (the MCP
    function a ``tools/call``, orders the owner's key). Functions this bench does
    not know yet are asked for their own URL: the cold start is still the import,
    and the answer is shown.
    """
    if function.name in FIRST_REQUEST:
        return first_event(function.name, product_id), 200
    return f"/api/{function.name}", None


def request_path(request: str | dict[str, object]) -> str:
    return request if isinstance(request, str) else str(request["path"])


@dataclass
class Build:
    """One project built one way, its functions laid out and ready to start."""

    project: Path
    seconds: float
    functions: dict[str, BuiltFunction] = field(default_factory=dict)
    bundles: dict[str, Path] = field(default_factory=dict)
    sizes: dict[str, BundleSize] = field(default_factory=dict)


def vercel_build(project: Path, bytecode: bool, python: str) -> float:
    env = cli_environment(Path(python).parent)
    env.pop(BYTECODE_VARIABLE, None)
    if bytecode:
        env[BYTECODE_VARIABLE] = "1"
    started = time.monotonic()
    result = run_vercel_build(project, env)
    if result.returncode != 0:
        print(result.stdout[-3000:], result.stderr[-3000:], sep="\n", file=sys.stderr)
        raise SystemExit(f"vercel build failed in {project}")
    return time.monotonic() - started


def link_settings(project: Path) -> None:
    (project / ".vercel").mkdir(parents=True, exist_ok=True)
    settings = {"projectId": ".", "orgId": ".", "settings": {"framework": None}}
    (project / ".vercel" / "project.json").write_text(json.dumps(settings))


def copy_baselines(project: Path) -> None:
    """FastAPI hello world (and the floor) as a project of their own, same pins."""
    shutil.copytree(BASELINES / "api", project / "api", ignore=shutil.ignore_patterns("__py*"))
    for name in ("requirements.txt", ".python-version"):
        shutil.copy2(ROOT / name, project / name)
    (project / "vercel.json").write_text(json.dumps({"framework": None}))


def prepare(workdir: Path, python: str) -> dict[str, Build]:
    builds = {}
    for variant in VARIANTS:
        for kind in ("project", "baselines"):
            project = workdir / f"{kind}-{variant}"
            if kind == "project":
                copy_uploaded(project)
            else:
                copy_baselines(project)
            link_settings(project)
            seconds = vercel_build(project, variant == "pyc", python)
            print(f"vercel build {kind} ({variant}): {seconds:.0f} s", file=sys.stderr)
            build = Build(project, seconds)
            for function in discover(project / ".vercel" / "output"):
                if function.name in build.functions:
                    raise SystemExit(f"two functions named {function.name}")
                build.functions[function.name] = function
                build.bundles[function.name] = lay_out(
                    function, project, workdir / f"bundles-{variant}"
                )
                build.sizes[function.name] = bundle_size(function, project)
            builds[f"{kind}-{variant}"] = build
    return builds


@dataclass
class Measurement:
    samples: dict[str, dict[str, Samples]]  # variant -> function -> samples
    statuses: dict[str, int]  # function -> status of its first answer
    requests: dict[str, str | dict[str, object]]  # function -> first request (path or event)
    functions: dict[str, BuiltFunction]  # the project's, by name
    sizes: dict[str, dict[str, BundleSize]]  # variant -> function -> size
    build_seconds: dict[str, float]
    cpu: dict[str, dict[str, Samples]] = field(default_factory=dict)  # as samples, CPU ms
    # function -> instructions of its bytecode bundle's first answer; None: not counted
    instructions: dict[str, int] | None = None
    uncounted: str = ""  # why not, when not


def measure(runs: int, gateway_url: str, workdir: Path, count: bool = True) -> Measurement:
    python = python_312()
    driver = workdir / "driver" / "vercel_invoke.py"
    driver.parent.mkdir()
    shutil.copy2(INVOKER, driver)  # nothing of the checkout on the function's path
    builds = prepare(workdir, python)
    product_id = str(Catalog.load().products[0]["product_id"])
    configuration = {
        "ALIEXPRESS_APP_KEY": DEMO_APP_KEY,
        "ALIEXPRESS_APP_SECRET": DEMO_APP_SECRET,
        "ALIEXPRESS_TRACKING_ID": "bench",
        "ALIEXPRESS_API_URL": gateway_url,
        "OWNER_API_KEY": BENCH_OWNER_KEY,
    }
    project = builds["project-source"].functions
    if set(project) != set(builds["project-pyc"].functions):
        raise SystemExit("the two builds hold different functions")
    clash = set(project) & set(BASELINE_NAMES)
    if clash:
        raise SystemExit(f"a function shares a baseline's name: {clash}")
    names = [*BASELINE_NAMES, *sorted(project)]
    bundles = {
        variant: {**builds[f"baselines-{variant}"].bundles, **builds[f"project-{variant}"].bundles}
        for variant in VARIANTS
    }
    requests, expected = {}, {}
    for name in names:
        function = project.get(name) or builds["baselines-source"].functions[name]
        requests[name], expected[name] = request_for(function, product_id)
    samples = {variant: {name: Samples() for name in names} for variant in VARIANTS}
    cpu = {variant: {name: Samples() for name in names} for variant in VARIANTS}
    statuses: dict[str, int] = {}
    reruns: dict[str, int] = {}
    for run in range(runs + 1):  # run 0 warms the OS file cache and is dropped
        for variant in VARIANTS:
            for name in names:
                bundle = bundles[variant][name]
                env = bundle_environment(bundle, configuration)
                for _ in range(reruns.get(name, 1)):
                    start = first_answer(bundle, env, requests[name], driver, python)
                    status = start.answer["status"]
                    wanted = expected[name]
                    if (wanted is not None and status != wanted) or status >= 500:
                        raise RuntimeError(
                            f"{name} ({variant}): {request_path(requests[name])} -> {status}"
                        )
                    statuses[name] = status
                    if run:
                        samples[variant][name].ms.append(start.wall_ms)
                        cpu[variant][name].ms.append(start.cpu_ms)
                if not run and variant == "source":
                    reruns[name] = SHORT_RERUNS if start.wall_ms < SHORT_MS else 1
        print(f"run {run}/{runs} done", file=sys.stderr)
    counted, uncounted = None, ""
    if not count:
        uncounted = "skipped (--no-instructions)"
    elif not shutil.which(INSTRUCTION_COUNTER[0]):
        uncounted = "valgrind is not installed here (`apt-get install valgrind`, then run again)"
    else:
        counted = {}
        for name in names:  # deterministic: one run each, after the timed ones
            bundle = bundles["pyc"][name]
            env = bundle_environment(bundle, configuration)
            counted[name], answer = instructions(bundle, env, requests[name], driver, python)
            if answer["status"] != statuses[name]:
                raise RuntimeError(f"{name}: {answer['status']} under the instruction counter")
        print("instructions counted", file=sys.stderr)
    for variant in VARIANTS:  # the read-only task root: nothing may have been compiled
        written = [p for p in bundles[variant].values() if _pyc_count(p) != _shipped_pyc(p)]
        if written:
            raise RuntimeError(f"bytecode was written into {written} while measuring")
    return Measurement(
        samples,
        statuses,
        requests,
        project,
        {
            variant: {
                **builds[f"baselines-{variant}"].sizes,
                **builds[f"project-{variant}"].sizes,
            }
            for variant in VARIANTS
        },
        {key: build.seconds for key, build in builds.items()},
        cpu,
        counted,
        uncounted,
    )


def _pyc_count(bundle: Path) -> int:
    return sum(1 for _ in bundle.rglob("*.pyc"))


def _shipped_pyc(bundle: Path) -> int:
    config = json.loads((bundle / ".vc-config.json").read_text())
    return sum(dest.endswith(".pyc") for dest in config["filePathMap"])


def data_functions(functions: dict[str, BuiltFunction]) -> list[str]:
    """The FastAPI data functions: top-level api/*.py files other than the light ones.

    Folder functions (the MCP server) serve through the MCP SDK, not FastAPI, so
    FastAPI hello is not their yardstick; their ratio is shown, not budgeted.
    """
    return sorted(n for n, f in functions.items() if n not in LIGHT and not f.folder)


def paired_ratio(samples: Samples, baseline: Samples) -> float:
    """The median of per-round ratios: each sample over the baseline's sample of the
    same round (taken seconds apart), so load that changes between rounds moves both
    alike. The ratio of medians when the two were not sampled alike."""
    if len(samples.ms) != len(baseline.ms) or not samples.ms:
        return samples.median() / baseline.median()
    return statistics.median(a / b for a, b in zip(samples.ms, baseline.ms, strict=True))


def verdicts(measurement: Measurement) -> list[tuple[str, bool, str]]:
    """Budgets on wall time, as the median of per-round ratios (:func:`paired_ratio`);
    the ratio of medians and the CPU ratio beside it say whether a busy machine decided."""

    def ratio(name: str, variant: str, baseline: str, baseline_variant: str) -> tuple[float, str]:
        wall = measurement.samples
        measured, yardstick = wall[variant][name], wall[baseline_variant][baseline]
        paired = paired_ratio(measured, yardstick)
        of_medians = measured.median() / yardstick.median()
        shown = f"{paired:.2f}x (ratio of medians {of_medians:.2f}x"
        if measurement.cpu:
            cpu = measurement.cpu
            on_cpu = cpu[variant][name].median() / cpu[baseline_variant][baseline].median()
            shown += f", CPU {on_cpu:.2f}x"
        return paired, shown + ")"

    found = []
    for name in sorted(measurement.functions):
        value, shown = ratio(name, "pyc", name, "source")
        found.append(
            (
                f"{name} with bytecode <= {BYTECODE_SPEEDUP_BUDGET}x its no-bytecode start",
                value <= BYTECODE_SPEEDUP_BUDGET,
                shown,
            )
        )
    for name in data_functions(measurement.functions):
        value, shown = ratio(name, "pyc", "fastapi_hello", "pyc")
        found.append(
            (
                f"{name} with bytecode <= {FASTAPI_BUDGET}x fastapi_hello with bytecode",
                value <= FASTAPI_BUDGET,
                shown,
            )
        )
    return found


def render(measurement: Measurement, runs: int, command: str) -> str:
    source, pyc = measurement.samples["source"], measurement.samples["pyc"]
    sizes = measurement.sizes
    builds = ", ".join(
        f"{key} {seconds:.0f} s" for key, seconds in measurement.build_seconds.items()
    )
    lines = [
        "## Cold start of the built bundle (`vercel build` output, started by its own handler)",
        "",
        stamp(command),
        "",
        f"Each function as `vercel build` (CLI 58.10.0) outputs it: files laid out as its "
        "`.vc-config.json` `filePathMap` says, started through its own `vc__handler__python.py` "
        "in `python -S` with the bundle's own environment and working directory (no checkout, "
        "no dev venv). *No bytecode* = built as Vercel builds by default; *bytecode* = built with "
        f"`{BYTECODE_VARIABLE}=1` (what `make deploy` does). Baselines built the same way from "
        f"bench/baselines. {runs} runs per cell ({runs * SHORT_RERUNS} for processes under "
        f"{SHORT_MS} ms) after one dropped warm-up round, variants interleaved; median wall "
        "time from process start to exit after the first answer, interquartile range; median CPU "
        "time (user + system) of the same processes, which a busy machine inflates less. Data "
        "functions' first request includes the first upstream call (fake gateway on loopback). "
        f"Builds: {builds}.",
        "",
        "| function | first request (status) | no bytecode ms (IQR) | bytecode ms (IQR) | "
        "bytecode / no bytecode | bytecode, ratio to FastAPI hello | CPU ms no bytecode -> "
        "bytecode | bundle MB (files) no bytecode | bundle MB (files, .pyc) bytecode |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    hello = pyc["fastapi_hello"].median()
    for name, s in source.items():
        c = pyc[name]
        cpu_source, cpu_pyc = measurement.cpu["source"][name], measurement.cpu["pyc"][name]
        plain, compiled = sizes["source"][name], sizes["pyc"][name]
        entry = measurement.functions.get(name)
        label = f"{name} (`{entry.entrypoint}`)" if entry and entry.folder else name
        path = request_path(measurement.requests[name])
        lines.append(
            f"| {label} | `{path}` ({measurement.statuses[name]}) | "
            f"{s.median():.0f} ({s.spread()}) | {c.median():.0f} ({c.spread()}) | "
            f"{c.median() / s.median():.2f}x | {c.median() / hello:.2f}x | "
            f"{cpu_source.median():.0f} -> {cpu_pyc.median():.0f} | "
            f"{plain.mb:.1f} ({plain.files}) | {compiled.mb:.1f} ({compiled.files}, "
            f"{compiled.pyc}) |"
        )
    lines += ["", "| budget | verdict | measured |", "|---|---|---|"]
    for label, ok, measured in verdicts(measurement):
        lines.append(f"| {label} | {'PASS' if ok else 'FAIL'} | {measured} |")
    instructions = render_instructions(measurement.instructions, measurement.uncounted)
    return "\n".join([*lines, "", *instructions])


def render_instructions(counted: dict[str, int] | None, uncounted: str = "") -> list[str]:
    """The instruction counts beside the times (not a budget: a check on them)."""
    if counted is None:
        return [f"Instructions not counted: {uncounted}."]
    hello = counted["fastapi_hello"]
    lines = [
        "CPU instructions of each bytecode bundle's first answer, process start to exit "
        "(`valgrind --tool=callgrind`, one run each): other load on the machine does not "
        "change a count, so it shows whether a time ratio near its budget is the code or "
        "the machine. Not a budget.",
        "",
        "| function | instructions, bytecode (M) | ratio to FastAPI hello |",
        "|---|---|---|",
    ]
    for name, count in counted.items():
        lines.append(f"| {name} | {count / 1e6:.0f} | {count / hello:.3f}x |")
    return lines


def main() -> None:
    from bench.report import write_section
    from devtools.fake_gateway import FakeGateway
    from devtools.fake_gateway.server import serve_in_thread

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--write", action="store_true", help="write the section of BENCHMARKS.md")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    parser.add_argument(
        "--no-instructions", action="store_true", help="skip the instruction counts (valgrind)"
    )
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="bundle-cold-start-"))
    try:
        with serve_in_thread(FakeGateway()) as url:
            measurement = measure(args.runs, url, workdir, count=not args.no_instructions)
    finally:
        if args.keep:
            print(f"kept {workdir}", file=sys.stderr)
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    command = "python -m bench.bundle_cold_start " + " ".join(sys.argv[1:])
    text = render(measurement, args.runs, command)
    print(text)
    if args.write:
        write_section("bundle-cold-start", text)


if __name__ == "__main__":
    main()
