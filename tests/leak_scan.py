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
OWNER_KEYS = ("test-owner-key-9876543210", "runtime-owner-key-456")

RECORDED: list[tuple[str, str]] = []
# Log output only (captured test output, function processes' log lines): checked for
# the owner's order amounts too, which responses to the owner do carry.
LOGS: list[tuple[str, str]] = []
ORDER_AMOUNTS: set[str] = set()


def record(where: str, text: str) -> None:
    if text:
        RECORDED.append((where, text))


def record_log(where: str, text: str) -> None:
    record(where, text)
    if text:
        LOGS.append((where, text))


def record_order_amounts(document: object) -> None:
    """Every amount an /api/orders answer carried (``{"amount": "12.34"}``, totals)."""
    if isinstance(document, dict):
        for key, value in document.items():
            money = key in ("amount", "paid_amount", "estimated_commission")
            if money and isinstance(value, str) and value not in ("0.00", "-0.00"):
                ORDER_AMOUNTS.add(value)
            record_order_amounts(value)
    elif isinstance(document, list):
        for item in document:
            record_order_amounts(item)


def logged_amounts() -> list[str]:
    """Amounts found in log output, as JSON strings (``"12.34"``), the form a log line
    would carry them in; bare numbers are not matched (latencies would collide)."""
    return find_leaks(LOGS, {f'"{amount}"' for amount in ORDER_AMOUNTS})


def secrets() -> set[str]:
    return {DEMO_APP_SECRET, *API_KEYS, *OWNER_KEYS, *SIGNATURES_RECEIVED}


def find_leaks(records: list[tuple[str, str]], secret_values: set[str]) -> list[str]:
    leaks = []
    for where, text in records:
        for secret in secret_values:
            if secret and secret in text:
                shown = secret[:4] + "..." if len(secret) > 8 else "***"
                leaks.append(f"{where}: contains {shown}")
    return leaks
