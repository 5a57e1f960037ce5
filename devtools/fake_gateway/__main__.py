"""Serve the fake gateway alone: ``make fake-gateway`` or
``.venv/bin/python -m devtools.fake_gateway --port 8790`` (it needs the dev tools
in ``.venv``: uvicorn serves it).

It prints its URL, the demo key and secret it accepts and its fault-control
endpoints, so another process (``make dev`` with these settings in ``.env``, a
benchmark, curl) can use it and break it on purpose.
"""

from __future__ import annotations

import argparse

from devtools.fake_gateway import DEMO_APP_KEY, DEMO_APP_SECRET, FakeGateway, Fault


def banner(base: str) -> list[str]:
    """What a user needs to point a client at the gateway and inject faults."""
    faults = ", ".join(fault.value for fault in Fault)
    return [
        f"Fake AliExpress gateway at {base}/sync (demo data; not real AliExpress)",
        "  It accepts only these credentials (the fake's own, not secrets), signed sha256 or md5:",
        f"    ALIEXPRESS_API_URL={base}/sync",
        f"    ALIEXPRESS_APP_KEY={DEMO_APP_KEY}",
        f"    ALIEXPRESS_APP_SECRET={DEMO_APP_SECRET}",
        "  Fault control:",
        f'    curl -X POST {base}/__faults -d \'{{"fault": "slow", "times": 2}}\'',
        '        ("times": null = until cleared; optional "method": "aliexpress.affiliate...";',
        '         "slow_seconds": n sets how long "slow" waits)',
        f"        faults: {faults}",
        f"    curl -X DELETE {base}/__faults     (clear all faults)",
        f"    curl {base}/__stats                (calls and connections so far)",
    ]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description="Serve the fake AliExpress gateway (demo catalog, signature checks, faults)."
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8790)
    parser.add_argument("--latency", type=float, default=0.0, help="seconds added to each answer")
    args = parser.parse_args(argv)
    try:
        import uvicorn
    except ModuleNotFoundError:
        raise SystemExit(
            "uvicorn is not installed for this Python. Run `make fake-gateway`, or "
            "`.venv/bin/python -m devtools.fake_gateway` after `make test` or `make dev`."
        ) from None
    print("\n".join(banner(f"http://{args.host}:{args.port}")), flush=True)
    uvicorn.run(
        FakeGateway(latency=args.latency), host=args.host, port=args.port, log_level="warning"
    )


if __name__ == "__main__":
    main()
