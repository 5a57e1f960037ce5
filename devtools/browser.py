"""Headless Chromium for the browser tests and ``make screenshots``.

Debian's ``chromium`` package driven by Playwright's Python package through
``executable_path`` (Playwright's own browser download is never used). Every page is
kept offline: loopback and local files pass, AliExpress image CDN URLs get a generated
stand-in picture (the demo catalog's image URLs do not exist), anything else is
aborted and recorded, so a test can assert that nothing tried to leave the machine.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = (
    "--no-sandbox",  # CI runs as root, where Chromium's own sandbox refuses to start
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    # Keep the sandboxed view frame in the page's process: as its own process it can
    # fetch before Playwright's request routing attaches, i.e. past keep_offline.
    "--disable-features=IsolateSandboxedIframes",
)
HOST_PAGE = Path(__file__).with_name("mcp_apps_host.html")
IMAGE_HOST = re.compile(r"ae\d+\.alicdn\.com|ae-pic-a\d+\.aliexpress-media\.com")
LOCAL_HOSTS = ("127.0.0.1", "localhost")
# A promo code in the contract's shape (CONTRACT §2, ``promo_code``). The fake gateway
# serves none yet (promo_code_info comes with the deals work): tests and screenshots
# give it to one product so the card's promo code is exercised and shown.
SAMPLE_PROMO_CODE = {
    "code": "AESAVE3",
    "value": "US $3.00",
    "min_spend": "US $20.00",
    "starts_at": "2026-11-20",
    "ends_at": "2026-12-02",
    "remaining": "500",
    "url": None,
}


def chromium_missing() -> str | None:
    """Why the browser cannot run here, or None when it can."""
    if not os.access(CHROMIUM, os.X_OK):
        return f"{CHROMIUM} not found (apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is not installed (requirements-dev.txt)"
    return None


@contextlib.contextmanager
def launch() -> Iterator[Any]:
    """A headless Chromium ``Browser``, closed on exit."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=list(CHROMIUM_ARGS), headless=True
        )
        try:
            yield browser
        finally:
            browser.close()


def keep_offline(context: Any) -> list[str]:
    """Route every request of ``context``; returns the list of URLs it refused."""
    refused: list[str] = []

    def handle(route: Any) -> None:
        url = urlsplit(route.request.url)
        if url.scheme in ("file", "data", "blob", "about") or url.hostname in LOCAL_HOSTS:
            route.continue_()
        elif url.scheme == "https" and IMAGE_HOST.fullmatch(url.hostname or ""):
            route.fulfill(status=200, content_type="image/svg+xml", body=standin_image(url.path))
        else:
            refused.append(route.request.url)
            route.abort()

    context.route("**/*", handle)
    return refused


def standin_image(key: str) -> str:
    """A product-photo stand-in: a pastel square with a parcel, labelled as demo."""
    hue = int(hashlib.sha256(key.encode()).hexdigest()[:4], 16) % 360
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" width="600" height="600" viewBox="0 0 600 600">'
        '<defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1">'
        f'<stop offset="0" stop-color="hsl({hue},70%,94%)"/>'
        f'<stop offset="1" stop-color="hsl({hue},55%,84%)"/></linearGradient></defs>'
        '<rect width="600" height="600" fill="url(#g)"/>'
        f'<rect x="170" y="150" width="260" height="260" rx="40" fill="hsl({hue},40%,58%)"/>'
        f'<rect x="280" y="150" width="40" height="260" fill="hsl({hue},45%,72%)"/>'
        f'<text x="300" y="500" text-anchor="middle" font-family="sans-serif" font-size="36" '
        f'fill="hsl({hue},30%,38%)">demo photo</text></svg>'
    )


def view_scenario(
    view: dict[str, Any],
    tool_result: dict[str, Any] | None,
    tool_input: dict[str, Any] | None = None,
    *,
    theme: str = "light",
    prompt: str = "",
    reply: str = "",
    **host_context: Any,
) -> dict[str, Any]:
    """What the test host needs; ``view`` is the view's ``resources/read`` content."""
    return {
        "html": view["text"],
        "resourceMeta": view.get("_meta") or {},
        "hostContext": {"theme": theme, "displayMode": "inline", **host_context},
        "toolInput": tool_input,
        "toolResult": tool_result,
        "prompt": prompt,
        "reply": reply,
    }


def open_view(page: Any, scenario: dict[str, Any]) -> Any:
    """Load the test host in ``page`` and start the view; returns the view's ``Frame``."""
    page.goto(HOST_PAGE.as_uri())
    frame = page.query_selector("#view").content_frame()
    with page.expect_event("framenavigated", lambda f: f == frame):
        page.evaluate("scenario => window.startHost(scenario)", scenario)
    return frame


def wait_for_photos(frame: Any, timeout: float = 10_000) -> None:
    """Wait until cards are drawn and every photo in view has loaded or failed."""
    frame.wait_for_function(
        """() => document.querySelector('.pc-card:not(.pc-skeleton)')
            && [...document.images].every(image => image.complete
                || image.getBoundingClientRect().left >= innerWidth
                || image.getBoundingClientRect().top >= innerHeight)""",
        timeout=timeout,
    )


def fit_to_content(page: Any) -> None:
    """Make the viewport as tall as the page, so every lazy photo is in view."""
    height = page.evaluate("document.documentElement.scrollHeight")
    page.set_viewport_size({"width": page.viewport_size["width"], "height": height})
