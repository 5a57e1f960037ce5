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

from devtools.vercel_probes import Probe, run_probes, source_invoker  # noqa: E402

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


def api_files(root: Path) -> list[Path]:
    return sorted(p for p in (root / "api").glob("*.py") if not p.name.startswith(("_", ".")))


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
            problems.append(f"{path.name} has no top-level 'app'")
        if "handler" in names:
            problems.append(f"{path.name} defines 'handler'")
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


def requirement_pins(root: Path) -> dict[str, str]:
    pins = {}
    for line in (root / "requirements.txt").read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line and not line.startswith("-"):
            name, _, version = line.partition("==")
            pins[name.strip()] = version.strip()
    return pins


def assemble_deployed_deps(root: Path, into: Path) -> list[str]:
    """Copy exactly the pinned distributions (plus vercel-runtime) into ``into``."""
    problems = []
    for name, pinned in {**requirement_pins(root), "vercel-runtime": ""}.items():
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


def third_party_imports(root: Path) -> set[str]:
    modules = set()
    for path in [*api_files(root), *(root / "lib").rglob("*.py")]:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                modules |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                modules.add(node.module.split(".")[0])
    return {m for m in modules if m not in sys.stdlib_module_names and m not in ("lib", "api")}


def check_dependencies_and_imports(root: Path) -> list[Result]:
    """Load every function with only the deployed dependencies and an empty environment."""
    deps = Path(tempfile.mkdtemp(prefix="doctor-deps-"))
    try:
        problems = assemble_deployed_deps(root, deps)
        missing = sorted(
            m
            for m in third_party_imports(root)
            if not (deps / m).exists() and not (deps / f"{m}.py").exists()
        )
        results = [
            Result(
                "dependencies: every import is pinned in requirements.txt",
                not problems and not missing,
                "; ".join(problems + [f"not in requirements: {m}" for m in missing]),
                "Add the missing packages to requirements.txt, pinned with == (and their deps).",
            )
        ]
        env = {"PATH": os.environ.get("PATH", ""), "PYTHONPATH": str(deps), "LANG": "C.UTF-8"}
        python = getattr(sys, "_base_executable", sys.executable)
        invoke = source_invoker(root, env, python=python, isolated=True)
        names = [p.stem for p in api_files(root)]
        failures = run_probes(invoke, [Probe(name, "/__doctor__", 404) for name in names])
        results.append(
            Result(
                f"import with an empty environment: {len(names)} functions load and answer",
                not failures,
                "; ".join(f.splitlines()[0] + " " + f.splitlines()[-1] for f in failures),
                "Read configuration lazily (a cached getter), never at import; see the error.",
            )
        )
        size = sum(p.stat().st_size for p in deps.rglob("*") if p.is_file()) / 2**20
        size += (
            sum(
                p.stat().st_size
                for p in [*api_files(root), *(root / "lib").rglob("*")]
                if p.is_file()
            )
            / 2**20
        )
        results.append(
            Result(
                f"bundle size under {MAX_BUNDLE_MB} MB",
                size < MAX_BUNDLE_MB,
                f"about {size:.1f} MB",
                "Drop heavy dependencies, or exclude files with excludeFiles in vercel.json.",
            )
        )
        return results
    finally:
        shutil.rmtree(deps, ignore_errors=True)


def live_variables(root: Path) -> Result:
    dotenv = {}
    env_file = root / ".env"
    if env_file.exists():
        for line in env_file.read_text().splitlines():
            name, sep, value = line.partition("=")
            if sep and not name.strip().startswith("#"):
                dotenv[name.strip()] = value.strip()
    lines = []
    for name, why in LIVE_VARIABLES.items():
        here = bool(os.environ.get(name, "").strip() or dotenv.get(name))
        lines.append(f"{name} ({why}): {'set locally' if here else 'not set locally'}")
    lines.append("VERCEL_PYTHON_COMPILEALL=1 (recommended: ships bytecode, faster cold starts)")
    return Result(
        "environment a live deployment needs (set these in Vercel)",
        True,
        "\n        " + "\n        ".join(lines),
    )


CHECKS: list[Check] = [
    check_handler_naming,
    check_framework,
    check_static_exposure,
    check_runtime_txt,
    check_duplicate_manifest,
    check_pyproject,
    check_python_version,
]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=HERE)
    args = parser.parse_args(argv)
    root = args.root.resolve()
    results = [check(root) for check in CHECKS] + check_dependencies_and_imports(root)
    results.append(live_variables(root))
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
