"""Write the fault matrix (devtools/fault_matrix.py) into BENCHMARKS.md.

    python -m bench.fault_matrix [--write]

The same matrix tests/reliability/test_fault_matrix.py asserts in CI.
"""

from __future__ import annotations

import argparse
import asyncio
import sys

from bench.report import stamp, write_section
from devtools.fault_matrix import render_matrix, run_fault_matrix


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    cells = asyncio.run(run_fault_matrix())
    text = "\n".join(
        [
            "## Fault matrix: every data route x every upstream fault",
            "",
            stamp("python -m bench.fault_matrix " + " ".join(sys.argv[1:])),
            "",
            "Each function's real app, the fake gateway injecting the fault on every call "
            "(connection refused: a closed loopback port; faults in the HTTP framing: a raw "
            "loopback server, devtools/fake_gateway/wire.py, through the real transport). "
            "Cells: status, error code, and whether it is what the contract says (429 also "
            "needs Retry-After; every answer within the client deadline plus 0.5 s; after a "
            "framing fault, the next three requests on the same client each get their own "
            "product).",
            "",
            render_matrix(cells),
        ]
    )
    print(text)
    if args.write:
        write_section("fault-matrix", text)
    if any(not cell.ok for cell in cells):
        raise SystemExit("fault matrix has wrong cells")


if __name__ == "__main__":
    main()
