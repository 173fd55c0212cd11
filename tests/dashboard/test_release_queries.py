"""`(other)`, what the collector stores for releases past a site's daily cap
(collector.cardinality.releases), is not a release: no marker on the charts, never the
site's newest release."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from clickhouse_connect.driver.client import Client

from collector.cardinality import OTHER
from vitalscope.storage.sql import named_query

NOW = datetime(2026, 12, 3, 12, tzinfo=UTC)


def _seed(client: Client) -> None:
    """r1 two hours ago, r2 an hour ago, then (other) ten minutes ago with most samples."""
    rows = []
    for release, minutes_ago, count in (("r1", 120, 5), ("r2", 60, 5), (OTHER, 10, 50)):
        at = NOW - timedelta(minutes=minutes_ago)
        rows += [["shop", "LCP", at, at, f"{release}-{i}", f"pv-{release}-{i}", "s", 1000.0,
                  1000.0, "good", release] for i in range(count)]
    client.insert("vitals", rows, column_names=[
        "site", "metric", "ts", "received_at", "event_id", "page_view_id", "session_id",
        "value", "delta", "rating", "release"])
    client.insert("page_views", [["shop", NOW - timedelta(minutes=m), NOW, f"v{m}", release]
                                 for release, m in (("r1", 120), ("r2", 60), (OTHER, 10))],
                  column_names=["site", "started_at", "received_at", "page_view_id", "release"])


def test_other_is_no_release_marker_nor_the_newest_release(clickhouse: Client) -> None:
    _seed(clickhouse)
    markers = clickhouse.query(named_query("dashboard.releases"), parameters={
        "table": "vitals_dims_1h", "site": "shop", "from": NOW - timedelta(days=1),
        "to": NOW + timedelta(hours=1), "limit": 50}).result_rows
    assert [row[0] for row in markers] == ["r1", "r2"]
    newest = clickhouse.query(named_query("dashboard.errors_newest_release"),
                              parameters={"site": "shop"}).result_rows
    assert [row[0] for row in newest] == ["r2"]
