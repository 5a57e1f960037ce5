"""`make doctor`: the deployment traps, checked before `vercel deploy`.

Each check prints PASS or FAIL and, on failure, the fix. Exit status 1 when any
check fails. Works offline: the dependency check assembles the deployed
dependencies from this environment's installed distributions, pins verified.
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import re
import shutil
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

HERE = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(HERE))

from devtools.manifests import TRAP_FIX, requirement_pins, shared_venv_traps  # noqa: E402
from devtools.vercel_probes import (  # noqa: E402
    INITIALIZE,
    Probe,
    mcp_probe,
    run_probes,
    source_invoker,
)
from devtools.vercel_routes import function_entrypoint, function_names  # noqa: E402
from lib.config import LIMIT_VARIABLES, load_settings  # noqa: E402

MAX_BUNDLE_MB = 250
LIVE_VARIABLES = {
    "ALIEXPRESS_APP_KEY": "required for live data",
    "ALIEXPRESS_APP_SECRET": "required for live data",
    "ALIEXPRESS_TRACKING_ID": "required for affiliate links and /api/links",
    "OWNER_API_KEY": "optional; opens /api/orders (your orders and commissions) to you alone",
}


@dataclass
class Result:
    name: str
    ok: bool
    detail: str = ""
    fix: str = ""


Check = Callable[[Path], Result]


@dataclass(frozen=True)
class Function:
    """One Vercel function: its entry file and the manifest installed into its bundle."""

    name: str
    entry: Path
    manifest: Path  # what Vercel installs for it: a folder's own requirements.txt, else root

    @property
    def is_folder(self) -> bool:
        return self.entry.name == "index.py" and self.entry.parent.parent.name == "api"


def functions(root: Path) -> list[Function]:
    found = []
    for name in function_names(root):
        entry = root / function_entrypoint(name, root)
        own = entry.parent / "requirements.txt"
        manifest = own if entry.name == "index.py" and own.is_file() else root / "requirements.txt"
        found.append(Function(name, entry, manifest))
    return found


def api_files(root: Path) -> list[Path]:
    return [function.entry for function in functions(root)]


def check_handler_naming(root: Path) -> Result:
    problems = []
    for path in api_files(root):
        tree = ast.parse(path.read_text())
        names = set()
        for node in tree.body:
            if isinstance(node, (ast.Assign, ast.AnnAssign)):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                names |= {t.id for t in targets if isinstance(t, ast.Name)}
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                names.add(node.name)
            elif isinstance(node, ast.ImportFrom):
                names |= {alias.asname or alias.name for alias in node.names}
        if "app" not in names:
            problems.append(f"{path.relative_to(root / 'api')} has no top-level 'app'")
        if "handler" in names:
            problems.append(f"{path.relative_to(root / 'api')} defines 'handler'")
    return Result(
        "handler naming: each api/*.py exports `app`, none defines `handler`",
        not problems,
        "; ".join(problems),
        "Export the ASGI app as `app` only; `handler = app` crashes older runtimes "
        "(TypeError: issubclass() arg 1 must be a class).",
    )


def check_framework(root: Path) -> Result:
    try:
        config = json.loads((root / "vercel.json").read_text())
    except (OSError, ValueError) as exc:
        return Result(
            "framework preset",
            False,
            f"vercel.json unreadable: {exc}",
            'Add a vercel.json with "framework": null.',
        )
    ok = "framework" in config and config["framework"] is None and "builds" not in config
    detail = (
        "legacy `builds` present"
        if "builds" in config
        else f"framework={config.get('framework', '(unset)')!r}"
    )
    return Result(
        'framework preset: vercel.json says "framework": null',
        ok,
        detail,
        'Set "framework": null in vercel.json (a dashboard-detected FastAPI preset fails with '
        '"No FastAPI entrypoint found") and drop legacy "builds".',
    )


def check_static_exposure(root: Path) -> Result:
    public = root / "public"
    files = [p for p in public.rglob("*") if p.is_file()] if public.is_dir() else []
    risky = [
        str(p.relative_to(root))
        for p in files
        if p.suffix in (".py", ".txt", ".toml", ".lock") or p.name.startswith(".env")
    ]
    ok = bool(files) and not risky
    detail = (
        "no public/ folder"
        if not public.is_dir()
        else ("public/ is empty" if not files else ", ".join(risky) or f"{len(files)} files")
    )
    return Result(
        "static exposure: only public/ is served",
        ok,
        detail,
        "Keep a non-empty public/ folder with only pages meant to be public: without it every "
        "file outside api/ (sources, requirements) is served as a static file.",
    )


def vercel_glob(pattern: str) -> re.Pattern[str]:
    """Vercel's ``functions`` globs: ``*`` stays inside one folder, ``**`` crosses folders."""
    regex = re.escape(pattern).replace(r"\*\*", ".*").replace(r"\*", "[^/]*")
    return re.compile(regex + "$")


