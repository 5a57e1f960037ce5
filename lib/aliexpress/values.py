"""Reading the platform's loose values: counts, percentages, amounts, text, lists.

Live records vary (``product_id`` a number or a string, ``lastest_volume`` (sic) a
string or a number, any optional field missing), so every field is read through
these functions rather than validated against a model: a record is the dict the
platform sent, and a field nobody can read is ``None``. (Plain functions, not a
pydantic model per record type: those five models cost about 26 M instructions of
every data function's cold start, this module about 4 M; callgrind.)
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

# Upstream numbers are read only in these forms: ASCII digits (Python's \d and int()
# also take Arabic-Indic and full-width digits), bounded lengths, no exponents.
# "1e300000" would cost seconds of CPU in int(), "1E+999999999999999999" a
# MemoryError, "Infinity" an OverflowError in round(): each is None instead.
_COUNT = re.compile(r"[+-]?[0-9]{1,18}(?:\.[0-9]{0,18})?")
_PERCENT = re.compile(r"[+-]?[0-9]{1,18}(?:\.[0-9]{1,18})?")
# CONTRACT §2: amounts are decimal strings exactly as upstream sent them.
_AMOUNT = re.compile(r"[0-9]{1,15}(?:\.[0-9]{1,8})?")
MAX_COUNT = 10**18


def percent_to_float(value: object) -> float | None:
    """``"89.22%"`` -> ``89.22``; missing or unreadable -> ``None``."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        number = float(value) if abs(value) < MAX_COUNT else math.inf
        return number if math.isfinite(number) else None
    text = str(value).strip().removesuffix("%").strip()
    return float(text) if _PERCENT.fullmatch(text) else None


def to_int(value: object) -> int | None:
    """Upstream counts arrive as ``1523``, ``"1523"`` or ``"1523.0"``."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if abs(value) < MAX_COUNT else None
    if isinstance(value, float):
        return int(value) if math.isfinite(value) and abs(value) < MAX_COUNT else None
    text = str(value).strip()
    return int(Decimal(text)) if _COUNT.fullmatch(text) else None


def is_decimal_amount(text: str) -> bool:
    """``"12.34"`` yes; ``"US $1,234.56"``, ``"1e3"``, ``"١٢"`` no."""
    return _AMOUNT.fullmatch(text) is not None


def amount_to_cents(amount: Decimal) -> int:
    """A decimal amount in currency units -> integer cents (``12.5`` -> ``1250``)."""
    return int((amount * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def text(value: object) -> str | None:
    """A scalar as stripped text; missing, empty, a list or an object -> ``None``."""
    if value is None or isinstance(value, (dict, list)):
        return None
    stripped = str(value).strip()
    return stripped or None


def reader(record: Mapping[str, object]) -> Callable[[str], str | None]:
    """``field = reader(record)``; ``field("product_id")`` is that field as :func:`text`."""
    return lambda name: text(record.get(name))


def records(value: object, key: str) -> list[Mapping[str, object]]:
    """The records of a wrapped list (``{"product": [{...}, ...]}``), objects only."""
    return [item for item in unwrap_list(value, key) if isinstance(item, dict)]


def converted[T](
    value: object, key: str, convert: Callable[[Mapping[str, object]], T | None]
) -> list[T]:
    """Each record of a wrapped list through ``convert``, less those it turned down (``None``)."""
    return [found for found in map(convert, records(value, key)) if found is not None]


def unwrap_list(value: object, key: str) -> list[Any]:
    """The platform wraps lists: ``{"product": [...]}``; accept bare lists too."""
    if isinstance(value, dict):
        value = value.get(key)
    if isinstance(value, list):
        return value
    if isinstance(value, dict):  # a single wrapped record
        return [value]
    return []
