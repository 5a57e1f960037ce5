"""Scan everything the test run saw for secrets: app secret, API keys, signatures.

Collected over the whole session: each test's captured stdout/stderr (function
log lines included), every HTTP response received in process (body and
headers), and all output of function subprocesses. Checked once at the end
(tests/conftest.py:pytest_sessionfinish); a leak fails the run.
"""

from __future__ import annotations

from devtools.fake_gateway.app import DEMO_APP_SECRET, SIGNATURES_RECEIVED

# Every API key a test configures; tests import these rather than spelling keys.
API_KEYS = ("test-proxy-key-0123456789", "runtime-key-123")

RECORDED: list[tuple[str, str]] = []


def record(where: str, text: str) -> None:
    if text:
        RECORDED.append((where, text))


def secrets() -> set[str]:
    return {DEMO_APP_SECRET, *API_KEYS, *SIGNATURES_RECEIVED}


def find_leaks(records: list[tuple[str, str]], secret_values: set[str]) -> list[str]:
    leaks = []
    for where, text in records:
        for secret in secret_values:
            if secret and secret in text:
                shown = secret[:4] + "..." if len(secret) > 8 else "***"
                leaks.append(f"{where}: contains {shown}")
    return leaks
