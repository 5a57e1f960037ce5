"""Serve a fake gateway on a loopback port from a background thread."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import uvicorn

from devtools.fake_gateway.app import FakeGateway


@contextmanager
def serve_in_thread(gateway: FakeGateway, host: str = "127.0.0.1") -> Iterator[str]:
    """Yield the gateway's ``/sync`` URL while it is served on a free port."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(gateway, log_level="warning", lifespan="off", access_log=False)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("fake gateway did not start")
        time.sleep(0.01)
    try:
        yield f"http://{host}:{port}/sync"
    finally:
        server.should_exit = True
        thread.join(timeout=5)
        sock.close()
