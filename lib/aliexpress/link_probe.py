"""The short-link resolver's network: one request over HTTPS, status and Location only.

Built on the client transport's head-only request (``request_head`` in
lib/aliexpress/transport.py: h11 drives HTTP/1.1, TLS verified against certifi's
bundle, a fresh connection closed after the answer's head, no body read, the head
bounded). A server that refuses HEAD (405, 501) is asked once more with GET, and
that answer too is read up to its head only. The resolver passes only URLs it has
checked; this module still refuses anything but ``https`` on the default port.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from urllib.parse import urlsplit

from lib.aliexpress.transport import Head, ProtocolError, request_head

USER_AGENT = "aliexpress-gpt-proxy (short-link resolver)"
RequestHead = Callable[..., Awaitable[Head]]  # request_head's signature


class HeadProbe:
    """``LinkProbe`` over the network; raises ``OSError`` when there is no usable answer."""

    def __init__(self, connect_timeout: float = 3.0, request: RequestHead = request_head) -> None:
        self.connect_timeout = connect_timeout
        self.request = request  # tests: the same request, sent to a loopback server

    async def head(self, url: str) -> tuple[int, str | None]:
        try:
            parts = urlsplit(url)
            default_port = parts.port is None
        except ValueError:
            default_port = False
        if parts.scheme != "https" or not parts.hostname or not default_port:
            raise ConnectionError("only https on the default port")
        answer = await self._ask("HEAD", url)
        if answer[0] in (405, 501):  # a server that refuses HEAD: GET, head only
            answer = await self._ask("GET", url)
        return answer

    async def _ask(self, method: str, url: str) -> tuple[int, str | None]:
        try:
            head = await self.request(
                url,
                method=method,
                headers=[("User-Agent", USER_AGENT)],
                connect_timeout=self.connect_timeout,
            )
        except ProtocolError as exc:
            raise ConnectionError(f"malformed answer ({type(exc).__name__})") from None
        return head.status, head.header("location")
