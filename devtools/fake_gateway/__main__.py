"""Serve the fake gateway: ``python -m devtools.fake_gateway --port 8790``."""

from __future__ import annotations

import argparse

import uvicorn

from devtools.fake_gateway import FakeGateway


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8790)
    parser.add_argument("--latency", type=float, default=0.0, help="seconds added to each answer")
    args = parser.parse_args()
    uvicorn.run(
        FakeGateway(latency=args.latency), host=args.host, port=args.port, log_level="warning"
    )


if __name__ == "__main__":
    main()
