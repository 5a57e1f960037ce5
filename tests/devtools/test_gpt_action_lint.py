"""The GPT-rules linter catches each rule on a deliberately broken sample."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

import pytest

from devtools.gpt_action_lint import lint, main
from devtools.gpt_spec import SPEC_FILE

Spec = dict[str, Any]


def good() -> Spec:
    spec = json.loads(SPEC_FILE.read_text())
    spec["servers"] = [{"url": "https://example.vercel.app"}]
    return spec


def first_operation(spec: Spec) -> Spec:
    return spec["paths"]["/api/products/search"]["get"]


def many_operations(spec: Spec) -> None:
    for index in range(30):
        spec["paths"][f"/extra/{index}"] = {
            "get": {"operationId": f"extra{index}", "summary": "x", "responses": {}}
        }


BREAKAGES: dict[str, tuple[Callable[[Spec], None], str]] = {
    "openapi 3.0": (lambda s: s.update(openapi="3.0.3"), "openapi must be 3.1.0"),
    "two servers": (
        lambda s: s.update(servers=[{"url": "https://a"}, {"url": "https://b"}]),
        "exactly one servers entry",
    ),
    "no servers": (lambda s: s.pop("servers"), "exactly one servers entry"),
    "http server": (lambda s: s.update(servers=[{"url": "http://a.example"}]), "https URL"),
    "relative server": (lambda s: s.update(servers=[{"url": "/api"}]), "https URL"),
    "no operationId": (lambda s: first_operation(s).pop("operationId"), "no operationId"),
    "bad operationId": (
        lambda s: first_operation(s).update(operationId="search products!"),
        "not short camelCase",
    ),
    "long operationId": (
        lambda s: first_operation(s).update(operationId="a" * 65),
        "not short camelCase",
    ),
    "duplicate operationId": (
        lambda s: s["paths"]["/api/products/hot"]["get"].update(operationId="searchProducts"),
        "duplicate operationId",
    ),
    "long summary": (lambda s: first_operation(s).update(summary="x" * 301), "summary longer"),
    "long description": (
        lambda s: first_operation(s).update(description="x" * 301),
        "description longer than 300",
    ),
    "no summary": (
        lambda s: [first_operation(s).pop(k) for k in ("summary", "description")],
        "needs a summary",
    ),
    "long parameter description": (
        lambda s: first_operation(s)["parameters"][0].update(description="x" * 701),
        "description longer than 700",
    ),
    "parameter without description": (
        lambda s: first_operation(s)["parameters"][0].pop("description"),
        "has no description",
    ),
    "parameter $ref": (
        lambda s: first_operation(s)["parameters"].append({"$ref": "#/components/parameters/q"}),
        "must be inline",
    ),
    "components parameters": (
        lambda s: s["components"].update(parameters={"q": {"name": "q", "in": "query"}}),
        "components/parameters",
    ),
    "object without properties": (
        lambda s: s["components"]["schemas"].update(Loose={"type": "object"}),
        "object schema without properties",
    ),
    "too many operations": (many_operations, "at most 30 operations"),
    "two security schemes": (
        lambda s: s["components"]["securitySchemes"].update(
            Other={"type": "http", "scheme": "bearer"}
        ),
        "at most one security scheme",
    ),
    "api key scheme": (
        lambda s: s["components"]["securitySchemes"].update(
            ProxyApiKey={"type": "apiKey", "in": "header", "name": "X-Key"}
        ),
        "http bearer",
    ),
    "undeclared security": (
        lambda s: first_operation(s).update(security=[{"Nope": []}]),
        "is not declared",
    ),
    "oversized": (lambda s: s["info"].update(description="x" * 100_001), "over 100000"),
}


def test_the_good_spec_is_clean() -> None:
    assert lint(good()) == []


@pytest.mark.parametrize("breakage", sorted(BREAKAGES))
def test_each_rule_is_caught(breakage: str) -> None:
    spec = copy.deepcopy(good())
    mutate, message = BREAKAGES[breakage]
    mutate(spec)
    problems = lint(spec)
    assert any(message in problem for problem in problems), problems


def test_an_http_server_url_hints_at_public_base_url() -> None:
    spec = good()
    spec["servers"] = [{"url": "http://localhost:3000"}]
    (problem,) = lint(spec)
    assert "set PUBLIC_BASE_URL=https://" in problem


def test_the_command_prints_usage_for_help(capsys) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--help"])
    assert exited.value.code == 0
    assert capsys.readouterr().out.startswith("usage: python -m devtools.gpt_action_lint")


def test_the_command_says_what_it_cannot_read(tmp_path, capsys) -> None:
    with pytest.raises(SystemExit) as exited:
        main([str(tmp_path / "missing.json")])
    assert exited.value.code == 2
    assert "cannot read a JSON spec from" in capsys.readouterr().err


def test_the_command_lints_a_local_dev_spec_with_the_hint(tmp_path, capsys) -> None:
    spec = good()
    spec["servers"] = [{"url": "http://localhost:3000"}]
    saved = tmp_path / "openapi-gpt.json"
    saved.write_text(json.dumps(spec))
    assert main([str(saved)]) == 1
    out = capsys.readouterr().out
    assert "PUBLIC_BASE_URL" in out and out.endswith("1 problem(s)\n")
    good_file = tmp_path / "good.json"
    good_file.write_text(json.dumps(good()))
    assert main([str(good_file)]) == 0
