"""The dev server routes exactly as vercel.json says (filesystem first, then rewrites)."""

import pytest

from devtools.vercel_routes import Router, Target, compile_source


@pytest.mark.parametrize(
    ("path", "target"),
    [
        ("/", Target("static", "index.html")),
        ("/privacy.html", Target("static", "privacy.html")),
        ("/health", Target("function", "health")),
        ("/api/health", Target("function", "health")),
        ("/api/products", Target("function", "products")),
        ("/api/products/search", Target("function", "products")),
        ("/api/products/1005006123456789", Target("function", "products")),
        ("/api/links", Target("function", "links")),
        ("/api/categories", Target("function", "categories")),
        # The GPT and web channels' entrances (lib/http/channels.py): the same functions.
        ("/gpt/api/products/search", Target("function", "products")),
        ("/gpt/api/products/1005006123456789/shipping", Target("function", "products")),
        ("/gpt/api/links", Target("function", "links")),
        ("/gpt/api/categories", Target("function", "categories")),
        ("/gpt/api/promotions/products", Target("function", "promotions")),
        ("/web/api/products/hot", Target("function", "products")),
        ("/web/api/links", Target("function", "links")),
        ("/gpt/api/orders", Target("function", "health")),  # the owner's: no channel
        ("/api/nope", Target("function", "health")),  # catch-all: JSON 404 from health
        ("/favicon.ico", Target("function", "health")),
        ("/../vercel.json", Target("function", "health")),  # never escapes public/
    ],
)
def test_routes(path: str, target: Target) -> None:
    assert Router().resolve(path) == target


def test_path_star_matches_the_bare_prefix_and_deeper_paths() -> None:
    pattern = compile_source("/api/products/:path*")
    assert pattern.fullmatch("/api/products")
    assert pattern.fullmatch("/api/products/a/b")
    assert not pattern.fullmatch("/api/productsX")


def test_unsupported_source_syntax_is_refused() -> None:
    with pytest.raises(ValueError, match="unsupported"):
        compile_source("/(.*)")


@pytest.mark.parametrize("path", ["/api/products/a\nb", "/odd\n/path", "/api/products/\x00"])
def test_control_characters_in_paths_route_like_vercel(path: str) -> None:
    # Found by schemathesis: "." did not match "\n", so the rewrite was skipped.
    assert Router().resolve(path).kind == "function"
