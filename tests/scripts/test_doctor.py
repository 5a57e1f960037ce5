"""`make doctor` passes on this project and names every trap on a broken copy."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))

import doctor  # noqa: E402
from vercel_check import uploaded_files  # noqa: E402

pytestmark = pytest.mark.slow


def copy_project(target: Path) -> Path:
    for relative in uploaded_files():  # the project as `vercel deploy` would upload it
        (target / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / relative, target / relative)
    return target


def test_doctor_passes_on_this_project(capsys) -> None:
    assert doctor.main(["--root", str(ROOT)]) == 0
    assert "0 failed" in capsys.readouterr().out


def test_doctor_names_every_trap(tmp_path: Path, capsys) -> None:
    root = copy_project(tmp_path)
    links = root / "api" / "links.py"
    links.write_text(
        links.read_text().replace("app = create_data_app", "handler = create_data_app")
    )
    categories = root / "lib" / "routes" / "categories.py"
    categories.write_text("import requests  # noqa\n" + categories.read_text())
    products = root / "api" / "products.py"
    products.write_text(
        "import os\nKEY = os.environ['ALIEXPRESS_APP_KEY']\n" + products.read_text()
    )
    (root / "runtime.txt").write_text("python-3.12\n")
    (root / "pyproject.toml").write_text('[project]\nname = "x"\nversion = "0"\n')
    (root / "api" / "requirements.txt").write_text("fastapi\n")
    (root / ".python-version").write_text("3.9\n")
    shutil.rmtree(root / "public")
    config = json.loads((root / "vercel.json").read_text())
    config["framework"] = "fastapi"
    (root / "vercel.json").write_text(json.dumps(config))
    # The MCP function: folder renamed to shadow the SDK (so no functions entry matches
    # it) and the SDK's default Host check left on.
    (root / "api" / "mcp_fn").rename(root / "api" / "mcp")
    # ... and given its own requirements without FastAPI, which it never imports (the
    # shared-venv trap: the design Vercel's builder breaks)
    pins = (root / "requirements.txt").read_text().replace("fastapi==", "# fastapi==")
    (root / "api" / "mcp" / "requirements.txt").write_text(pins)
    endpoint = root / "lib" / "mcp_server" / "endpoint.py"
    endpoint.write_text(endpoint.read_text().replace("transport_security=ANY_HOST", ""))

    assert doctor.main(["--root", str(root)]) == 1
    out = capsys.readouterr().out
    failed = [line for line in out.splitlines() if line.startswith("[FAIL]")]
    for trap in (
        "handler naming",
        "framework preset",
        "static exposure",
        "runtime.txt",
        "api/requirements.txt",
        "pyproject.toml",
        "Python version",
        "folder functions",
        "MCP host trap",
        "shared-venv trap",
        "dependencies",
        "import with an empty environment",
    ):
        assert any(trap in line for line in failed), f"{trap} not reported:\n{out}"
    assert "links.py defines 'handler'" in out
    assert "categories: not in requirements.txt: requests" in out
    assert "KeyError" in out or "could not import" in out
    assert "api/mcp/index.py matches no vercel.json functions entry" in out
    assert "api/mcp/ shadows the 'mcp' package" in out
    assert "lib/mcp_server/endpoint.py:" in out
    assert "api/mcp/requirements.txt (lacks the root's fastapi)" in out
    assert "one shared venv" in out  # the fix gives the reason
    assert "status 421, expected 200" in out  # the live probe with a public Host
    assert out.count("fix:") == len(failed)


def test_doctor_fails_an_http_public_base_url_as_health_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("PUBLIC_BASE_URL", "ALIEXPRESS_SHIP_TO"):
        monkeypatch.delenv(name, raising=False)
    assert doctor.check_settings(tmp_path).ok
    (tmp_path / ".env").write_text('PUBLIC_BASE_URL="http://proxy.example.com"\n')
    result = doctor.check_settings(tmp_path)
    assert not result.ok
    assert result.detail.startswith("PUBLIC_BASE_URL must be an https:// URL")
    assert "https://<your-deployment>" in result.fix
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://proxy.example.com")  # the environment wins
    monkeypatch.setenv("ALIEXPRESS_SHIP_TO", "XX")
    assert doctor.check_settings(tmp_path).detail.startswith("ALIEXPRESS_SHIP_TO must be")


def test_doctor_says_which_deploy_ships_bytecode() -> None:
    said = " ".join(doctor.bytecode_paths().detail.split())
    assert "make deploy / make deploy-preview: yes, always" in said
    assert "Git push, deploy button, plain `vercel deploy`: only when the Vercel project" in said
    assert "has the variable VERCEL_PYTHON_COMPILEALL=1" in said


def test_doctor_reports_the_shared_state_mode_never_the_url(tmp_path, monkeypatch) -> None:
    for name in ("REDIS_URL", "RATE_LIMIT_PER_MINUTE", "UPSTREAM_CALLS_PER_SECOND"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("UPSTREAM_CALLS_PER_DAY", raising=False)
    result = doctor.shared_state(tmp_path)
    assert result.ok and result.detail.startswith("in-process")
    (tmp_path / ".env").write_text(
        "REDIS_URL=rediss://default:pw-secret@eu1.upstash.io:6379\nRATE_LIMIT_PER_MINUTE=60\n"
    )
    result = doctor.shared_state(tmp_path)
    assert result.ok and result.detail.startswith("redis")
    assert "RATE_LIMIT_PER_MINUTE=60" in result.detail
    assert "pw-secret" not in result.detail and "upstash" not in result.detail
    (tmp_path / ".env").write_text("REDIS_URL=eu1.upstash.io:6379\n")
    result = doctor.shared_state(tmp_path)
    assert not result.ok and result.detail.startswith("in-process")
    assert "upstash" not in result.detail
