"""Invoke one function the way Vercel's runtime does, then exit.

Standard library only, run by path in a fresh Python 3.12 process:

    python devtools/vercel_invoke.py source ROOT NAME [SETUP]  < events.json
    python -S devtools/vercel_invoke.py bundle FUNC_DIR < events.json
    python devtools/vercel_invoke.py serve ROOT NAME   (one JSON event per stdin line)

``source`` sets the entrypoint variables the Vercel build writes into
``vc__handler__python.py`` and imports ``vercel_runtime.vc_init``; ``bundle``
imports a built function's own ``vc__handler__python.py`` (with ``-S`` only its
``_vendor`` directory is importable). Each event is ``{"method", "path",
"headers", "body"}``; results go to stdout as one JSON list. ``serve`` keeps one
warm instance: it answers each stdin line (an event) with one stdout line (its
result) until stdin closes. If the function cannot load, vc_init reports it on
stderr and exits non-zero, as on Vercel.

``SETUP`` (``module:function``, source mode only) is called before the function
loads, in its process: how tests hand a function a test double without any
environment variable (``devtools.fake_gateway.short_links:install`` replaces the
short-link resolver's network).
"""

from __future__ import annotations

import base64
import json
import os
import sys


def load_source(root: str, name: str, setup: str | None = None):
    entrypoint = f"api/{name}.py"
    if not os.path.isfile(os.path.join(root, entrypoint)):  # a folder function
        entrypoint = f"api/{name}/index.py"
    os.environ.update(
        {
            "__VC_HANDLER_MODULE_NAME": entrypoint.removesuffix(".py").replace("/", "."),
            "__VC_HANDLER_ENTRYPOINT": entrypoint,
            "__VC_HANDLER_ENTRYPOINT_ABS": os.path.join(root, entrypoint),
            "__VC_HANDLER_VENDOR_DIR": "_vendor",
            "__VC_HANDLER_VARIABLE_NAME": "app",
        }
    )
    os.chdir(root)
    sys.path.insert(0, root)  # the task root is importable on Vercel
    if setup:
        import importlib

        module, _, function = setup.partition(":")
        getattr(importlib.import_module(module), function)()
    from vercel_runtime.vc_init import vc_handler

    return vc_handler


def load_bundle(function_dir: str):
    os.chdir(function_dir)
    sys.path.insert(0, function_dir)
    from vc__handler__python import vc_handler  # type: ignore[import-not-found]

    return vc_handler


def invoke(vc_handler, event: dict) -> dict:
    payload = {"method": "GET", "headers": {}, "body": "", **event}
    response = vc_handler({"body": json.dumps(payload)}, None)
    headers = {k.lower(): ", ".join(v) for k, v in response["headers"].items()}
    body = response.get("body", "")
    if response.get("encoding") == "base64":  # newer runtimes always encode
        body = base64.b64decode(body).decode("utf-8", errors="replace")
    return {"status": response["statusCode"], "headers": headers, "body": body}


def main() -> None:
    sys.path.pop(0)  # never import from this script's own folder
    mode, *args = sys.argv[1:]
    events = [] if mode == "serve" else json.load(sys.stdin)
    # Results own stdout; whatever the function prints (its log lines) goes to stderr.
    results_out = os.fdopen(os.dup(1), "w")
    os.dup2(2, 1)
    vc_handler = load_source(*args) if mode in ("source", "serve") else load_bundle(*args)
    if mode == "serve":
        for line in sys.stdin:
            results_out.write(json.dumps(invoke(vc_handler, json.loads(line))) + "\n")
            results_out.flush()
        os._exit(0)
    results = [invoke(vc_handler, event) for event in events]
    results_out.write(json.dumps(results))
    results_out.flush()
    sys.stdout.flush()
    os._exit(0)  # the runtime's server thread would otherwise wait at exit


if __name__ == "__main__":
    main()
