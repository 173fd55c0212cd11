"""Filters from URL parameters: bounded, aligned to the rollup tier, hostile values refused."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from dashboard.filters import FilterError, check_page_group, parse_filters
from vitalscope.vitals import rate

NOW = datetime(2026, 3, 10, 14, 37, 12, tzinfo=UTC)


@pytest.mark.parametrize(("range_", "tier", "start"), [
    ("1h", "1m", datetime(2026, 3, 10, 13, 37, tzinfo=UTC)),
    ("24h", "1h", datetime(2026, 3, 9, 14, tzinfo=UTC)),
    ("7d", "1h", datetime(2026, 3, 3, 14, tzinfo=UTC)),
    ("30d", "1d", datetime(2026, 2, 8, tzinfo=UTC)),
])
def test_ranges_pick_a_tier_and_align_to_its_buckets(range_: str, tier: str,
                                                     start: datetime) -> None:
    window = parse_filters("shop", range_, now=NOW).window(NOW)
    assert window.tier.name == tier and window.start == start
    assert window.end > NOW and window.end - window.tier.step <= NOW
    assert window.previous.end == window.start
    assert window.table("vitals_dims") == f"vitals_dims_{tier}"


def test_an_old_short_custom_range_reads_the_hourly_tier() -> None:
    f = parse_filters("shop", "custom", "2026-03-01T10:00", "2026-03-01T12:00", now=NOW)
    assert f.window(NOW).tier.name == "1h"


@pytest.mark.parametrize(("start", "end", "tier"), [
    ("2026-03-09T10:00", "2026-03-09T16:00", "1m"),  # previous period from 34 h 37 ago
    ("2026-03-09T09:00", "2026-03-09T15:00", "1h"),  # previous period from 35 h 37 ago
    ("2026-03-08T12:00", "2026-03-08T13:00", "1h"),  # older than the 1m tier's 36 hours
])
def test_windows_the_minute_tier_no_longer_keeps_read_the_hourly_one(start: str, end: str,
                                                                     tier: str) -> None:
    window = parse_filters("shop", "custom", start, end, now=NOW).window(NOW)
    assert window.tier.name == tier


@pytest.mark.parametrize(("start", "end", "tier"), [
    ("2026-03-02T15:00", "2026-03-10T14:37", "1h"),  # 8 days to now: previous from 16 d ago
    ("2026-02-20T10:00", "2026-02-20T12:00", "1d"),  # older than the 1h tier's 17 days
    ("2026-02-25T10:00", "2026-03-01T10:00", "1d"),  # its previous period would be
])
def test_windows_the_hourly_tier_no_longer_keeps_read_the_daily_one(start: str, end: str,
                                                                    tier: str) -> None:
    window = parse_filters("shop", "custom", start, end, now=NOW).window(NOW)
    assert window.tier.name == tier


@pytest.mark.parametrize(("args", "field"), [
    (("",), "site"),
    (("Shop; DROP",), "site"),
    (("shop", "2h"), "range"),
    (("shop", "custom"), "range"),
    (("shop", "custom", "yesterday", "2026-03-10"), "from"),
    (("shop", "custom", "2026-03-10", "2026-03-01"), "from"),
    (("shop", "custom", "2025-01-01", "2026-03-10"), "to"),
    (("shop", "24h", None, None, "device"), "segment"),
    (("shop", "24h", None, None, "page_group:/x"), "segment"),
    (("shop", "24h", None, None, "device:mobile' OR 1=1"), "segment"),
    (("shop", "24h", None, None, "device:" + "m" * 65), "segment"),
])
def test_bad_filters_name_their_field(args: tuple[str | None, ...], field: str) -> None:
    with pytest.raises(FilterError) as caught:
        # mypy cannot tell that no case fills all five positional parameters and reaches
        # `now` (a union of fixed tuples does not help it either).
        parse_filters(*args, now=NOW)  # type: ignore[arg-type, misc]
    assert caught.value.field == field


def test_segment_and_page_group() -> None:
    f = parse_filters("shop", "24h", segment="country:DE", now=NOW)
    assert (f.dim, f.val, f.segment) == ("country", "DE", "country:DE")
    assert f.query_string() == {"site": "shop", "range": "24h", "segment": "country:DE"}
    assert check_page_group("/product/:id") == "/product/:id"
    for bad in ("", "x" * 201, "/a\nb"):
        with pytest.raises(FilterError):
            check_page_group(bad)


@pytest.mark.parametrize(("metric", "value", "rating"), [
    ("LCP", 2500, "good"), ("LCP", 2501, "needs-improvement"), ("LCP", 4001, "poor"),
    ("INP", 200, "good"), ("INP", 500, "needs-improvement"), ("CLS", 0.26, "poor"),
    ("FCP", 1800, "good"), ("TTFB", 1801, "poor"), ("TTFB", None, None),
])
def test_google_thresholds(metric: str, value: float | None, rating: str | None) -> None:
    assert rate(metric, value) == rating


def test_custom_range_end_is_clamped_to_now() -> None:
    f = parse_filters("shop", "custom", "2026-03-10T10:00", "2026-03-10T20:00", now=NOW)
    window = f.window(NOW)
    assert window.end - NOW < timedelta(minutes=1)
