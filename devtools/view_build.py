"""``make view``: write lib/product_view.html, the MCP Apps view assembled from public/cards/.

The MCP function serves that file; Vercel's Python builder cannot bundle public/
(see lib.product_view). tests/test_product_view.py fails when it drifts.
"""

from __future__ import annotations

from lib.product_view import ASSEMBLED, assemble


def main() -> None:
    ASSEMBLED.write_text(assemble(), encoding="utf-8")
    print(f"wrote {ASSEMBLED.name} ({ASSEMBLED.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
