"""One structured JSON line per request, written to stdout (Vercel's log view)."""

from __future__ import annotations

import json
import sys
import time
from typing import Any


def write_log_line(fields: dict[str, Any]) -> None:
    record = {"ts": round(time.time(), 3), **fields}
    sys.stdout.write(json.dumps(record, separators=(",", ":"), default=str) + "\n")
    sys.stdout.flush()
