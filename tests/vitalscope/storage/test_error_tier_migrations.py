"""Migrations 0080 (site-wide page view and error tiers) and 0081 (error tiers per group) on an
install that already holds page views and errors in all three tiers' ages: the queries moved
to the new tables give what they gave from the 0050 tiers, a repeated run of the migrations
changes nothing, and what is inserted afterwards reaches the new tables through their
views."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from clickhouse_connect.driver.client import Client

from dashboard.cache import QueryCache
from dashboard.filters import parse_filters
from dashboard.panels import errors
from dashboard.querylayer import QueryLayer
from tests.support.rum_seed import PAGE_VIEW_COLUMNS
from tests.support.upgrades import install_before, run_again, upgrade_to
from vitalscope.config import Settings

VERSIONS = [80, 81]
ERROR_COLUMNS = ["site", "ts", "received_at", "event_id", "page_view_id", "session_id",
                 "fingerprint", "error_type", "message", "occurrences", "page_group", "url",
                 "browser", "release"]
# (new table family, old table family, query, its other parameters) for each moved query.
# errors_page_views moved on to 0082's reach tier: test_page_view_reach_migration.py.
QUERIES: tuple[tuple[str, str, str, dict[str, Any]], ...] = (
    ("page_views_site", "page_views_tier", "errors_page_views_series", {}),
    ("errors_site", "errors_tier", "errors_series", {}),
    ("errors_by_group", "errors_tier", "errors_groups",
     {"sort": "occurrences", "descending": 1, "limit": 25, "offset": 0}),
    ("errors_by_group", "errors_tier", "errors_group", {"fingerprint": 2}),
    ("errors_by_group", "errors_tier", "errors_trend", {"fingerprints": [1, 2], "slot_s": 600}),
)


def _seed(client: Client, site: str, at: datetime, tag: str, views: int) -> None:
    """`views` page views over 2 page groups and 2 browsers in the minutes after `at`; every
    third has errors of 2 kinds, some thrown twice (several rows per bucket in the old
    tiers: one per group, browser and fingerprint)."""
    page_views, thrown = [], []
    for i in range(views):
        moment = at + timedelta(minutes=i % 3, seconds=i)
        group, browser = f"/g{i % 2}", ("Chrome", "Firefox")[i // 2 % 2]
        pv = f"pv-{tag}-{i}"
        page_views.append([site, moment, moment, pv, "s", f"https://{site}.example{group}",
                           group, browser, "r1"])
        if i % 3 == 0:
            for fingerprint in (1, 2)[: 1 + i % 2]:
                thrown.append([site, moment, moment, f"e-{pv}-{fingerprint}", pv, "s",
                               fingerprint, "TypeError", f"boom {fingerprint}",
                               1 + fingerprint % 2, group, f"https://{site}.example{group}",
                               browser, "r1"])
    client.insert("page_views", page_views, column_names=PAGE_VIEW_COLUMNS)
    client.insert("js_errors", thrown, column_names=ERROR_COLUMNS)


def _windows(now: datetime) -> list[Any]:
    """A window on each tier: the last hour (1m), 2 to 4 days ago (1h), 20 to 28 (1d)."""
    spans = ((now - timedelta(hours=1), now), (now - timedelta(days=4), now - timedelta(days=2)),
             (now - timedelta(days=28), now - timedelta(days=20)))
    return [parse_filters("shop", "custom", start.isoformat(), end.isoformat(), now=now)
            .window(now) for start, end in spans]


def _answers(layer: QueryLayer, now: datetime, old: bool) -> list[Any]:
    out = []
    for window in _windows(now):
        for new_family, old_family, query, params in QUERIES:
            table = window.table(old_family if old else new_family)
            out.append((window.tier.name, query, layer.run(
                query, "shop", {"table": table, **window.params(), **params})))
    return out


def test_upgrading_keeps_the_site_wide_numbers_and_a_second_run_changes_nothing(
        settings: Settings) -> None:
    with install_before(settings, VERSIONS[0]) as client:
        now = datetime.now(UTC).replace(second=0, microsecond=0)
        for site in ("shop", "blog"):
            _seed(client, site, now - timedelta(minutes=30), f"{site}-recent", 24)
            _seed(client, site, now - timedelta(days=3), f"{site}-days", 30)
            _seed(client, site, now - timedelta(days=25), f"{site}-weeks", 36)
        layer = QueryLayer(lambda: client, QueryCache(None, 0))
        before = _answers(layer, now, old=True)
        assert all(rows for _, _, rows in before), before  # every tier holds data

        assert upgrade_to(client, VERSIONS[-1]) == VERSIONS
        # Hourly error tiers, old and new, keep what a window on them can read (16 days).
        hourly = client.query(
            "SELECT name, engine_full FROM system.tables WHERE database = currentDatabase()"
            " AND name IN ('page_views_tier_1h', 'errors_tier_1h', 'page_views_site_1h',"
            " 'errors_site_1h', 'errors_by_group_1h')").result_rows
        assert len(hourly) == 5 and all("toIntervalDay(17)" in engine for _, engine in hourly)
        assert _answers(layer, now, old=False) == before
        # A run that died after its refills is repeated whole: the same numbers again.
        run_again(client, VERSIONS)
        assert _answers(layer, now, old=False) == before

        # New rows reach the new tables through their views, as the panel shows.
        _seed(client, "shop", now - timedelta(minutes=20), "shop-after", 6)
        rate = errors.error_rate(layer, parse_filters("shop", "1h", now=now))
        assert (rate["page_views"], rate["errored_page_views"]) == (24 + 6, 8 + 2)
        assert _answers(layer, now, old=False) == _answers(layer, now, old=True)
