"""Headless Chromium (Debian's package, driven by Playwright) against the real pages.

Without /usr/bin/chromium these tests fail when CI is set (.ci/run installs it) and
are skipped with a loud reason otherwise, so a developer without the browser still
runs the rest of the suite.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest

from devtools.browser import chromium_missing, keep_offline, launch
from devtools.dev_process import dev_server


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Per module: Playwright's sync API holds an event loop in this thread while it
    runs, which would break every asyncio test that runs after it."""
    missing = chromium_missing()
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"browser tests cannot run in CI: {missing}")
        pytest.skip(f"BROWSER TESTS SKIPPED: {missing}")
    with launch() as chromium:
        yield chromium


@pytest.fixture
def context(browser: Any) -> Iterator[Any]:
    """A fresh browser profile at 360 px, offline; ``context.refused`` lists blocked URLs."""
    ctx = browser.new_context(viewport={"width": 360, "height": 740})
    ctx.refused = keep_offline(ctx)
    ctx.grant_permissions(["clipboard-read", "clipboard-write"])
    yield ctx
    ctx.close()


@pytest.fixture
def page(context: Any) -> Any:
    return context.new_page()


@pytest.fixture(scope="session")
def demo_server() -> Iterator[str]:
    with dev_server() as base:
        yield base


@pytest.fixture(scope="session")
def unconfigured_server() -> Iterator[str]:
    with dev_server(demo=False) as base:
        yield base
