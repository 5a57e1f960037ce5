"""``make screenshots``: the landing page and the MCP Apps view, as a shopper sees them.

Demo mode (the dev server with the bundled fake gateway), headless Chromium at 360 px
and 1280 px wide, written to ``docs/screenshots/`` (linked from the README). Product
photos are generated stand-ins (the demo catalog's image URLs do not exist), labelled
"demo photo" in the pictures themselves.
"""

from __future__ import annotations

from pathlib import Path

from devtools.browser import (
    SAMPLE_PROMO_CODE,
    fit_to_content,
    keep_offline,
    launch,
    open_view,
    view_scenario,
    wait_for_photos,
)
from devtools.dev_process import dev_server, mcp_request, read_view
from lib.product_view import VIEW_URI

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "screenshots"
WIDTHS = (360, 1280)
QUERY = "phone case"
VARIANTS_PRODUCT = "1005006159840274"  # the demo fitness tracker: colour x size


def shoot(page, name: str) -> None:
    page.screenshot(path=str(OUT / name), full_page=True)
    print(f"wrote {(OUT / name).relative_to(ROOT)}")


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with dev_server() as base, launch() as browser:
        # The view and the tool result exactly as the MCP function serves them.
        view_document = read_view(base, VIEW_URI)
        arguments = {"q": QUERY, "page_size": 6}
        result = mcp_request(
            base, "tools/call", {"name": "search_products", "arguments": arguments}
        )
        products = result["structuredContent"]["products"]
        if not any(product.get("promo_code") for product in products):
            products[0]["promo_code"] = SAMPLE_PROMO_CODE  # see SAMPLE_PROMO_CODE
        variants_arguments = {"product_id": VARIANTS_PRODUCT, "ship_to": "DE"}
        variants = mcp_request(
            base, "tools/call", {"name": "get_variants", "arguments": variants_arguments}
        )
        for width in WIDTHS:
            context = browser.new_context(viewport={"width": width, "height": 560})
            keep_offline(context)
            page = context.new_page()
            page.goto(base + "/")
            page.fill("#q", QUERY)
            page.click("button[type=submit]")
            page.wait_for_selector("text=Results for")
            fit_to_content(page)
            wait_for_photos(page.main_frame)
            shoot(page, f"page-{width}.png")
            themes = ("light", "dark") if width == 360 else ("light",)
            for theme in themes:
                view = context.new_page()
                scenario = view_scenario(
                    view_document,
                    result,
                    arguments,
                    theme=theme,
                    prompt=f"Find me a {QUERY} on AliExpress",
                    reply="Here are a few options:",
                )
                wait_for_photos(open_view(view, scenario))
                view.wait_for_timeout(300)  # the host resizes the frame to the view's height
                shoot(view, f"view-{width}.png" if theme == "light" else f"view-{width}-dark.png")
            view = context.new_page()
            scenario = view_scenario(
                view_document,
                variants,
                variants_arguments,
                prompt="Does it come in blue, size M, and what does that one cost?",
                reply="It does; pick a colour and size:",
            )
            frame = open_view(view, scenario)
            frame.locator(".pc-variants select[name=Color]").select_option("Blue")
            frame.locator(".pc-variants select[name=Size]").select_option("M")
            view.wait_for_timeout(300)
            shoot(view, f"variants-{width}.png")
            context.close()


if __name__ == "__main__":
    main()
