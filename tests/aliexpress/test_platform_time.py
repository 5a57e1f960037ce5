"""lib/aliexpress/platform_time.py: the US Pacific clock of the order methods."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from lib.aliexpress.platform_time import (
    PLATFORM_TIME_ZONE,
    pacific_zone,
    platform_day_bounds,
    to_iso8601,
)


@pytest.mark.parametrize("year", [2024, 2025, 2026, 2027])
def test_the_written_out_rule_matches_the_tz_database(year: int) -> None:
    tz = ZoneInfo(PLATFORM_TIME_ZONE)
    local = datetime(year, 1, 1)
    while local.year == year:
        # fold=0: an ambiguous wall-clock hour (the one repeated in November) reads as PDT.
        assert pacific_zone(local).utcoffset(None) == local.replace(tzinfo=tz).utcoffset(), local
        local += timedelta(minutes=30)


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("2026-11-20 08:15:02", "2026-11-20T08:15:02-08:00"),
        ("2026-07-04 23:59:59", "2026-07-04T23:59:59-07:00"),
        ("2026-03-08 01:59:59", "2026-03-08T01:59:59-08:00"),
        ("2026-03-08 03:00:00", "2026-03-08T03:00:00-07:00"),
        (" 2026-11-01 00:00:00 ", "2026-11-01T00:00:00-07:00"),
        ("2026-11-20", None),
        ("2026-11-20T08:15:02Z", None),
        ("", None),
        (None, None),
    ],
)
def test_platform_times_gain_their_offset(text: str | None, iso: str | None) -> None:
    assert to_iso8601(text) == iso


def test_whole_days_are_sent_from_midnight_to_the_last_second() -> None:
    assert platform_day_bounds(date(2026, 11, 1), date(2026, 11, 28)) == (
        "2026-11-01 00:00:00",
        "2026-11-28 23:59:59",
    )
