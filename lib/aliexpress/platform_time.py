"""The clock of the affiliate order methods: US Pacific time (standard library only).

``aliexpress.affiliate.order.list`` takes ``start_time``/``end_time`` as
``yyyy-MM-dd HH:mm:ss`` and sends ``created_time``/``paid_time`` in the same form,
without a zone. The platform documents these times as "PST time": the parameter
docs of AliExpress's own Java IOP SDK (``AliexpressAffiliateOrderListRequest``:
"Start time, PST time", "End time, PST time"), repeated by its TypeScript and n8n
clients; the seller API (``aliexpress.solution.order.get``) calls its times "US
pacific time". We read "PST" as the US Pacific civil clock (``America/Los_Angeles``,
PDT in summer), as public clients do; whether the platform itself switches to PDT
in summer is not documented (confidence: medium). It moves a day's edges by one hour
at most.

The US rule (since 2007: daylight time from the second Sunday of March, 02:00, to
the first Sunday of November, 02:00) is written out here rather than read through
``zoneinfo``, because the Vercel runtime is not guaranteed to carry the tz database
and the ``tzdata`` package would land in every function; a test compares this with
``zoneinfo`` hour by hour.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

PLATFORM_TIME_ZONE = "America/Los_Angeles"
PLATFORM_TIME_FORMAT = "%Y-%m-%d %H:%M:%S"
PST = timezone(timedelta(hours=-8), "PST")
PDT = timezone(timedelta(hours=-7), "PDT")


def _nth_sunday(year: int, month: int, n: int) -> date:
    first = date(year, month, 1)
    return first + timedelta(days=(6 - first.weekday()) % 7 + 7 * (n - 1))


def pacific_zone(local: datetime) -> timezone:
    """PST or PDT for a wall-clock time in Los Angeles. Like ``zoneinfo`` with fold=0,
    the repeated November hour reads as PDT and the skipped March hour as PST."""
    midnight = datetime.min.time()
    starts = datetime.combine(_nth_sunday(local.year, 3, 2), midnight).replace(hour=3)
    ends = datetime.combine(_nth_sunday(local.year, 11, 1), midnight).replace(hour=2)
    return PDT if starts <= local.replace(tzinfo=None) < ends else PST


def platform_day_bounds(first: date, last: date) -> tuple[str, str]:
    """``start_time`` and ``end_time`` for whole days, as the platform reads them."""
    return f"{first.isoformat()} 00:00:00", f"{last.isoformat()} 23:59:59"


def to_iso8601(text: str | None) -> str | None:
    """``"2026-11-20 08:15:02"`` (platform time) -> ``"2026-11-20T08:15:02-08:00"``.

    Anything that is not a platform time is ``None``: a wrong offset would be worse
    than none.
    """
    if not text:
        return None
    try:
        local = datetime.strptime(text.strip(), PLATFORM_TIME_FORMAT)
    except ValueError:
        return None
    return local.replace(tzinfo=pacific_zone(local)).isoformat()
