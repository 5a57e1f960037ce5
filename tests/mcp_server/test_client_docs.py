"""README "Connect an MCP client": every JSON snippet parses and names the ``/mcp`` URL, and
nothing sends a client into OAuth (Cursor and Claude Code ignore configured headers once a
server advertises OAuth discovery)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.mcp_server.test_served import dev_server, raw  # noqa: F401

README = (Path(__file__).resolve().parents[2] / "README.md").read_text()
SECTION = README.split("## Connect an MCP client", 1)[1].split("\n## ", 1)[0]
MCP_URL = "https://<your-deployment>/mcp"


def urls(node: object) -> list[str]:
    if isinstance(node, dict):
        return [
            u for key, value in node.items() for u in ([value] if key == "url" else urls(value))
        ]
    if isinstance(node, list):
        return [u for item in node for u in urls(item)]
    return []


def snippets(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", SECTION, flags=re.DOTALL)


def test_every_json_snippet_parses_and_names_the_mcp_url() -> None:
    found = snippets("json")
    assert len(found) >= 2  # Cursor, VS Code
    for snippet in found:
        assert urls(json.loads(snippet)) == [MCP_URL], snippet


def test_every_command_names_the_mcp_url() -> None:
    commands = [line for s in snippets("bash") for line in s.splitlines() if line.strip()]
    assert any(line.startswith("claude mcp add --transport http") for line in commands)
    for line in commands:
        if not line.startswith("  "):  # continuation lines carry options only
            assert MCP_URL in line, line


@pytest.mark.parametrize("client", ["ChatGPT", "Claude", "Claude Code", "Cursor", "VS Code"])
def test_every_client_has_its_own_paragraph_citing_its_docs(client: str) -> None:
    paragraph = SECTION.split(f"**{client}**", 1)[1].split("\n\n", 1)[0]
    assert "](https://" in paragraph


@pytest.mark.slow
def test_no_oauth_discovery_is_advertised(dev_server) -> None:  # noqa: F811
    base, _ = dev_server
    for path in (
        "/.well-known/oauth-protected-resource",
        "/.well-known/oauth-authorization-server",
    ):
        status, _, _ = raw(base, path, "GET")
        assert status == 404, path
