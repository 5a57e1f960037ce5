"""The build check's routing model, against a config.json written by `vercel build`.

data/vercel_build_config.json is the real output of vercel@58.10.0 for this
project's vercel.json; if vercel.json's rewrites change, refresh it with
`make vercel-check -- --keep` (the check itself always uses a fresh build).
"""

import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))

from vercel_check import expected_routes, resolve  # noqa: E402

CONFIG = json.loads((Path(__file__).parent / "data" / "vercel_build_config.json").read_text())
STATIC = ["index.html", "privacy.html"]
FUNCTIONS = ["categories", "health", "links", "mcp_fn", "openapi_gpt", "orders", "products"]


@pytest.mark.parametrize(("path", "target"), sorted(expected_routes(FUNCTIONS).items()))
def test_every_public_url_reaches_its_function(path: str, target: str) -> None:
    assert resolve(CONFIG, path, STATIC, FUNCTIONS) == target


def test_a_missing_function_is_noticed() -> None:
    # Without api/links.py, /api/links falls through to the catch-all, not to links.
    assert resolve(CONFIG, "/api/links", STATIC, ["health", "products"]) == "function:health"


def test_source_files_are_never_static() -> None:
    assert resolve(CONFIG, "/lib/config.py", STATIC, FUNCTIONS) == "function:health"
