"""Read a `vercel build` output: its functions, their files as deployed, their sizes.

A function is a ``functions/**/<route>.func`` directory: its ``.vc-config.json``
(runtime, handler, ``environment``, and ``filePathMap``: path in the deployed
bundle -> source file relative to the built project) and the handler file the
Python builder writes (``vc__handler__python.py``). A folder function
(``api/x/index.py``) is ``functions/api/x/index.func``; its URL is ``/api/x``.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

_ENTRYPOINT = re.compile(r'"__VC_HANDLER_ENTRYPOINT":\s*"([^"]+)"')


@dataclass(frozen=True)
class BuiltFunction:
    """One ``.func`` directory of a build output: its config and its handler's entrypoint."""

    name: str  # api/products.func -> products; api/mcp_fn/index.func -> mcp_fn
    func_dir: Path
    entrypoint: str  # from the handler the build wrote, e.g. api/mcp_fn/index.py

    @cached_property
    def config(self) -> dict:
        return json.loads((self.func_dir / ".vc-config.json").read_text())

    @property
    def folder(self) -> bool:
        """A folder function (``api/x/index.py``) may carry its own requirements.txt."""
        return self.entrypoint.count("/") > 1


def discover(output: Path) -> list[BuiltFunction]:
    """Every function in a build output, named by its URL under /api."""
    functions = []
    root = output / "functions"
    for func_dir in sorted(root.rglob("*.func")):
        route = func_dir.relative_to(root).as_posix().removesuffix(".func")
        name = route.removeprefix("api/").removesuffix("/index")
        handler = (func_dir / "vc__handler__python.py").read_text()
        found = _ENTRYPOINT.search(handler)
        if not found:
            raise ValueError(f"{func_dir}: no __VC_HANDLER_ENTRYPOINT in its handler")
        functions.append(BuiltFunction(name, func_dir, found.group(1)))
    return functions


def lay_out(function: BuiltFunction, project: Path, into: Path) -> Path:
    """The function's files as Vercel unpacks them: filePathMap plus its own files."""
    target = into / function.name
    for dest, source in function.config["filePathMap"].items():
        path = target / dest
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(project / source, path)
        except OSError:  # another file system
            shutil.copy2(project / source, path)
    for own in function.func_dir.iterdir():
        if own.is_file():
            shutil.copy2(own, target / own.name)
    return target


@dataclass(frozen=True)
class BundleSize:
    files: int
    pyc: int
    mb: float


def bundle_size(function: BuiltFunction, project: Path) -> BundleSize:
    files = function.config["filePathMap"]
    size = sum((project / source).stat().st_size for source in files.values())
    return BundleSize(len(files), sum(d.endswith(".pyc") for d in files), size / 2**20)
