"""lib/product_view: one source for the cards, assembled into one self-contained view."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from lib import product_view
from lib.product_view import CARDS_DIR, ViewAssemblyError, assemble, resource_meta, tool_meta

ROOT = Path(__file__).resolve().parents[1]


def test_checked_in_view_matches_public_cards() -> None:
    assert product_view.view_html() == assemble(), "run `make view` after editing public/cards/"


def test_view_inlines_the_shared_card_files_and_its_protocol_script() -> None:
    html = product_view.view_html()
    for name in ("card.css", "card.js", "view.js"):
        assert (CARDS_DIR / name).read_text(encoding="utf-8") in html
    assert html.lower().startswith("<!doctype html>")


def test_view_has_no_external_reference() -> None:
    html = product_view.view_html()
    assert not re.search(r"<script[^>]*\bsrc=|<link\b|@import|https?://(?!www\.w3)", html)


def test_landing_page_loads_the_same_card_files() -> None:
    page = (ROOT / "public" / "index.html").read_text(encoding="utf-8")
    assert '<link rel="stylesheet" href="/cards/card.css">' in page
    assert '<script src="/cards/card.js"></script>' in page
    assert ".pc-card" not in page  # card styles live in card.css only


def test_card_styles_and_component_exist_once_in_public() -> None:
    defining = [
        p.relative_to(ROOT).as_posix()
        for p in (ROOT / "public").rglob("*")
        if p.is_file() and ("window.ProductCards =" in p.read_text(errors="ignore"))
    ]
    assert defining == ["public/cards/card.js"]


def test_a_file_that_would_close_its_inline_element_is_refused(tmp_path: Path) -> None:
    (tmp_path / "view.html").write_text('<head><script src="bad.js"></script></head>')
    (tmp_path / "bad.js").write_text('document.write("</script>");')
    with pytest.raises(ViewAssemblyError, match="</script"):
        assemble(tmp_path)


def test_an_external_script_is_refused(tmp_path: Path) -> None:
    (tmp_path / "view.html").write_text('<script src="https://cdn.example.com/x.js"></script>')
    with pytest.raises(ViewAssemblyError, match="external reference"):
        assemble(tmp_path)


def test_tools_link_the_view_for_mcp_apps_hosts_and_chatgpt() -> None:
    meta = tool_meta()
    assert meta["ui"] == {"resourceUri": "ui://aliexpress/product-cards.html"}
    assert meta["openai/outputTemplate"] == meta["ui"]["resourceUri"]


def test_resource_declares_the_image_cdn_the_same_way_for_every_host() -> None:
    meta = resource_meta()
    csp, openai_csp = meta["ui"]["csp"], meta["openai/widgetCSP"]
    assert "https://ae01.alicdn.com" in csp["resourceDomains"]
    assert csp["resourceDomains"] == openai_csp["resource_domains"]
    assert csp["connectDomains"] == openai_csp["connect_domains"] == []  # the view fetches nothing
    assert all(o.startswith("https://") and "*" not in o for o in csp["resourceDomains"])
    assert meta["ui"]["linkTrustedDomains"] == openai_csp["redirect_domains"]
    assert meta["ui"]["permissions"] == {"clipboardWrite": {}}
