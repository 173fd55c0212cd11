"""The page groups' quantiles over a daily window read its whole weeks from vitals_pages_1w
(migration 0091) and give what the daily rows alone give; the weeks chosen are the whole
Monday-to-Monday weeks inside the window, none for any other tier."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from clickhouse_connect.driver.client import Client

from dashboard.cache import QueryCache
from dashboard.filters import TIERS, Window, parse_filters
from dashboard.panels.page_quantiles import page_quantiles, quantile_params, weeks_within
from dashboard.querylayer import QueryLayer
from tests.support.rum_seed import GROUPS, METRICS, VITAL_COLUMNS, seed, vitals_rows

DAILY, HOURLY = TIERS[2], TIERS[1]
MONDAY = datetime(2026, 11, 2, tzinfo=UTC)


@pytest.mark.parametrize(("start", "end", "weeks"), [
    # Wednesday to the Wednesday 15 days later: the one whole week between.
    (MONDAY + timedelta(days=2), MONDAY + timedelta(days=17), (7, 14)),
    # From a Monday to a Monday: every week of it.
    (MONDAY, MONDAY + timedelta(days=21), (0, 21)),
    # Six days from a Tuesday, or a week from a Thursday: no whole week.
    (MONDAY + timedelta(days=1), MONDAY + timedelta(days=7), None),
    (MONDAY + timedelta(days=3), MONDAY + timedelta(days=10), None),
])
def test_whole_weeks_within_a_daily_window(start: datetime, end: datetime,
                                           weeks: tuple[int, int] | None) -> None:
    expected = (start, start) if weeks is None else (
        MONDAY + timedelta(days=weeks[0]), MONDAY + timedelta(days=weeks[1]))
    assert weeks_within(Window(start, end, DAILY)) == expected


def test_no_weeks_for_an_hourly_window() -> None:
    start = MONDAY - timedelta(hours=5)
    assert weeks_within(Window(start, start + timedelta(days=8), HOURLY)) == (start, start)


def test_weekly_rows_give_what_the_daily_rows_give(clickhouse: Client) -> None:
    now = datetime.now(UTC)
    seed(clickhouse, now)
    clickhouse.insert("vitals", vitals_rows("shop", now, 900, age=(timedelta(days=40),
                                                                   timedelta(days=6)),
                                            slower=1.2, release="v1", tag="weeks"),
                      column_names=VITAL_COLUMNS)
    layer = QueryLayer(lambda: clickhouse, QueryCache(None, 0))
    window = parse_filters("shop", "30d").window()
    assert window.tier.name == "1d"
    weeks_from, weeks_to = weeks_within(window)
    assert weeks_to - weeks_from >= timedelta(days=21)
    groups = list(GROUPS)
    combined = page_quantiles(layer, "shop", window, groups)
    daily_only = {(r["page_group"], r["metric"]): r for r in layer.run(
        "pages_quantiles", "shop", {**quantile_params(window, groups),
                                    "weeks_from": window.start.replace(tzinfo=None),
                                    "weeks_to": window.start.replace(tzinfo=None)})}
    assert combined == daily_only and len(combined) == len(GROUPS) * len(METRICS)
    # And the weekly tier was read: its rows alone hold the weeks' samples.
    weekly = clickhouse.query(
        "SELECT sum(samples) FROM vitals_pages_1w WHERE site = 'shop' "
        "AND bucket >= {a:DateTime('UTC')} AND bucket < {b:DateTime('UTC')}",
        parameters={"a": weeks_from.replace(tzinfo=None),
                    "b": weeks_to.replace(tzinfo=None)}).result_rows[0][0]
    raw = clickhouse.query(
        "SELECT count() FROM vitals WHERE site = 'shop' "
        "AND ts >= {a:DateTime('UTC')} AND ts < {b:DateTime('UTC')}",
        parameters={"a": weeks_from.replace(tzinfo=None),
                    "b": weeks_to.replace(tzinfo=None)}).result_rows[0][0]
    assert weekly == raw > 0
