"""Importing lib.aliexpress reads no environment variable and opens no connection."""

import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import load_function, modules_after

ROOT = Path(__file__).resolve().parents[2]

PROBE = r"""
import os, socket, sys
# Load what the package itself imports first, so only our modules are watched.
import json, hmac, hashlib, asyncio, random, re, decimal, dataclasses, urllib.parse, ssl
import pydantic

touched = []
LIB = os.path.join(os.getcwd(), "lib") + os.sep

def note(key):
    # Libraries (pydantic plugin discovery, sysconfig) may look; our code may not.
    # The direct caller, past this probe's own wrappers and os.py.
    frame = sys._getframe(2)
    while frame.f_code.co_filename in ("<string>", os.__file__):
        frame = frame.f_back
    if frame.f_code.co_filename.startswith(LIB):
        touched.append(key)

class WatchedEnviron(type(os.environ)):
    def __getitem__(self, key):
        note(key); return super().__getitem__(key)
    def get(self, key, default=None):
        note(key); return super().get(key, default)
    def __contains__(self, key):
        note(key); return super().__contains__(key)
watched = WatchedEnviron(os.environ._data, os.environ.encodekey, os.environ.decodekey,
                         os.environ.encodevalue, os.environ.decodevalue)
os.environ = watched
os.getenv = lambda key, default=None: watched.get(key, default)

class NoSocket(socket.socket):
    def __init__(self, *a, **k):
        raise AssertionError("a socket was opened at import")
socket.socket = NoSocket

import lib.aliexpress
import lib.aliexpress.signing, lib.aliexpress.errors, lib.aliexpress.models, lib.aliexpress.client
assert "httpx" not in sys.modules  # the client's transport is our own
print("ENV", touched)
"""


def test_import_reads_no_env_and_opens_no_connection() -> None:
    result = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ENV []"


def test_package_import_is_light() -> None:
    assert {"httpx", "pydantic"} & modules_after("import lib.aliexpress") == set()


# Each data function builds only the answer shapes it serves: every pydantic class
# built at import is cold-start time (BENCHMARKS.md, built-bundle cold start).
SHAPES = {
    "lib.aliexpress.models",
    "lib.aliexpress.promotion_models",
    "lib.aliexpress.category_models",
    "lib.aliexpress.link_models",
    "lib.aliexpress.order_models",
}
OWN_SHAPES = {
    "products": {"lib.aliexpress.models"},
    "promotions": {"lib.aliexpress.models", "lib.aliexpress.promotion_models"},
    "categories": {"lib.aliexpress.category_models"},
    "links": {"lib.aliexpress.link_models"},
    "orders": {"lib.aliexpress.order_models"},
}


@pytest.mark.parametrize("function", sorted(OWN_SHAPES))
def test_a_function_imports_only_its_own_answer_shapes(function: str) -> None:
    assert SHAPES & modules_after(load_function(function)) == OWN_SHAPES[function]
