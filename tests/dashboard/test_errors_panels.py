"""The dashboard's error panels on real chDB: page views and the JS error rate per bucket
(the Overview), a page group's top errors (the Pages drill-down), and the Errors page's
table rows (server-side sorting, paging, sparklines), against what the raw rows say."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from clickhouse_connect.driver.client import Client

from dashboard.filters import parse_filters
from dashboard.panels import errors
from dashboard.service import DashboardService
from dashboard.web.views import errors as errors_view
from vitalscope.config import Settings
from vitalscope.datadir import DataDir
from vitalscope.jserrors.grouping import OTHER_FINGERPRINT
from vitalscope.redisstore.embedded import EmbeddedRedis
from vitalscope.runtime import Role, Runtime

NOW = datetime.now(UTC)
# Two whole minutes inside the last hour (the 1h range reads the minute tier).
EARLY = (NOW - timedelta(minutes=40)).replace(second=5, microsecond=0)
LATE = (NOW - timedelta(minutes=10)).replace(second=5, microsecond=0)
ERROR_COLUMNS = ["site", "ts", "received_at", "event_id", "page_view_id", "session_id",
                 "fingerprint", "error_type", "message", "message_norm", "top_frame",
                 "source", "stack", "occurrences", "page_group", "url", "browser", "release"]


def _bucket(moment: datetime) -> str:
    return moment.replace(second=0).strftime("%Y-%m-%dT%H:%M:%SZ")


@pytest.fixture
def service(settings: Settings, clickhouse: Client, redis_server: EmbeddedRedis
            ) -> DashboardService:
    runtime = Runtime(settings, Role.SERVE, DataDir(settings.data_dir),
                      redis_url=redis_server.url, clickhouse=clickhouse)
    return DashboardService(runtime, cache_ttl_s=0)


def _page_views(client: Client, at: datetime, group: str, count: int, tag: str) -> None:
    client.insert("page_views", [["shop", at, at, f"pv-{tag}-{i}", "s1", f"https://shop.example"
                                  f"{group}", group, "Chrome", "r1"] for i in range(count)],
                  column_names=["site", "started_at", "received_at", "page_view_id",
                                "session_id", "url", "page_group", "browser", "release"])


def _error(at: datetime, pv: str, fingerprint: int, kind: str, group: str,
           occurrences: int = 1) -> list[object]:
    return ["shop", at, at, f"e-{pv}-{fingerprint}", pv, "s1", fingerprint, kind,
            f"{kind} raw", f"{kind} <b>norm</b>", "fn (app.js)", "", "", occurrences, group,
            f"https://shop.example{group}", "Chrome", "r1"]


@pytest.fixture
def seeded(clickhouse: Client) -> Client:
    """EARLY: 10 page views of /a, 3 of them with errors (fingerprint 1 twice in one page
    view, 2 on two); LATE: 5 page views of /b, none with an error, and one error of /b
    thrown in a page view counted earlier."""
    _page_views(clickhouse, EARLY, "/a", 10, "a")
    _page_views(clickhouse, LATE, "/b", 5, "b")
    clickhouse.insert("js_errors", [
        _error(EARLY, "pv-a-0", 1, "TypeError", "/a", occurrences=2),
        _error(EARLY, "pv-a-1", 2, "RangeError", "/a"),
        _error(EARLY, "pv-a-2", 2, "RangeError", "/a"),
        _error(LATE, "pv-a-3", 3, "SyntaxError", "/b"),
    ], column_names=ERROR_COLUMNS)
    return clickhouse


def test_error_rate_per_bucket_and_over_the_window(service: DashboardService,
                                                   seeded: Client) -> None:
    data = errors.error_rate(service.layer, parse_filters("shop", "1h"))
    assert data["window"]["resolution"] == "1m"
    by_t = {p["t"]: p for p in data["points"]}
    assert set(by_t) == {_bucket(EARLY), _bucket(LATE)}
    early, late = by_t[_bucket(EARLY)], by_t[_bucket(LATE)]
    assert (early["page_views"], early["errored_page_views"], early["occurrences"]) == (10, 3, 4)
    assert early["error_rate"] == pytest.approx(0.3)
    assert (late["page_views"], late["errored_page_views"], late["occurrences"]) == (5, 1, 1)
    assert late["error_rate"] == pytest.approx(0.2)
    # Over the window a page view counts once: 4 of the 15 had an error.
    assert (data["page_views"], data["errored_page_views"], data["occurrences"]) == (15, 4, 5)


def test_the_windows_totals_count_a_page_view_once_however_many_rows_and_buckets_it_has(
        service: DashboardService, seeded: Client) -> None:
    """A page view sent in three beacons is one page view, in its bucket and over the window
    (the window's total is the buckets' sum); one with errors in both buckets is one errored
    page view over the window, and one in each bucket's points."""
    _page_views(seeded, EARLY, "/a", 3, "a")  # later beacons of pv-a-0 .. pv-a-2
    _page_views(seeded, EARLY, "/a", 1, "a")
    seeded.insert("js_errors", [_error(LATE, "pv-a-0", 7, "EvalError", "/a")],
                  column_names=ERROR_COLUMNS)
    data = errors.error_rate(service.layer, parse_filters("shop", "1h"))
    by_t = {p["t"]: p for p in data["points"]}
    assert by_t[_bucket(EARLY)]["page_views"] == 10
    assert by_t[_bucket(LATE)]["errored_page_views"] == 2  # pv-a-3 and pv-a-0
    assert (data["page_views"], data["errored_page_views"], data["occurrences"]) == (15, 4, 6)


