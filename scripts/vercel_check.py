"""`make vercel-check`: build with Vercel's own CLI and check what would deploy.

1. Copy the project, as it would be uploaded, to a temporary directory (the
   builder writes pyproject.toml/uv.lock into the project it builds).
2. Run the pinned CLI's `vercel build` twice: project settings `framework: null`
   and `framework: "fastapi"` (what the dashboard auto-detects).
3. Check the output: exactly the expected functions (folder functions such as
   api/mcp_fn/index.py included); python3.12 and variable `app` in each; static
   output = public/ only; no tests, benchmarks or dev tooling in any bundle;
   every file a bundle references still exists after the whole build (the
   builder installs every function into one shared venv and bundles only
   reference its files: a later function's exact sync can delete an earlier
   bundle's packages); the MCP function's bundle holds the SDK; config.json
   routes every public URL of the contract to the right function. Bundle sizes
   are reported against those before the MCP function existed
   (scripts/data/bundle_sizes.json), as information.
   Before building: no folder function has its own requirements.txt differing
   from the root one (the shared-venv trap, devtools/manifests.py).
4. Start each built function through its own vc__handler__python.py with that
   build's vendored dependencies only, and probe every route (the MCP function
   with a public Host): the REST functions and the MCP function reported apart.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from fnmatch import fnmatch
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from devtools.fake_gateway import DEMO_APP_KEY, DEMO_APP_SECRET, FakeGateway  # noqa: E402
from devtools.fake_gateway.catalog import Catalog  # noqa: E402
from devtools.fake_gateway.server import serve_in_thread  # noqa: E402
from devtools.manifests import TRAP_FIX, shared_venv_traps  # noqa: E402
from devtools.vercel_probes import (  # noqa: E402
    auth_probes,
    bundle_invoker,
    configured_probes,
    owner_probes,
    run_probes,
    unconfigured_probes,
)
from devtools.vercel_routes import function_entrypoint, function_names  # noqa: E402

VERCEL_VERSION = "58.10.0"
CLI = ROOT / ".tools" / "node_modules" / ".bin" / "vercel"
MAX_BUNDLE_MB = 250
# Bundle sizes before the MCP function existed (vercel build, framework null): what
# the SDK in the shared root manifest costs each bundle, reported, not judged.
REFERENCE_SIZES = ROOT / "scripts" / "data" / "bundle_sizes.json"
SDK_PACKAGE = "_vendor/mcp/"
MCP_FUNCTION = "mcp_fn"
# The MCP Apps view, assembled from public/cards/ (lib/product_view.py): in the MCP
# function's bundle only.
VIEW_FUNCTION = MCP_FUNCTION
VIEW_DOCUMENT = "lib/product_view.html"
# Nothing from these may be inside a function bundle.
FORBIDDEN_IN_BUNDLE = (
    "tests/",
    "bench/",
    "devtools/",
    "scripts/",
    "docs/",
    ".ci/",
    "public/",
    ".env",
    ".venv/",
    ".tools/",
    "node_modules/",
)


class Report:
    def __init__(self) -> None:
        self.failures: list[str] = []

    def check(self, ok: bool, what: str, detail: str = "") -> None:
        print(f"  [{'PASS' if ok else 'FAIL'}] {what}" + (f" - {detail}" if detail else ""))
        if not ok:
            self.failures.append(what + (f": {detail}" if detail else ""))


def ensure_cli() -> Path:
    if not CLI.exists():
        print(f"Installing vercel@{VERCEL_VERSION} into .tools/ ...")
        subprocess.run(
            [
                "npm",
                "install",
                "--prefix",
                str(ROOT / ".tools"),
                "--save-exact",
                "--no-audit",
                "--no-fund",
                "--loglevel=error",
                f"vercel@{VERCEL_VERSION}",
            ],
            check=True,
        )
    return CLI


def uploaded_files() -> list[str]:
    """What `vercel deploy` would upload: git's files minus .vercelignore."""
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    ignore = [
        line.strip().rstrip("/")
        for line in (ROOT / ".vercelignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]

    def ignored(path: str) -> bool:
        parts = path.split("/")
        return any(
            fnmatch(path, pattern) or any(fnmatch(part, pattern) for part in parts)
            for pattern in ignore
        )

    return [path for path in listed if (ROOT / path).is_file() and not ignored(path)]


def copy_uploaded(project: Path) -> Path:
    """The project as `vercel deploy` would upload it, copied into ``project``."""
    for relative in uploaded_files():
        target = project / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / relative, target)
    return project


def cli_environment(python_dir: Path, **extra: str) -> dict[str, str]:
    """The builder needs uv (in this venv) and a Python 3.12 (``python_dir``) on PATH."""
    return {
        **os.environ,
        "PATH": os.pathsep.join(
            [str(Path(sys.executable).parent), str(python_dir), os.environ.get("PATH", "")]
        ),
        "VERCEL_TELEMETRY_DISABLED": "1",
        **extra,
    }


def run_vercel_build(project: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """``vercel build --yes`` in ``project`` with the pinned CLI, its output captured."""
    return subprocess.run(
        [str(ensure_cli()), "build", "--yes"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def build(workdir: Path, framework: str | None, python_dir: Path) -> Path:
    project = copy_uploaded(workdir / f"project-{framework or 'null'}")
    (project / ".vercel").mkdir()
    settings = {"projectId": ".", "orgId": ".", "settings": {"framework": framework}}
    (project / ".vercel" / "project.json").write_text(json.dumps(settings))
    started = time.monotonic()
    result = run_vercel_build(project, cli_environment(python_dir))
    print(
        f"  vercel build (framework={framework!r}): exit {result.returncode} "
        f"in {time.monotonic() - started:.1f} s"
    )
    if result.returncode != 0:
        print(result.stdout[-3000:], result.stderr[-3000:], sep="\n")
        raise SystemExit(f"vercel build failed with framework={framework!r}")
    return project


def function_output(output: Path, name: str) -> Path:
    """``api/<name>.func``, or ``api/<name>/index.func`` for a folder function."""
    entry = function_entrypoint(name, ROOT)
    return output / "functions" / entry.with_suffix(".func")


def check_output(project: Path, report: Report) -> dict[str, float]:
    output = project / ".vercel" / "output"
    names = function_names(ROOT)
    functions_dir = output / "functions" / "api"
    built = sorted(
        [p.name.removesuffix(".func") for p in functions_dir.glob("*.func")]
        + [p.parent.name for p in functions_dir.glob("*/index.func")]
    )
    report.check(built == names, "exactly the expected functions", ", ".join(built))
    sizes: dict[str, float] = {}
    for name in built:
        func = function_output(output, name)
        entry = function_entrypoint(name, ROOT).as_posix()
        config = json.loads((func / ".vc-config.json").read_text())
        handler = (func / "vc__handler__python.py").read_text()
        report.check(
            config.get("runtime") == "python3.12"
            and config.get("handler") == "vc__handler__python.vc_handler"
            and '"__VC_HANDLER_VARIABLE_NAME": "app"' in handler
            and f'"__VC_HANDLER_ENTRYPOINT": "{entry}"' in handler,
            f"{name}: runtime python3.12, handler variable app",
        )
        report.check(
            config.get("maxDuration") == 30, f"{name}: maxDuration 30 s from its functions entry"
        )
        files = config["filePathMap"]
        leaked = sorted(
            dest
            for dest in files
            if dest.startswith(FORBIDDEN_IN_BUNDLE)
            or (dest.endswith(".md") and not dest.startswith("_vendor/"))
        )
        report.check(
            not leaked,
            f"{name}: no tests, benchmarks, dev tooling or docs in bundle",
            ", ".join(leaked[:5]),
        )
        missing = sorted(dest for dest, source in files.items() if not (project / source).exists())
        report.check(
            not missing,
            f"{name}: every file the bundle references exists after the whole build",
            f"{len(missing)} missing, e.g. {', '.join(missing[:3])} (a later function's "
            "install into the builder's shared .vercel/python/.venv removed them)"
            if missing
            else "",
        )
        wanted = name == VIEW_FUNCTION
        report.check(
            (VIEW_DOCUMENT in files) == wanted,
            f"{name}: {'holds' if wanted else 'does not hold'} the MCP Apps view {VIEW_DOCUMENT}",
        )
        if name == MCP_FUNCTION:
            report.check(
                any(dest.startswith(SDK_PACKAGE) for dest in files),
                f"{name}: the bundle holds the MCP SDK it imports",
            )
        size = (
            sum(
                (project / source).stat().st_size
                for source in files.values()
                if (project / source).exists()
            )
            / 2**20
        )
        sizes[name] = size
        report.check(
            size < MAX_BUNDLE_MB, f"{name}: bundle size", f"{size:.1f} MB ({len(files)} files)"
        )
    static = sorted(
        str(p.relative_to(output / "static")) for p in (output / "static").rglob("*") if p.is_file()
    )
    public = sorted(
        str(p.relative_to(ROOT / "public")) for p in (ROOT / "public").rglob("*") if p.is_file()
    )
    report.check(static == public, "static output is exactly public/", ", ".join(static))
    check_routes(json.loads((output / "config.json").read_text()), static, built, report)
    return sizes


def expected_routes(functions: list[str]) -> dict[str, str]:
    routes = {
        "/api/health": "function:health",
        "/health": "function:health",
        "/api/products": "function:products",
        "/api/products?ids=1": "function:products",
        "/api/products/search": "function:products",
        "/api/products/hot": "function:products",
        "/api/products/1005006123456789": "function:products",
        "/api/links": "function:links",
        "/api/categories": "function:categories",
        "/api/products/1005006123456789/similar": "function:products",
        "/api/promotions": "function:promotions",
        "/api/promotions/products?name=weeklydeals": "function:promotions",
        "/api/orders": "function:orders",
        "/api/orders/summary": "function:orders",
        "/": "static:index.html",
        "/privacy.html": "static:privacy.html",
        "/api/unknown": "function:health",
        "/lib/config.py": "function:health",
        "/requirements.txt": "function:health",
        "/.env": "function:health",
    }
    if "mcp_fn" in functions:
        routes |= {
            "/mcp": "function:mcp_fn",
            "/api/mcp": "function:mcp_fn",
            "/api/mcp_fn": "function:mcp_fn",
            "/mcpx": "function:health",
        }
    if "openapi_gpt" in functions:
        routes |= {
            "/api/openapi_gpt": "function:openapi_gpt",
            "/openapi-gpt.json": "function:openapi_gpt",
        }
    return routes


def resolve(config: dict, path: str, static: list[str], functions: list[str]) -> str:
    """Vercel's routing over config.json: filesystem first, then routes in order."""

    def filesystem(target: str) -> str | None:
        bare = target.split("?")[0]
        file = bare.lstrip("/") or "index.html"
        if file in static:
            return f"static:{file}"
        name = bare.removeprefix("/api/").removesuffix("/index")
        if bare.startswith("/api/") and name in functions:
            return f"function:{name}"
        return None

    found = filesystem(path)
    if found:
        return found
    routes = config["routes"]
    start = next(i for i, r in enumerate(routes) if r.get("handle") == "filesystem") + 1
    for route in routes[start:]:
        if "handle" in route:
            break
        match = re.match(route["src"], path.split("?")[0])
        if not match:
            continue
        if "dest" not in route:
            return f"status:{route.get('status')}"
        # "$1" in dest is the route's group 1 (empty when it did not match).
        dest = match.expand(re.sub(r"\$(\d+)", r"\\g<\1>", route["dest"]))
        found = filesystem(dest) if route.get("check") else None
        if found:
            return found
    return "status:404"


def check_routes(config: dict, static: list[str], functions: list[str], report: Report) -> None:
    wrong = []
    for path, expected in expected_routes(functions).items():
        got = resolve(config, path, static, functions)
        if got != expected:
            wrong.append(f"{path} -> {got} (expected {expected})")
    report.check(
        not wrong,
        f"config.json routes all {len(expected_routes(functions))} public URLs",
        "; ".join(wrong),
    )


def materialize(project: Path, name: str, into: Path) -> Path:
    """The bundle as deployed; files the build no longer has are left out (and reported
    by check_output), so the probes show what such a deployment would do."""
    func = function_output(project / ".vercel" / "output", name)
    target = into / name
    config = json.loads((func / ".vc-config.json").read_text())
    for dest, source in config["filePathMap"].items():
        if not (project / source).exists():
            continue
        path = target / dest
        path.parent.mkdir(parents=True, exist_ok=True)
        os.link(project / source, path)
    for own in (".vc-config.json", "vc__handler__python.py"):
        shutil.copy2(func / own, target / own)
    return target


def probe_bundles(project: Path, workdir: Path, python: str, report: Report) -> None:
    names = function_names(ROOT)
    bundles = workdir / "bundles"
    for name in names:
        materialize(project, name, bundles)
    config = json.loads((bundles / names[0] / ".vc-config.json").read_text())
    base = {"PATH": os.environ.get("PATH", ""), "LANG": "C.UTF-8", **config["environment"]}
    product = str(Catalog.load().products[0]["product_id"])
    with serve_in_thread(FakeGateway()) as url:
        live = {
            **base,
            "ALIEXPRESS_APP_KEY": DEMO_APP_KEY,
            "ALIEXPRESS_APP_SECRET": DEMO_APP_SECRET,
            "ALIEXPRESS_TRACKING_ID": "build_check",
            "ALIEXPRESS_API_URL": url,
        }
        suites = [
            ("full configuration", live, configured_probes(product)),
            ("empty environment", base, unconfigured_probes()),
            ("PROXY_API_KEY set", {**live, "PROXY_API_KEY": "check-key"}, auth_probes("check-key")),
            (
                "OWNER_API_KEY set",
                {**live, "PROXY_API_KEY": "check-key", "OWNER_API_KEY": "check-owner-key"},
                owner_probes("check-owner-key", "check-key"),
            ),
        ]
        for label, env, probes in suites:
            for which, group in (
                (
                    "the REST functions load from their bundles and answer",
                    [p for p in probes if p.function != MCP_FUNCTION],
                ),
                (
                    "the MCP function loads from its bundle and answers",
                    [p for p in probes if p.function == MCP_FUNCTION],
                ),
            ):
                if not group:
                    continue
                started = time.monotonic()
                failures = run_probes(bundle_invoker(bundles, env, python), group)
                report.check(
                    not failures,
                    f"built: {which} {len(group)} probes ({label})",
                    f"{time.monotonic() - started:.1f} s" if not failures else "; ".join(failures),
                )


def check_manifests(report: Report) -> None:
    """The shared-venv trap, in the sources: a folder function's differing requirements."""
    traps = shared_venv_traps(ROOT)
    report.check(
        not traps,
        "no folder function has its own requirements differing from requirements.txt",
        "; ".join(traps) + f". {TRAP_FIX}" if traps else "",
    )


def print_sizes(sizes: dict[str, float]) -> None:
    """Each bundle against its size before the MCP function existed: information."""
    reference = json.loads(REFERENCE_SIZES.read_text())["sizes_mb"]
    print("function      bundle (MB)   before the MCP function (MB)   change")
    for name, size in sizes.items():
        if name in reference:
            change = f"{size - reference[name]:+.1f} MB ({size / reference[name] - 1:+.0%})"
            print(f"  {name:<12}{size:>10.1f}   {reference[name]:>10.1f}{'':>20}{change}")
        else:
            print(f"  {name:<12}{size:>10.1f}   {'-':>10}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = parser.parse_args()
    started = time.monotonic()
    python = getattr(sys, "_base_executable", sys.executable)  # a Python without our venv
    report = Report()
    workdir = Path(tempfile.mkdtemp(prefix="vercel-check-"))
    print("Manifests")
    check_manifests(report)
    try:
        sizes_by_framework = {}
        first = None
        for framework in (None, "fastapi"):
            print(f"Build with project settings framework={framework!r}")
            project = build(workdir, framework, Path(python).parent)
            sizes_by_framework[framework] = check_output(project, report)
            first = first or project
        print("Built functions, started from the build output")
        assert first is not None
        probe_bundles(first, workdir, python, report)
    finally:
        if args.keep:
            print(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    print()
    print_sizes(sizes_by_framework[None])
    print(f"vercel-check: {len(report.failures)} failed in {time.monotonic() - started:.0f} s")
    if report.failures:
        for failure in report.failures:
            print(f"  FAIL {failure}")
        raise SystemExit(1)


if __name__ == "__main__":
    main()
