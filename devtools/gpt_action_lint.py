"""Lint an OpenAPI document against the GPT Action rules (CONTRACT §6).

``lint(spec)`` returns one message per violation; an empty list means the GPT
editor should accept the document. ``python -m devtools.gpt_action_lint URL|FILE``
lints a served or saved spec (``--help`` for usage).
"""

from __future__ import annotations

import argparse
import json
import re
import urllib.request
from collections.abc import Iterator
from typing import Any

MAX_OPERATIONS = 30
MAX_SUMMARY = 300
MAX_PARAMETER_DESCRIPTION = 700
MAX_CHARS = 100_000
OPERATION_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")
CAMEL_CASE = re.compile(r"[a-z][A-Za-z0-9]*")
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
LOCAL_SPEC_HINT = (
    "the spec function writes PUBLIC_BASE_URL into servers, else Vercel's production URL, "
    "else the request's host: a local dev server's spec is http://, so set "
    "PUBLIC_BASE_URL=https://<your-deployment> or lint the deployed spec"
)


def operations(spec: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in spec.get("paths", {}).items():
        for method, operation in item.items():
            if method in METHODS:
                yield path, method, operation


def schemas_in(node: Any, where: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every JSON schema object below ``node`` (best effort, by shape)."""
    if isinstance(node, dict):
        if node.get("type") == "object" or "properties" in node:
            yield where, node
        for key, value in node.items():
            yield from schemas_in(value, f"{where}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from schemas_in(value, f"{where}/{index}")


def lint(spec: dict[str, Any]) -> list[str]:
    problems: list[str] = []
    if spec.get("openapi") != "3.1.0":
        problems.append(f"openapi must be 3.1.0, is {spec.get('openapi')!r}")
    servers = spec.get("servers", [])
    if len(servers) != 1:
        problems.append(f"exactly one servers entry is required, found {len(servers)}")
    elif not str(servers[0].get("url", "")).startswith("https://"):
        url = str(servers[0].get("url", ""))
        problem = f"servers[0].url must be an absolute https URL: {url!r}"
        if url.startswith("http://"):
            problem += f" ({LOCAL_SPEC_HINT})"
        problems.append(problem)
    found = list(operations(spec))
    if len(found) > MAX_OPERATIONS:
        problems.append(f"at most {MAX_OPERATIONS} operations, found {len(found)}")
    seen: set[str] = set()
    for path, method, operation in found:
        where = f"{method.upper()} {path}"
        operation_id = operation.get("operationId")
        if not operation_id:
            problems.append(f"{where}: no operationId")
        else:
            if not OPERATION_ID.fullmatch(operation_id) or not CAMEL_CASE.fullmatch(operation_id):
                problems.append(
                    f"{where}: operationId {operation_id!r} is not short camelCase "
                    "([A-Za-z0-9_-], at most 64 chars)"
                )
            if operation_id in seen:
                problems.append(f"{where}: duplicate operationId {operation_id!r}")
            seen.add(operation_id)
        if not (operation.get("summary") or operation.get("description")):
            problems.append(f"{where}: needs a summary or description")
        for field in ("summary", "description"):
            if len(operation.get(field) or "") > MAX_SUMMARY:
                problems.append(f"{where}: {field} longer than {MAX_SUMMARY} characters")
        for parameter in operation.get("parameters", []):
            if "$ref" in parameter:
                problems.append(
                    f"{where}: parameter {parameter['$ref']} must be inline, not a $ref"
                )
                continue
            description = parameter.get("description") or ""
            if not description:
                problems.append(f"{where}: parameter {parameter.get('name')!r} has no description")
            if len(description) > MAX_PARAMETER_DESCRIPTION:
                problems.append(
                    f"{where}: parameter {parameter.get('name')!r} description longer "
                    f"than {MAX_PARAMETER_DESCRIPTION} characters"
                )
    if spec.get("components", {}).get("parameters"):
        problems.append("components/parameters is not supported: put parameters inline")
    for where, schema in schemas_in(spec, "#"):
        if schema.get("type") == "object" and "properties" not in schema:
            problems.append(f"{where}: object schema without properties")
    schemes = spec.get("components", {}).get("securitySchemes", {})
    if len(schemes) > 1:
        problems.append(f"at most one security scheme, found {sorted(schemes)}")
    for name, scheme in schemes.items():
        if scheme.get("type") != "http" or scheme.get("scheme") != "bearer":
            problems.append(f"security scheme {name!r} must be http bearer")
    for path, method, operation in found:
        for requirement in operation.get("security", []):
            for name in requirement:
                if name not in schemes:
                    problems.append(f"{method.upper()} {path}: security {name!r} is not declared")
    size = len(json.dumps(spec))
    if size > MAX_CHARS:
        problems.append(f"document is {size} characters, over {MAX_CHARS}")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m devtools.gpt_action_lint",
        description="Lint an OpenAPI document against the GPT Action rules; exit 1 on problems.",
    )
    parser.add_argument(
        "source",
        metavar="URL|FILE",
        help="a served spec (e.g. https://<your-deployment>/openapi-gpt.json) or a saved file",
    )
    source = parser.parse_args(argv).source
    try:
        if source.startswith(("http://", "https://")):
            with urllib.request.urlopen(source, timeout=10) as response:  # noqa: S310 - a URL the user gives
                spec = json.load(response)
        else:
            with open(source) as handle:
                spec = json.load(handle)
    except (OSError, ValueError) as error:
        parser.error(f"cannot read a JSON spec from {source}: {error}")
    problems = lint(spec)
    for problem in problems:
        print(f"- {problem}")
    print(f"{len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