def check_folder_functions(root: Path) -> Result:
    """A folder function needs its own ``functions`` entry and a name no package has."""
    try:
        globs = list(json.loads((root / "vercel.json").read_text()).get("functions") or {})
    except (OSError, ValueError):
        globs = []
    problems = []
    for function in functions(root):
        if not function.is_folder:
            continue
        entry = function.entry.relative_to(root).as_posix()
        if not any(vercel_glob(glob).match(entry) for glob in globs):
            problems.append(f"{entry} matches no vercel.json functions entry")
        shadowed = third_party_imports(root, function.entry) | set(
            requirement_pins(function.manifest)
        )
        if function.name in {name.lower().replace("-", "_") for name in shadowed}:
            problems.append(f"api/{function.name}/ shadows the {function.name!r} package")
    return Result(
        "folder functions: each has its own vercel.json entry and does not shadow a package",
        not problems,
        "; ".join(problems),
        'Add a "functions" entry for api/<name>/index.py with maxDuration and excludeFiles '
        "(api/*.py does not match it: its bundle would hold tests and benchmarks), and name "
        "the folder unlike any package it imports (api/mcp/ would hide the mcp SDK).",
    )


def check_mcp_host_trap(root: Path) -> Result:
    """``streamable_http_app()`` with the SDK's default host answers Vercel with 421."""
    problems = []
    for path in [*api_files(root), *sorted((root / "lib").rglob("*.py"))]:
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "streamable_http_app"
                and not {k.arg for k in node.keywords} & {"host", "transport_security"}
            ):
                problems.append(f"{path.relative_to(root)}:{node.lineno}")
    return Result(
        "MCP host trap: streamable_http_app() sets transport_security or host",
        not problems,
        ", ".join(problems),
        "Pass transport_security=TransportSecuritySettings(...) allowing the deployment's "
        "hosts (or checking Origin yourself): with the default host=127.0.0.1 the SDK "
        "answers every request to a public domain with 421 Invalid Host header.",
    )


def check_runtime_txt(root: Path) -> Result:
    return Result(
        "runtime.txt absent",
        not (root / "runtime.txt").exists(),
        "",
        "Delete runtime.txt: Vercel ignores it; .python-version selects the Python version.",
    )


def check_duplicate_manifest(root: Path) -> Result:
    return Result(
        "no api/requirements.txt",
        not (root / "api" / "requirements.txt").exists(),
        "",
        "Delete api/requirements.txt: the root requirements.txt is the manifest.",
    )


def check_shared_venv_trap(root: Path) -> Result:
    """A folder function's own requirements.txt, differing from the root one, breaks bundles."""
    problems = shared_venv_traps(root)
    return Result(
        "shared-venv trap: no folder function has requirements differing from the root ones",
        not problems,
        "; ".join(problems),
        TRAP_FIX,
    )


def check_pyproject(root: Path) -> Result:
    path = root / "pyproject.toml"
    if not path.exists():
        return Result("pyproject.toml does not override requirements.txt", True, "absent")
    text = path.read_text()
    has_project = re.search(r"^\[project\]", text, re.MULTILINE) is not None
    return Result(
        "pyproject.toml does not override requirements.txt",
        not has_project,
        "pyproject.toml has a [project] table" if has_project else "no [project] table",
        "Remove the [project] table (or the file): Vercel then installs from pyproject.toml and "
        "ignores requirements.txt; without dependencies there, nothing is installed.",
    )


def check_python_version(root: Path) -> Result:
    path = root / ".python-version"
    version = path.read_text().strip() if path.exists() else ""
    ok = re.fullmatch(r"3\.(12|13)(\.\d+)?", version) is not None
    return Result(
        "Python version: .python-version is 3.12 or 3.13",
        ok,
        version or "missing",
        "Write 3.12 into .python-version (Vercel's default; the runtime needs >= 3.12).",
    )


def assemble_deployed_deps(manifest: Path, into: Path) -> list[str]:
    """Copy exactly the pinned distributions (plus vercel-runtime) into ``into``."""
    problems = []
    for name, pinned in {**requirement_pins(manifest), "vercel-runtime": ""}.items():
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            problems.append(f"{name} is not installed here (run make test once)")
            continue
        if pinned and dist.version != pinned:
            problems.append(f"{name} is {dist.version} here, pinned {pinned}")
        for file in dist.files or []:
            source = Path(dist.locate_file(file))
            if source.is_file() and ".." not in file.parts and not str(file).endswith(".pyc"):
                target = into / file
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(source, target)
    return problems


