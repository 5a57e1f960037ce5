"""Baseline (a), the floor: a standard-library-only ASGI app."""

import json


async def app(scope, receive, send):
    if scope["type"] != "http":
        return
    body = json.dumps({"ok": True}).encode()
    headers = [(b"content-type", b"application/json"), (b"x-request-id", b"floor")]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": body})
