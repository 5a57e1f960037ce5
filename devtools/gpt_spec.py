"""Generate the GPT Action spec from the data functions' FastAPI apps.

    make spec     (python -m devtools.gpt_spec)  writes lib/openapi_gpt.json

The apps are the single source of truth; this merges their OpenAPI documents,
reshapes them for GPT Actions (CONTRACT §6) and writes a checked-in file that
``api/openapi_gpt.py`` serves without importing FastAPI. A test fails when the
file drifts from what the apps generate.
"""

from __future__ import annotations

import importlib
import json
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SPEC_FILE = ROOT / "lib" / "openapi_gpt.json"
DATA_FUNCTIONS = ("products", "links", "categories", "promotions")
PLACEHOLDER_SERVER = "https://your-deployment.vercel.app"

INFO = {
    "title": "AliExpress product search",
    "version": "1.0.0",
    "description": (
        "Search AliExpress products, read details, list hot products and categories, and "
        "create affiliate links. Prices are decimal strings in the requested currency. "
        "Share affiliate_url links with the user, not url. For deals use listPromotions and "
        "listPromotionProducts; for 'more like this' use listSimilarProducts; a product's "
        "promo_code is a coupon for checkout."
    ),
}
ERROR_SCHEMA = {
    "type": "object",
    "description": "Every error. Read error.message: it says what to change.",
    "properties": {
        "error": {
            "type": "object",
            "properties": {
                "code": {
                    "type": "string",
                    "enum": [
                        "invalid_request",
                        "unauthorized",
                        "permission_required",
                        "not_found",
                        "rate_limited",
                        "upstream_error",
                        "not_configured",
                        "upstream_timeout",
                        "method_not_allowed",
                        "internal_error",
                    ],
                },
                "message": {"type": "string"},
                "request_id": {"type": "string"},
            },
            "required": ["code", "message", "request_id"],
        }
    },
    "required": ["error"],
}
ERROR_RESPONSE = {
    "description": "Error: 422 bad parameter (message names it), 401 bad key, 403 "
    "permission_required (the owner must apply to AliExpress; do not retry), 404 not found, "
    "429 rate limited (retry later), 502/504 AliExpress failed, 503 not configured.",
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
}


def _simplify_parameter(parameter: dict[str, Any]) -> dict[str, Any]:
    """Query values are never JSON null: `anyOf [X, null]` becomes X, titles go."""
    schema = dict(parameter["schema"])
    variants = [v for v in schema.pop("anyOf", []) if v.get("type") != "null"]
    if len(variants) == 1:
        schema = {**variants[0], **schema}
    for noise in ("title", "description"):  # the description lives on the parameter
        schema.pop(noise, None)
    if "examples" in schema and "example" not in parameter:
        parameter = {**parameter, "example": schema.pop("examples")[0]}
    return {**parameter, "schema": schema}


def _reshape(operation: dict[str, Any]) -> dict[str, Any]:
    operation = dict(operation)
    operation["parameters"] = [_simplify_parameter(p) for p in operation.get("parameters", [])]
    ok = operation["responses"]["200"]
    operation["responses"] = {"200": {**ok, "description": "Success."}, "default": ERROR_RESPONSE}
    return operation


def build_spec() -> dict[str, Any]:
    paths: dict[str, Any] = {}
    schemas: dict[str, Any] = {}
    security_schemes: dict[str, Any] = {}
    for name in DATA_FUNCTIONS:
        document = importlib.import_module(f"api.{name}").app.openapi()
        for path, item in document["paths"].items():
            paths[path] = {method: _reshape(op) for method, op in item.items()}
        components = document.get("components", {})
        schemas.update(components.get("schemas", {}))
        security_schemes.update(components.get("securitySchemes", {}))
    for framework_only in ("HTTPValidationError", "ValidationError"):
        schemas.pop(framework_only, None)
    schemas["Error"] = ERROR_SCHEMA
    return {
        "openapi": "3.1.0",
        "info": INFO,
        "servers": [{"url": PLACEHOLDER_SERVER}],
        "paths": dict(sorted(paths.items())),
        "components": {
            "schemas": dict(sorted(schemas.items())),
            "securitySchemes": security_schemes,
        },
    }


def render(spec: dict[str, Any]) -> str:
    return json.dumps(spec, indent=1, sort_keys=False) + "\n"


def main() -> None:
    SPEC_FILE.write_text(render(build_spec()))
    print(f"wrote {SPEC_FILE.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