def _imported_modules(path: Path) -> set[str]:
    modules = set()
    for node in ast.walk(ast.parse(path.read_text())):  # lazy imports in functions too
        if isinstance(node, ast.Import):
            modules |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            modules.add(node.module)
            modules |= {f"{node.module}.{alias.name}" for alias in node.names}
    return modules


def _project_file(root: Path, module: str) -> Path | None:
    base = root.joinpath(*module.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def third_party_imports(root: Path, entry: Path) -> set[str]:
    """Top-level third-party modules ``entry`` can reach through ``lib`` (statically)."""
    seen: set[Path] = set()
    pending = [entry]
    third_party: set[str] = set()
    while pending:
        path = pending.pop()
        if path in seen:
            continue
        seen.add(path)
        for module in _imported_modules(path):
            top = module.split(".")[0]
            if top == "lib":
                parts = module.split(".")
                for depth in range(1, len(parts) + 1):  # packages' __init__ run too
                    found = _project_file(root, ".".join(parts[:depth]))
                    if found:
                        pending.append(found)
            elif top not in sys.stdlib_module_names and top != "api":
                third_party.add(top)
    return third_party


def check_dependencies_and_imports(root: Path) -> list[Result]:
    """Load every function with only its bundle's dependencies and an empty environment."""
    problems: list[str] = []
    failures: list[str] = []
    sizes: dict[str, float] = {}
    by_manifest: dict[Path, list[Function]] = {}
    for function in functions(root):
        by_manifest.setdefault(function.manifest, []).append(function)
    problems += conflicting_pins(list(by_manifest))
    python = getattr(sys, "_base_executable", sys.executable)
    for manifest, group in by_manifest.items():
        deps = Path(tempfile.mkdtemp(prefix="doctor-deps-"))
        try:
            problems += assemble_deployed_deps(manifest, deps)
            for function in group:
                missing = sorted(
                    m
                    for m in third_party_imports(root, function.entry)
                    if not (deps / m).exists() and not (deps / f"{m}.py").exists()
                )
                where = manifest.relative_to(root).as_posix()
                problems += [f"{function.name}: not in {where}: {m}" for m in missing]
            env = {"PATH": os.environ.get("PATH", ""), "PYTHONPATH": str(deps), "LANG": "C.UTF-8"}
            invoke = source_invoker(root, env, python=python, isolated=True)
            failures += run_probes(invoke, [probe for f in group for probe in load_probes(f, root)])
            deps_mb = sum(p.stat().st_size for p in deps.rglob("*") if p.is_file()) / 2**20
        finally:
            shutil.rmtree(deps, ignore_errors=True)
        project_mb = (
            sum(
                p.stat().st_size
                for p in [*api_files(root), *(root / "lib").rglob("*")]
                if p.is_file()
            )
            / 2**20
        )
        for function in group:
            sizes[function.name] = deps_mb + project_mb
    largest = max(sizes.values(), default=0.0)
    return [
        Result(
            "dependencies: every import is pinned in its function's requirements.txt",
            not problems,
            "; ".join(problems),
            "Add the missing packages to the requirements.txt that installs into that "
            "function's bundle (the root one), pinned with == (and their deps).",
        ),
        Result(
            f"import with an empty environment: {len(sizes)} functions load and answer",
            not failures,
            "; ".join(f.splitlines()[0] + " " + f.splitlines()[-1] for f in failures),
            "Read configuration lazily (a cached getter), never at import; see the error. "
            "An MCP function must accept a public Host (see the host trap).",
        ),
        Result(
            f"bundle size under {MAX_BUNDLE_MB} MB",
            largest < MAX_BUNDLE_MB,
            ", ".join(f"{name} about {mb:.1f} MB" for name, mb in sorted(sizes.items())),
            "Drop heavy dependencies, or exclude files with excludeFiles in vercel.json.",
        ),
    ]


def load_probes(function: Function, root: Path) -> list[Probe]:
    """It loads and answers; an MCP function also answers a deployment's public Host."""
    probes = [Probe(function.name, "/__doctor__", 404)]
    if "mcp" in third_party_imports(root, function.entry):
        probe = mcp_probe("/mcp", "initialize", INITIALIZE, key="result")
        probes.append(
            Probe(function.name, **{k: v for k, v in vars(probe).items() if k != "function"})
        )
    return probes


def conflicting_pins(manifests: list[Path]) -> list[str]:
    """One dev venv installs every manifest: a package pinned twice needs one version."""
    seen: dict[str, tuple[str, Path]] = {}
    problems = []
    for manifest in manifests:
        for name, version in requirement_pins(manifest).items():
            key = name.lower().replace("_", "-")
            if key in seen and seen[key][0] != version:
                problems.append(f"{name} pinned {seen[key][0]} and {version}")
            seen.setdefault(key, (version, manifest))
    return problems


def local_environment(root: Path) -> dict[str, str]:
    """The variables a local run sees: ``.env`` (as ``make dev`` reads it), the real
    environment winning."""
    found: dict[str, str] = {}
    env_file = root / ".env"
    if env_file.exists():
        for raw in env_file.read_text().splitlines():
            line = raw.strip()
            name, sep, value = line.removeprefix("export ").partition("=")
            if sep and line and not line.startswith("#"):
                found[name.strip()] = value.strip().strip("'\"")
    return {**found, **os.environ}


def live_variables(root: Path) -> Result:
    environment = local_environment(root)
    lines = []
    for name, why in LIVE_VARIABLES.items():
        here = bool(environment.get(name, "").strip())
        lines.append(f"{name} ({why}): {'set locally' if here else 'not set locally'}")
    lines.append(
        "VERCEL_PYTHON_COMPILEALL=1 (for dashboard and Git deploys: ships bytecode, "
        "faster cold starts)"
    )
    return Result(
        "environment a live deployment needs (set these in Vercel)",
        True,
        "\n        " + "\n        ".join(lines),
    )


def check_settings(root: Path) -> Result:
    """The settings set locally (environment, .env) judged by the rule /health uses."""
    problems = load_settings(local_environment(root)).problems
    return Result(
        "settings set here (environment, .env): none unusable, as /health judges them",
        not problems,
        " ".join(problems),
        "Correct each value named (and the same variable in the Vercel project); "
        "PUBLIC_BASE_URL must be https://<your-deployment>.",
    )


def shared_state(root: Path) -> Result:
    """Which shared-state mode the settings set here give (never the URL itself)."""
    settings = load_settings(local_environment(root))
    limits = [
        f"{name}={settings.limit(field)}"
        for name, field in LIMIT_VARIABLES
        if settings.limit(field) is not None
    ]
    if settings.shared_state == "redis":
        detail = (
            "redis (REDIS_URL set): cache, rate limit, call budget and AliExpress bans are "
            "shared by every instance"
        )
    else:
        detail = (
            "in-process (REDIS_URL unset or unusable): each instance caches and counts alone; "
            "add Redis from the Vercel Marketplace when traffic grows (README)"
        )
    return Result(
        "shared state",
        not settings.shared_state_problems,
        detail + (f"; limits: {', '.join(limits)}" if limits else "; no limits set"),
        "REDIS_URL must be the redis:// or rediss:// URL the Marketplace integration set.",
    )


def attribution(root: Path) -> Result:
    """Which tracking ID each channel's links carry, with the settings set here."""
    settings = load_settings(local_environment(root))
    shown = [
        f"{channel}={tracking_id or '(none: no links)'}"
        + ("" if settings.own_tracking_id(channel) or tracking_id is None else " (default)")
        for channel, tracking_id in settings.attribution().items()
    ]
    return Result(
        "tracking ID per channel (which assistant earned what: /api/orders/summary)",
        not settings.attribution_problems,
        ", ".join(shown),
        "Each ALIEXPRESS_TRACKING_ID_<CHANNEL> must be a tracking ID created in the "
        "AliExpress portal (README: Attribution).",
    )


def bytecode_paths() -> Result:
    """Which way of deploying ships bytecode (Vercel's builder ships none by default)."""
    return Result(
        "which deploy ships bytecode",
        True,
        "\n        make deploy / make deploy-preview: yes, always (they build here with "
        "VERCEL_PYTHON_COMPILEALL=1\n          and upload that build with "
        "`vercel deploy --prebuilt`)"
        "\n        dashboard, Git push, deploy button, plain `vercel deploy`: only when the "
        "Vercel project\n          has the variable VERCEL_PYTHON_COMPILEALL=1 (a project "
        "variable; vercel.json cannot set it)",
    )


CHECKS: list[Check] = [
    check_handler_naming,
    check_framework,
    check_static_exposure,
    check_folder_functions,
    check_mcp_host_trap,
    check_runtime_txt,
    check_duplicate_manifest,
    check_shared_venv_trap,
    check_pyproject,
    check_python_version,
]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=HERE)
    args = parser.parse_args(argv)
    root = args.root.resolve()
    results = [check(root) for check in CHECKS] + check_dependencies_and_imports(root)
    results.append(check_settings(root))
    results.append(shared_state(root))
    results.append(attribution(root))
    results.append(live_variables(root))
    results.append(bytecode_paths())
    for result in results:
        status = "PASS" if result.ok else "FAIL"
        print(f"[{status}] {result.name}" + (f": {result.detail}" if result.detail else ""))
        if not result.ok and result.fix:
            print(f"       fix: {result.fix}")
    failed = sum(not r.ok for r in results)
    print(f"doctor: {len(results) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
