"""`make fake-gateway` (``python -m devtools.fake_gateway``): it says how to use it, and
what it says works."""

from __future__ import annotations

import asyncio
import json
import os
import re
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from devtools.fake_gateway import Fault
from devtools.net import free_port, wait_for_port
from lib.aliexpress.client import AliExpressClient, RetryPolicy
from lib.aliexpress.errors import AliExpressAPIError

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


def request(method: str, url: str, body: bytes | None = None) -> tuple[int, bytes]:
    with urllib.request.urlopen(urllib.request.Request(url, body, method=method)) as response:
        return response.status, response.read()


def test_the_standalone_gateway_prints_what_it_accepts_and_honours_it() -> None:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "devtools.fake_gateway", "--port", str(port)],
        cwd=ROOT,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        wait_for_port(port, process, timeout=20)
        assert process.stdout is not None
        lines: list[str] = []
        while not lines or "/__stats" not in lines[-1]:
            lines.append(process.stdout.readline())
            assert lines[-1], "the gateway stopped:\n" + "".join(lines)
        output = "".join(lines)
        base = f"http://127.0.0.1:{port}"
        printed = dict(re.findall(r"^\s+(ALIEXPRESS_\w+)=(\S+)$", output, re.MULTILINE))
        assert printed.keys() == {
            "ALIEXPRESS_API_URL",
            "ALIEXPRESS_APP_KEY",
            "ALIEXPRESS_APP_SECRET",
        }
        assert printed["ALIEXPRESS_API_URL"] == f"{base}/sync"
        assert f"curl -X POST {base}/__faults" in output
        assert f"curl -X DELETE {base}/__faults" in output
        assert all(fault.value in output for fault in Fault)

        # What it printed works: a signed call with those settings, then the fault controls.
        client = AliExpressClient(
            app_key=printed["ALIEXPRESS_APP_KEY"],
            app_secret=printed["ALIEXPRESS_APP_SECRET"],
            api_url=printed["ALIEXPRESS_API_URL"],
            retry=RetryPolicy(max_attempts=1),
        )

        async def categories() -> int:
            try:
                return len(await client.get_categories())
            finally:
                await client.aclose()

        assert asyncio.run(categories()) > 0
        fault = json.dumps({"fault": "business_error", "times": 1}).encode()
        assert request("POST", f"{base}/__faults", fault)[0] == 204
        with pytest.raises(AliExpressAPIError):
            asyncio.run(categories())
        assert request("DELETE", f"{base}/__faults")[0] == 204
        status, stats = request("GET", f"{base}/__stats")
        assert status == 200 and json.loads(stats)["calls"] == 2
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_without_the_dev_tools_it_says_which_command_to_use() -> None:
    code = (
        "import sys; sys.modules['uvicorn'] = None\n"  # as in a Python without .venv's packages
        "from devtools.fake_gateway.__main__ import main\n"
        "main(['--port', '1'])\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 1
    assert "make fake-gateway" in result.stderr
    assert ".venv/bin/python -m devtools.fake_gateway" in result.stderr
