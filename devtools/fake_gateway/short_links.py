"""A fake of AliExpress's short-link hosts: the resolver's network as a test double.

It answers ``head(url)`` from a table (``short_links`` in catalog.json for the demo:
links that resolve, one that leaves AliExpress, one that loops, one to a store) and
records every URL it is asked for, so a test can prove which hosts the resolver
would have contacted. It never touches the network.

- tests: ``FakeShortLinks.demo()`` or ``FakeShortLinks({url: (status, location)})``;
  an answer may also be an ``OSError`` to raise, or :data:`SLOW` (never answers);
- the dev server (demo mode) and the runtime tests: :func:`install` makes the demo
  table the network of every resolver in this process
  (``lib.aliexpress.shortlinks.install_probe``); with ``log=True`` each URL asked
  for is also written as one JSON line ``{"short_link_probe": url}`` to stderr,
  where a test reading a function process's output finds it.
"""

from __future__ import annotations

import asyncio
import json
import sys
from dataclasses import dataclass, field
from typing import Final
from urllib.parse import urlsplit

from devtools.fake_gateway.catalog import CATALOG_FILE

Answer = tuple[int, str | None]
SLOW: Final = "slow"
LOG_KEY = "short_link_probe"


@dataclass
class FakeShortLinks:
    routes: dict[str, Answer | OSError | str] = field(default_factory=dict)
    log: bool = False
    asked: list[str] = field(default_factory=list)  # every URL, in order

    @classmethod
    def demo(cls, *, log: bool = False) -> FakeShortLinks:
        table = json.loads(CATALOG_FILE.read_text())["short_links"]
        return cls({url: (status, location) for url, (status, location) in table.items()}, log)

    @property
    def hosts(self) -> set[str]:
        """Every host the resolver would have contacted."""
        return {urlsplit(url).hostname or "" for url in self.asked}

    async def head(self, url: str) -> Answer:
        self.asked.append(url)
        if self.log:
            print(json.dumps({LOG_KEY: url}), file=sys.stderr, flush=True)
        answer = self.routes.get(url, (404, None))
        if isinstance(answer, OSError):
            raise answer
        if answer == SLOW:
            await asyncio.sleep(3600)
        assert isinstance(answer, tuple)
        return answer


def install(log: bool = True) -> FakeShortLinks:
    """Serve the demo short links to every resolver of this process (``log``: to stderr)."""
    from lib.aliexpress.shortlinks import install_probe

    fake = FakeShortLinks.demo(log=log)
    install_probe(fake)
    return fake


def asked_in(output: str) -> list[str]:
    """The URLs a logging fake was asked for, from a process's output."""
    marker = "{" + json.dumps(LOG_KEY) + ":"
    decoder = json.JSONDecoder()
    found = []
    for line in output.splitlines():
        at = line.find(marker)  # a line may follow other output without a newline
        if at >= 0:
            found.append(decoder.raw_decode(line, at)[0][LOG_KEY])
    return found
