"""`make deploy`: what it needs, what it says when that is missing, and what it runs.

A fake `vercel` (VERCEL_CLI) records every call; Vercel is never contacted.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))

import deploy  # noqa: E402

pytestmark = pytest.mark.slow

NOT_LOGGED_IN = 'Error: No existing credentials found. Please run `vercel login` or pass "--token"'
FAKE_VERCEL = f"""#!{sys.executable}
import json, os, sys
from pathlib import Path

args = sys.argv[1:]
with open(os.environ["FAKE_VERCEL_LOG"], "a") as log:
    bytecode = os.environ.get("VERCEL_PYTHON_COMPILEALL")
    call = {{"args": args, "cwd": os.getcwd(), "bytecode": bytecode}}
    log.write(json.dumps(call) + "\\n")
if args[0] == "whoami":
    if os.environ.get("FAKE_VERCEL_USER"):
        print(os.environ["FAKE_VERCEL_USER"])
        sys.exit(0)
    print({NOT_LOGGED_IN!r}, file=sys.stderr)
    sys.exit(1)
if args[0] == "build":
    func = Path(".vercel/output/functions/api/health.func")
    func.mkdir(parents=True)
    files = {{"api/health.py": "api/health.py"}}
    if os.environ.get("VERCEL_PYTHON_COMPILEALL") == "1" and not os.environ.get("FAKE_NO_PYC"):
        Path("api/__pycache__").mkdir(exist_ok=True)
        Path("api/__pycache__/health.cpython-312.pyc").write_bytes(b"pyc")
        files["api/__pycache__/health.cpython-312.pyc"] = "api/__pycache__/health.cpython-312.pyc"
    (func / ".vc-config.json").write_text(json.dumps({{"filePathMap": files}}))
    (func / "vc__handler__python.py").write_text('"__VC_HANDLER_ENTRYPOINT": "api/health.py"')
"""


@pytest.fixture
def calls(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Install the fake CLI on PATH; the returned file logs its calls."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "vercel").write_text(FAKE_VERCEL)
    (bin_dir / "vercel").chmod(0o755)
    log = tmp_path / "calls.jsonl"
    log.touch()
    monkeypatch.setenv("PATH", f"{bin_dir}:{Path(sys.executable).parent}:/usr/bin:/bin")
    monkeypatch.setenv("VERCEL_CLI", "vercel")
    monkeypatch.setenv("FAKE_VERCEL_LOG", str(log))
    for name in ("VERCEL_ORG_ID", "VERCEL_PROJECT_ID", "VERCEL_TOKEN", "FAKE_VERCEL_USER"):
        monkeypatch.delenv(name, raising=False)
    return log


def recorded(log: Path) -> list[dict]:
    return [json.loads(line) for line in log.read_text().splitlines()]


def linked(root: Path, project_id: str = "prj_abc123") -> Path:
    (root / ".vercel").mkdir(parents=True)
    link = {"projectId": project_id, "orgId": "team_abc123"}
    (root / ".vercel" / "project.json").write_text(json.dumps(link))
    return root


def test_without_link_and_login_both_fixes_are_named_and_nothing_is_built(
    calls: Path, tmp_path: Path
) -> None:
    with pytest.raises(deploy.DeployError) as error:
        deploy.deploy(True, tmp_path / "work", root=tmp_path / "unlinked")
    message = str(error.value)
    assert "not linked to a Vercel project (.vercel/project.json missing)" in message
    assert "/bin/vercel link` in this folder" in message
    assert "not logged in (vercel whoami: Error: No existing credentials found" in message
    assert "login`, or set VERCEL_TOKEN" in message
    assert [call["args"] for call in recorded(calls)] == [["whoami"]]


def test_logged_in_but_not_linked(
    calls: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FAKE_VERCEL_USER", "owner")
    with pytest.raises(deploy.DeployError) as error:
        deploy.deploy(True, tmp_path / "work", root=tmp_path)
    assert "not linked" in str(error.value)
    assert "logged in" not in str(error.value)


def test_linked_but_not_logged_in(calls: Path, tmp_path: Path) -> None:
    with pytest.raises(deploy.DeployError) as error:
        deploy.deploy(True, tmp_path / "work", root=linked(tmp_path / "root"))
    assert "not logged in" in str(error.value)
    assert "not linked" not in str(error.value)


def test_the_offline_placeholder_link_is_not_a_link(tmp_path: Path) -> None:
    # vercel-check builds with {"projectId": ".", "orgId": "."}: Vercel knows no such project.
    assert "no real projectId" in deploy.link_problem(linked(tmp_path, project_id="."))


def test_ids_from_the_environment_are_a_link(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VERCEL_ORG_ID", "team_abc123")
    monkeypatch.setenv("VERCEL_PROJECT_ID", "prj_abc123")
    assert deploy.link_problem(tmp_path) is None


def test_main_says_which_command_failed_and_exits_1(
    calls: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VERCEL_ORG_ID", "team_abc123")
    monkeypatch.setenv("VERCEL_PROJECT_ID", "prj_abc123")
    assert deploy.main(["--prod"]) == 1
    assert capsys.readouterr().err.startswith("make deploy: cannot deploy:\n  - the Vercel CLI")


@pytest.mark.parametrize(
    ("production", "target", "prod"), [(True, "production", ["--prod"]), (False, "preview", [])]
)
def test_builds_with_bytecode_in_a_copy_and_deploys_that_build(
    calls: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    production: bool,
    target: str,
    prod: list[str],
) -> None:
    monkeypatch.setenv("FAKE_VERCEL_USER", "owner")
    root = linked(tmp_path / "root")
    work = tmp_path / "work"
    deploy.deploy(production, work, root=root)
    made = recorded(calls)
    assert [call["args"] for call in made] == [
        ["whoami"],
        ["pull", "--yes", f"--environment={target}"],
        ["build", "--yes", *prod],
        ["deploy", "--prebuilt", *prod],
    ]
    copy = work / "project"
    assert {call["cwd"] for call in made[1:]} == {str(copy)}
    assert [call["bytecode"] for call in made[1:]] == [None, "1", None]
    assert (copy / ".vercel" / "project.json").read_text() == (
        root / ".vercel" / "project.json"
    ).read_text()
    assert (copy / "api" / "health.py").read_bytes() == (ROOT / "api" / "health.py").read_bytes()


def test_a_build_without_bytecode_is_never_deployed(
    calls: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FAKE_VERCEL_USER", "owner")
    monkeypatch.setenv("FAKE_NO_PYC", "1")
    with pytest.raises(deploy.DeployError, match="health bundle holds no bytecode"):
        deploy.deploy(True, tmp_path / "work", root=linked(tmp_path / "root"))
    assert "deploy" not in [call["args"][0] for call in recorded(calls)]
