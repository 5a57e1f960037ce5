"""lib/http/channels.py: the entrance a request used names its channel."""

from __future__ import annotations

import pytest

from lib.http.channels import ChannelEntrance, channel_of, split_entrance


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/gpt/api/links", ("gpt", "/api/links")),
        ("/web/api/products/search", ("web", "/api/products/search")),
        ("/api/products/search", ("api", "/api/products/search")),
        ("/gpt", ("api", "/gpt")),  # nothing after the entrance: not an entrance
        ("/gptx/api/links", ("api", "/gptx/api/links")),
        ("/mcp", ("api", "/mcp")),  # the MCP function is the mcp channel by itself
        ("/GPT/api/links", ("api", "/GPT/api/links")),  # paths are case-sensitive
    ],
)
def test_split_entrance(path: str, expected: tuple[str, str]) -> None:
    assert split_entrance(path) == expected


@pytest.mark.anyio
@pytest.mark.parametrize("anyio_backend", ["asyncio"])
async def test_the_prefix_leaves_path_and_raw_path_before_routing(anyio_backend: str) -> None:
    seen: list[dict] = []

    async def app(scope, receive, send) -> None:
        seen.append(dict(scope))

    scope = {"type": "http", "path": "/gpt/api/x y", "raw_path": b"/gpt/api/x%20y"}
    await ChannelEntrance(app)(scope, None, None)
    assert (seen[0]["path"], seen[0]["raw_path"]) == ("/api/x y", b"/api/x%20y")
    assert channel_of(seen[0]) == "gpt"
    assert channel_of({"type": "http"}) == "api"
