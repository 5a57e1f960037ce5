"""The GPT Action spec (``api/openapi_gpt.py``): standard library only.

Serves the checked-in ``lib/openapi_gpt.json`` (generated from the data
functions' FastAPI apps by ``make spec``), patched per request: ``servers`` holds
the public https URL plus ``/gpt``, the GPT channel's entrance (lib/http/channels.py: a
GPT's links carry ALIEXPRESS_TRACKING_ID_GPT), and the bearer scheme appears only when
PROXY_API_KEY is set.
"""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path
from typing import Any

from lib.config import ENTRANCE_OF, Settings, get_settings
from lib.http.plain import Request, Response, json_response

SPEC_FILE = Path(__file__).resolve().parents[1] / "openapi_gpt.json"
_HOST = re.compile(r"[A-Za-z0-9.-]{1,253}(:\d{1,5})?")


@functools.cache
def _spec_document(with_security: bool) -> dict[str, Any]:
    """The checked-in spec, read on first use (a cold start that never serves the spec
    never pays for it), with the bearer scheme only when a key is configured."""
    spec = json.loads(SPEC_FILE.read_text())
    if not with_security:
        spec["components"].pop("securitySchemes", None)
        for item in spec["paths"].values():
            for operation in item.values():
                operation.pop("security", None)
    return spec


def public_base_url(settings: Settings, request: Request) -> str:
    """PUBLIC_BASE_URL, else Vercel's production host, else the request's host."""
    if settings.public_base_url:
        return settings.public_base_url
    if settings.production_host:
        return f"https://{settings.production_host}"
    host = request.headers.get("x-forwarded-host") or request.headers.get("host") or ""
    host = host.split(",")[0].strip()
    if not _HOST.fullmatch(host):
        host = "localhost"
    proto = request.headers.get("x-forwarded-proto", "https").split(",")[0].strip()
    return f"{'http' if proto == 'http' else 'https'}://{host}"


def spec_for(settings: Settings, request: Request) -> dict[str, Any]:
    # A new top-level dict: the cached document itself is never modified.
    document = _spec_document(with_security=bool(settings.proxy_api_key))
    url = public_base_url(settings, request) + ENTRANCE_OF["gpt"]
    return {**document, "servers": [{"url": url}]}


async def openapi_gpt(request: Request) -> Response:
    spec = spec_for(get_settings(), request)
    # Cache at the CDN for a while: the spec only changes with a deployment.
    headers = {"cache-control": "public, max-age=0, s-maxage=300, stale-while-revalidate=86400"}
    return json_response(200, spec, headers)
