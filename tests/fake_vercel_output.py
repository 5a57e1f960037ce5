"""A tiny `vercel build` output, shaped like the real one: a project whose
``.vercel/output/functions`` holds ``.func`` directories, each with a
``.vc-config.json`` (``filePathMap`` into the project, ``environment``) and a
handler the runtime would import. No Vercel CLI, no dependencies: cheap to start.
"""

from __future__ import annotations

import json
from pathlib import Path

# Answers with what it can see of the process Vercel would start.
HANDLER = """
import json, os, sys

import tiny_dep  # in _vendor: importable only through the bundle's PYTHONPATH

__VC_HANDLER = {"__VC_HANDLER_ENTRYPOINT": "%(entrypoint)s"}


def vc_handler(event, context):
    request = json.loads(event["body"])
    seen = {
        "cwd": os.getcwd(),
        "flag": os.environ.get("BUNDLE_FLAG"),
        "dep": tiny_dep.__file__,
        "entrypoint": open("%(entrypoint)s").read(),
        "sys_path": sys.path,
        "no_site": sys.flags.no_site,
    }
    status = 503 if request["path"] == "/unavailable" else 200
    return {"statusCode": status, "headers": {}, "body": json.dumps(seen)}
"""
BROKEN_HANDLER = """
__VC_HANDLER = {"__VC_HANDLER_ENTRYPOINT": "%(entrypoint)s"}
raise ImportError("no module named fastapi")
"""
ENVIRONMENT = {"PYTHONPATH": "_vendor", "PYTHONDONTWRITEBYTECODE": "1", "BUNDLE_FLAG": "bundle"}


def add_function(project: Path, route: str, entrypoint: str, handler: str = HANDLER) -> Path:
    """``route`` like ``api/tiny`` or ``api/folder_fn/index``; sources land in ``project``."""
    (project / entrypoint).parent.mkdir(parents=True, exist_ok=True)
    (project / entrypoint).write_text(f"app = {entrypoint!r}\n")
    vendored = project / ".vercel" / "python" / "site-packages" / "tiny_dep.py"
    vendored.parent.mkdir(parents=True, exist_ok=True)
    vendored.write_text("VALUE = 1\n")
    cached = project / "lib" / "__pycache__" / "shared.cpython-312.pyc"
    cached.parent.mkdir(parents=True, exist_ok=True)
    cached.write_bytes(b"not really bytecode")
    file_path_map = {
        entrypoint: entrypoint,
        "_vendor/tiny_dep.py": vendored.relative_to(project).as_posix(),
        "lib/__pycache__/shared.cpython-312.pyc": cached.relative_to(project).as_posix(),
    }
    func = project / ".vercel" / "output" / "functions" / f"{route}.func"
    func.mkdir(parents=True)
    config = {
        "runtime": "python3.12",
        "handler": "vc__handler__python.vc_handler",
        "environment": ENVIRONMENT,
        "filePathMap": file_path_map,
    }
    (func / ".vc-config.json").write_text(json.dumps(config))
    (func / "vc__handler__python.py").write_text(handler % {"entrypoint": entrypoint})
    return func


def fake_build(project: Path) -> Path:
    """A file function ``tiny`` and a folder function ``folder_fn``."""
    add_function(project, "api/tiny", "api/tiny.py")
    add_function(project, "api/folder_fn/index", "api/folder_fn/index.py")
    return project / ".vercel" / "output"
