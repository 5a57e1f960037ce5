"""`make deploy` / `make deploy-preview`: build here with bytecode, deploy that very build.

Vercel builds Python functions without bytecode unless the builder's own process
environment has VERCEL_PYTHON_COMPILEALL=1, so every cold start compiles every
module it imports (BENCHMARKS.md, cold start of the built bundle). A dashboard or
Git deploy builds on Vercel and ships bytecode only if the project has that
variable; this path sets it itself:

1. Preflight, nothing built until all pass: the pinned CLI, a linked project
   (`.vercel/project.json` from `vercel link`, or VERCEL_ORG_ID and
   VERCEL_PROJECT_ID) and a login (`vercel whoami`; VERCEL_TOKEN works too).
2. Copy the project as `vercel deploy` would upload it, with its link, to a
   temporary directory: the builder writes pyproject.toml/uv.lock into the
   project it builds, never into this working tree.
3. In the copy: `vercel pull` (project settings and variables of the target),
   `VERCEL_PYTHON_COMPILEALL=1 vercel build [--prod]`, a check that every
   function bundle holds bytecode, and `vercel deploy --prebuilt [--prod]`, which
   uploads the copy's `.vercel/output` as built (`--prebuilt` reads the output of
   the directory it deploys, so build and deploy share the copy; the deployment
   carries no git metadata).

`VERCEL_CLI` names another `vercel` executable (tests use a fake one); by default
the pinned CLI is installed into .tools/ as `make vercel-check` does.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from devtools.vercel_output import bundle_size, discover  # noqa: E402
from scripts.vercel_check import (  # noqa: E402
    VERCEL_VERSION,
    cli_environment,
    copy_uploaded,
    ensure_cli,
)

LINK = Path(".vercel") / "project.json"
BYTECODE_VARIABLE = "VERCEL_PYTHON_COMPILEALL"


class DeployError(Exception):
    """A step failed; the message says what to do."""


def find_cli() -> Path:
    chosen = os.environ.get("VERCEL_CLI")
    if not chosen:
        try:
            return ensure_cli()
        except (OSError, subprocess.CalledProcessError) as exc:
            raise DeployError(
                f"could not install vercel@{VERCEL_VERSION} into .tools/ ({exc}); "
                "it needs npm and the npm registry"
            ) from exc
    found = shutil.which(chosen)
    if not found:
        raise DeployError(f"VERCEL_CLI={chosen} is not an executable")
    return Path(found)


def link_problem(root: Path, cli: str = "vercel") -> str | None:
    """Why ``root`` is not linked to a Vercel project, or None."""
    if os.environ.get("VERCEL_ORG_ID") and os.environ.get("VERCEL_PROJECT_ID"):
        return None
    fix = (
        f"link it once with `{cli} link` in this folder (writes .vercel/project.json), "
        "or set VERCEL_ORG_ID and VERCEL_PROJECT_ID"
    )
    try:
        link = json.loads((root / LINK).read_text())
    except FileNotFoundError:
        return f"this folder is not linked to a Vercel project ({LINK} missing): {fix}"
    except ValueError as exc:
        return f"{LINK} is not valid JSON ({exc}): {fix}"
    ids = [link.get("projectId"), link.get("orgId")] if isinstance(link, dict) else []
    if len(ids) != 2 or not all(isinstance(i, str) and i not in ("", ".") for i in ids):
        return f"{LINK} names no real projectId and orgId: {fix}"
    return None


def login_problem(cli: Path, env: dict[str, str]) -> str | None:
    """Why the CLI cannot act on Vercel's behalf, or None (asks Vercel: `vercel whoami`)."""
    try:
        result = subprocess.run(
            [str(cli), "whoami"], env=env, capture_output=True, text=True, timeout=60
        )
    except subprocess.TimeoutExpired:
        return "`vercel whoami` did not answer within 60 s: check the network"
    if result.returncode == 0:
        return None
    said = (result.stderr.strip() or result.stdout.strip()).splitlines()
    return (
        "the Vercel CLI is not logged in"
        + (f" (vercel whoami: {said[-1].strip()})" if said else "")
        + f": run `{cli} login`, or set VERCEL_TOKEN to a token from "
        "https://vercel.com/account/tokens"
    )


def preflight(root: Path, env: dict[str, str]) -> Path:
    """The CLI to use, once the project is linked and the CLI logged in."""
    cli = find_cli()
    problems = [p for p in (link_problem(root, str(cli)), login_problem(cli, env)) if p]
    if problems:
        raise DeployError("\n".join(f"  - {problem}" for problem in problems))
    return cli


def run(cli: Path, args: list[str], cwd: Path, env: dict[str, str]) -> None:
    shown = " ".join(["vercel", *args])
    if env.get(BYTECODE_VARIABLE) and args[0] == "build":
        shown = f"{BYTECODE_VARIABLE}=1 {shown}"
    print(f"$ {shown}", flush=True)
    if subprocess.run([str(cli), *args], cwd=cwd, env=env, check=False).returncode != 0:
        raise DeployError(f"`{shown}` failed (its output is above)")


def check_bytecode(project: Path) -> None:
    """Every function bundle of the build ships .pyc files, or nothing is deployed."""
    functions = discover(project / ".vercel" / "output")
    if not functions:
        raise DeployError("the build produced no functions")
    for function in functions:
        size = bundle_size(function, project)
        print(f"  {function.name:<14}{size.mb:6.1f} MB, {size.files} files, {size.pyc} .pyc")
        if not size.pyc:
            raise DeployError(
                f"the {function.name} bundle holds no bytecode: the builder ignored "
                f"{BYTECODE_VARIABLE}=1 (is the CLI vercel@{VERCEL_VERSION}?)"
            )


def deploy(production: bool, workdir: Path, root: Path = ROOT) -> None:
    """Build this project in ``workdir``; deploy it to the Vercel project ``root`` links."""
    python = Path(getattr(sys, "_base_executable", sys.executable)).parent
    env = cli_environment(python)
    cli = preflight(root, env)
    target = "production" if production else "preview"
    prod = ["--prod"] if production else []
    project = copy_uploaded(workdir / "project")  # git's files minus .vercelignore
    if (root / LINK).exists():
        (project / LINK).parent.mkdir(exist_ok=True)
        shutil.copy2(root / LINK, project / LINK)
    print(f"Building a {target} deployment with bytecode in {project}")
    run(cli, ["pull", "--yes", f"--environment={target}"], project, env)
    run(cli, ["build", "--yes", *prod], project, {**env, BYTECODE_VARIABLE: "1"})
    check_bytecode(project)
    run(cli, ["deploy", "--prebuilt", *prod], project, env)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--prod", action="store_true", help="a production deployment")
    parser.add_argument("--keep", action="store_true", help="keep the build directory")
    args = parser.parse_args(argv)
    # The copy holds the pulled project variables (.vercel/.env.*.local): removed unless kept.
    workdir = Path(tempfile.mkdtemp(prefix="vercel-deploy-"))
    try:
        deploy(args.prod, workdir)
    except DeployError as error:
        command = "make deploy" if args.prod else "make deploy-preview"
        print(f"{command}: cannot deploy:\n{error}", file=sys.stderr)
        return 1
    finally:
        if args.keep:
            print(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
