"""Debian's ``redis-server`` as a child process on a free loopback port (tests, bench).

No persistence (``save ""``, no AOF), its files in a temporary directory, stopped on
exit. ``options`` become ``--name value`` arguments (``requirepass``, ``maxmemory``...).
"""

from __future__ import annotations

import contextlib
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass

from devtools.net import free_port, wait_for_port

REDIS_SERVER = "/usr/bin/redis-server"


def redis_server_missing() -> str | None:
    """Why Redis tests cannot run here, or None."""
    if shutil.which(REDIS_SERVER) is None:
        return f"{REDIS_SERVER} is missing: apt-get install redis-server (as root)"
    return None


@dataclass
class RedisServer:
    port: int
    process: subprocess.Popen[bytes]
    password: str | None = None

    @property
    def url(self) -> str:
        auth = f":{self.password}@" if self.password else ""
        return f"redis://{auth}127.0.0.1:{self.port}/0"

    def admin(self):
        """A synchronous client for the test itself (flush, config, debug)."""
        import redis

        return redis.Redis.from_url(self.url, socket_timeout=5)

    def kill(self) -> None:
        self.process.kill()
        self.process.wait()


@contextlib.contextmanager
def redis_server(**options: str) -> Iterator[RedisServer]:
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="redis-test-") as directory:
        command = [
            REDIS_SERVER,
            "--port", str(port),
            "--bind", "127.0.0.1",
            "--save", "",
            "--appendonly", "no",
            "--dir", directory,
            "--enable-debug-command", "local",
        ]  # fmt: skip
        for name, value in options.items():
            command += [f"--{name}", value]
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        server = RedisServer(port, process, options.get("requirepass"))
        try:
            wait_for_port(port, process, timeout=10)
            yield server
        finally:
            if process.poll() is None:
                process.terminate()
                process.wait(timeout=10)
