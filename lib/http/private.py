"""ASGI middleware: every answer ``Cache-Control: private, no-store`` (standard library).

For a function whose every answer belongs to one person (the owner's orders): no
shared cache may keep one, errors and framework 404/405s included, whatever an
inner layer set.
"""

from __future__ import annotations

from lib.http.context import ASGIApp, Message, Receive, Scope, Send

PRIVATE_NO_STORE = b"private, no-store"


class PrivateAnswers:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_private(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [
                    (name, value)
                    for name, value in message.get("headers", [])
                    if name.lower() != b"cache-control"
                ]
                headers.append((b"cache-control", PRIVATE_NO_STORE))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_private)
