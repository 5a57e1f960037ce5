"""``server.json`` (the official MCP Registry's entry for this server) is valid against the
registry's published schema, vendored in ``docs/mcp_registry/server.schema.json`` from
https://static.modelcontextprotocol.io/schemas/2025-09-29/server.schema.json (the same file
as modelcontextprotocol/registry ``docs/reference/server-json/server.schema.json`` at
commit 7c0bbf25bcdf794c4622afbf1b72b99d0281ca6b; copied 2026-12-06), and agrees with the
server it describes."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlsplit

import jsonschema

from lib.mcp_server.server import SERVER_VERSION

ROOT = Path(__file__).resolve().parents[2]
ENTRY = json.loads((ROOT / "server.json").read_text())
SCHEMA = json.loads((ROOT / "docs/mcp_registry/server.schema.json").read_text())


def test_server_json_is_valid_against_the_registry_schema() -> None:
    jsonschema.Draft7Validator.check_schema(SCHEMA)
    validator = jsonschema.Draft7Validator(SCHEMA, format_checker=jsonschema.FormatChecker())
    assert [error.message for error in validator.iter_errors(ENTRY)] == []
    assert ENTRY["$schema"] == SCHEMA["$id"]


def test_the_schema_catches_a_broken_entry() -> None:
    broken = {**ENTRY, "name": "no-namespace", "description": "x" * 101}
    errors = list(jsonschema.Draft7Validator(SCHEMA).iter_errors(broken))
    assert len(errors) == 2


def test_it_describes_this_server() -> None:
    assert ENTRY["version"] == SERVER_VERSION
    (remote,) = ENTRY["remotes"]
    assert remote["type"] == "streamable-http" and remote["url"].endswith("/mcp")
    # The official registry accepts a remote only on the domain its namespace proves
    # (registry docs/reference/server-json/official-registry-requirements.md).
    namespace = ENTRY["name"].split("/")[0].split(".")
    host = urlsplit(remote["url"]).hostname or ""
    assert host == ".".join(reversed(namespace)) or host.endswith(
        "." + ".".join(reversed(namespace))
    )
    (header,) = remote["headers"]
    assert header["name"] == "Authorization" and header["value"] == "Bearer {proxy_api_key}"
    assert header["isSecret"] and not header["isRequired"]  # only with PROXY_API_KEY set
