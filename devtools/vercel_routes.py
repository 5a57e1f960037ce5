"""Vercel's routing for this project, read from the project files themselves.

Order as on Vercel: the filesystem first (``public/`` files, then ``api/*.py``
functions at ``/api/<name>`` and folder functions ``api/<name>/index.py`` at
``/api/<name>``), then ``vercel.json`` rewrites in order. A function
reached through a rewrite still sees the original path. Rewrite sources use the
subset of path-to-regexp this project needs (``:name``, ``:name*``, ``:name+``);
anything else is refused loudly rather than matched wrongly.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
_SEGMENT = re.compile(r":([A-Za-z_]\w*)([*+?]?)")


@dataclass(frozen=True)
class Rewrite:
    source: str
    destination: str
    pattern: re.Pattern[str]


@dataclass(frozen=True)
class Target:
    kind: str  # "static", "function" or "none"
    name: str  # file path under public/, or function name


def compile_source(source: str) -> re.Pattern[str]:
    if any(char in source for char in "()[]{}\\"):
        raise ValueError(f"unsupported rewrite source syntax: {source!r}")
    regex, position = "", 0
    for match in _SEGMENT.finditer(source):
        literal = source[position : match.start()]
        name, modifier = match.groups()
        if modifier in ("*", "?") and literal.endswith("/"):
            # "/:path*" also matches the bare prefix, as path-to-regexp does.
            regex += (
                re.escape(literal[:-1])
                + f"(?:/(?P<{name}>{'.*' if modifier == '*' else '[^/]+'}))?"
            )
        else:
            regex += re.escape(literal) + f"(?P<{name}>{'.+' if modifier == '+' else '[^/]+'})"
        position = match.end()
    regex += re.escape(source[position:])
    # DOTALL: like the [^/] classes Vercel compiles to, segments may hold any character.
    return re.compile(regex + "/?", re.DOTALL)


def load_rewrites(root: Path = ROOT) -> list[Rewrite]:
    config = json.loads((root / "vercel.json").read_text())
    return [
        Rewrite(r["source"], r["destination"], compile_source(r["source"]))
        for r in config.get("rewrites", [])
    ]


def function_names(root: Path = ROOT) -> list[str]:
    """Every function: ``api/<name>.py`` files and ``api/<name>/index.py`` folders."""
    files = [p.stem for p in (root / "api").glob("*.py")]
    folders = [p.parent.name for p in (root / "api").glob("*/index.py")]
    return sorted(name for name in files + folders if not name.startswith(("_", ".")))


def function_entrypoint(name: str, root: Path = ROOT) -> Path:
    """The file Vercel loads for function ``name`` (relative to ``root``)."""
    single = Path("api") / f"{name}.py"
    return single if (root / single).is_file() else Path("api") / name / "index.py"


def function_module(name: str, root: Path = ROOT) -> str:
    """The module name the runtime gives it: ``api.products``, ``api.mcp_fn.index``."""
    return ".".join(function_entrypoint(name, root).with_suffix("").parts)


class Router:
    def __init__(self, root: Path = ROOT) -> None:
        self.root = root
        self.rewrites = load_rewrites(root)
        self.functions = set(function_names(root))
        self.public = root / "public"

    def resolve(self, path: str) -> Target:
        found = self._filesystem(path)
        if found:
            return found
        for rewrite in self.rewrites:
            if rewrite.pattern.fullmatch(path):
                return self._filesystem(rewrite.destination) or Target("none", rewrite.destination)
        return Target("none", path)

    def _filesystem(self, path: str) -> Target | None:
        relative = path.lstrip("/") or "index.html"
        if "\x00" not in relative:  # the OS refuses NUL in file names: never a file
            candidate = (self.public / relative).resolve()
            if candidate.is_relative_to(self.public.resolve()) and candidate.is_file():
                return Target("static", str(candidate.relative_to(self.public.resolve())))
        if path.startswith("/api/"):
            name = path.removeprefix("/api/").removesuffix(".py").rstrip("/")
            if name in self.functions:
                return Target("function", name)
        return None
