"""The README keeps up with the code: every make target and every error code is in it."""

from __future__ import annotations

import re
from pathlib import Path

from lib.aliexpress import errors as aliexpress_errors
from lib.http import errors as http_errors

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text()


def subclasses(base: type) -> list[type]:
    found = []
    for cls in base.__subclasses__():
        found += [cls, *subclasses(cls)]
    return found


def test_every_make_target_is_documented() -> None:
    phony = re.search(r"^\.PHONY:(.*)$", (ROOT / "Makefile").read_text(), re.MULTILINE)
    assert phony is not None
    targets = phony[1].split()
    assert "test" in targets
    undocumented = [t for t in targets if f"make {t}" not in README]
    assert undocumented == []


def test_every_error_code_is_in_the_error_table() -> None:
    problems = [
        *subclasses(http_errors.HTTPProblem),
        aliexpress_errors.AliExpressError,
        *subclasses(aliexpress_errors.AliExpressError),
    ]
    codes = {(cls.status, cls.code) for cls in problems}
    assert (405, "method_not_allowed") in codes
    rows = [f"| {status} | `{code}` |" for status, code in sorted(codes)]
    missing = [row for row in rows if row not in README]
    assert missing == []
    assert "`Allow`" in README  # a 405 names the allowed methods


def test_make_test_checks_formatting_as_the_readme_says() -> None:
    recipe = re.search(r"^test:.*\n((?:\t.*\n)+)", (ROOT / "Makefile").read_text(), re.MULTILINE)
    assert recipe is not None
    assert "ruff format --check ." in recipe[1]
    assert "ruff check ." in recipe[1]