def test_error_rate_of_a_bucket_with_errors_but_no_page_view_is_none(
        service: DashboardService, clickhouse: Client) -> None:
    clickhouse.insert("js_errors", [_error(EARLY, "pv-x", 9, "Error", "/x")],
                      column_names=ERROR_COLUMNS)
    data = errors.error_rate(service.layer, parse_filters("shop", "1h"))
    assert [(p["page_views"], p["errored_page_views"], p["error_rate"])
            for p in data["points"]] == [(0, 1, None)]
    assert data["page_views"] == 0 and data["errored_page_views"] == 1


def test_a_page_groups_top_errors(service: DashboardService, seeded: Client) -> None:
    f = parse_filters("shop", "1h")
    top = errors.page_top_errors(service.layer, f, "/a")
    assert [(e["fingerprint"], e["type"], e["occurrences"], e["page_views"]) for e in top] == [
        ("1", "TypeError", 2, 1), ("2", "RangeError", 2, 2)]
    assert top[0]["message"] == "TypeError <b>norm</b>"
    assert [e["fingerprint"] for e in errors.page_top_errors(service.layer, f, "/a", 1)] == ["1"]
    assert errors.page_top_errors(service.layer, f, "/nowhere") == []


def test_errors_table_sorts_on_the_server_and_draws_sparklines(service: DashboardService,
                                                               seeded: Client) -> None:
    f = parse_filters("shop", "1h")
    rows, pages, total = errors_view.table_rows(service, f, 0, None)
    assert (pages, total) == (1, 3)
    # Occurrences descending (the order of ties reversed too: the ranking is one order).
    assert [r["fingerprint"] for r in rows] == ["2", "1", "3"]
    assert rows[1]["message"] == "TypeError <b>norm</b>"  # a cell is text, kept as it is
    assert (rows[0]["occurrences"], rows[0]["page_views"], rows[0]["share"]) == (2, 2, "13.3 %")
    asc = [{"column_id": "occurrences", "direction": "asc"}]
    assert [r["fingerprint"] for r in errors_view.table_rows(service, f, 0, asc)[0]] == [
        "3", "1", "2"]
    by_last = [{"column_id": "last_seen", "direction": "desc"}]
    assert errors_view.table_rows(service, f, 0, by_last)[0][0]["fingerprint"] == "3"
    # A column that does not sort falls back to the default order.
    by_message = [{"column_id": "message", "direction": "asc"}]
    assert [r["fingerprint"] for r in errors_view.table_rows(service, f, 0, by_message)[0]] \
        == ["2", "1", "3"]
    # One character per slot of the trend; the slot of the late error is the tallest.
    trend = rows[2]["trend"]
    assert len(trend) == errors.TREND_SLOTS and trend.strip() == "█"
    assert errors_view.table_rows(service, f, 1, None)[0] == []


def test_a_groups_top_values_per_dimension_equal_the_raw_rows(
        service: DashboardService, clickhouse: Client) -> None:
    """Page groups, browsers and releases of one group: each dimension ranked on its own by
    occurrences and cut at its own limit, with the distinct page views of each value."""
    thrown = []
    for i in range(12):
        row = _error(EARLY, f"pv-{i % 7}", 5, "TypeError", f"/p{i % 4}", occurrences=1 + i % 3)
        row[-2], row[-1] = ("Chrome", "Firefox", "Safari")[i % 3], f"r{i % 5}"
        row[3] = f"e-{i}"
        thrown.append(row)
    clickhouse.insert("js_errors", thrown, column_names=ERROR_COLUMNS)
    f = parse_filters("shop", "1h")
    detail = errors.groups(service.layer, f)["groups"][0]
    for dim, column in (("top_pages", "page_group"), ("browsers", "browser"),
                        ("releases", "release")):
        raw = clickhouse.query(
            f"SELECT {column}, sum(occurrences) AS n, uniqExact(page_view_id) FROM js_errors "
            f"GROUP BY {column} ORDER BY n DESC, {column} LIMIT {errors.TOP_VALUES}"
        ).result_rows
        assert [(v["value"], v["occurrences"], v["page_views"]) for v in detail[dim]] == [
            tuple(r) for r in raw], dim


def test_the_group_of_errors_past_the_daily_cap_is_never_new_in_a_release(
        service: DashboardService, seeded: Client) -> None:
    """Every group of the seed was first seen in r1, the site's only (so newest) release;
    `(other)` (the errors stored once the site had its day's cap of groups) too, but it is
    no error of its own."""
    seeded.insert("js_errors", [_error(LATE, "pv-b-0", OTHER_FINGERPRINT, "(other)", "/b")],
                  column_names=ERROR_COLUMNS)
    listed = errors.groups(service.layer, parse_filters("shop", "1h"))["groups"]
    assert {g["fingerprint"]: g["new_in_release"] for g in listed} == {
        "1": True, "2": True, "3": True, str(OTHER_FINGERPRINT): False}


def test_sparkline_scales_to_the_busiest_slot() -> None:
    assert errors_view.sparkline([0, 1, 4, 8]) == " ▁▄█"
    assert errors_view.sparkline([0, 0]) == "  "
    assert errors_view.sparkline([1000, 1]) == "█▁"
    assert errors_view.sparkline([]) == ""

