"""The dashboard's queries read rollups through their primary key (EXPLAIN indexes = 1),
and the rollups hold what the raw rows say."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from clickhouse_connect.driver.client import Client

from tests.support.log_buckets import ATTRIBUTION_FAMILIES, merged_counts
from tests.support.merges import optimize_final
from tests.support.page_counts import PAGE_TIERS, page_counts
from tests.support.rum_seed import seed
from vitalscope.storage.sql import named_query

NOW = datetime.now(UTC)
WINDOW = {"from": (NOW - timedelta(days=7)).replace(tzinfo=None),
          "to": (NOW + timedelta(hours=1)).replace(tzinfo=None)}
QUERIES: list[tuple[str, dict[str, object], str]] = [
    ("overview_summary", {"table": "vitals_dims_1h", "dim": "all", "val": ""}, "vitals_dims_1h"),
    ("overview_series", {"table": "vitals_dims_1d", "dim": "device", "val": "mobile"},
     "vitals_dims_1d"),
    ("breakdown", {"table": "vitals_dims_1m", "dim": "country", "metric": "LCP", "limit": 10},
     "vitals_dims_1m"),
    ("pages_quantiles", {"table": "vitals_pages_1d", "groups": ["/cart"]}, "vitals_pages_1d"),
    ("page_targets", {"table": "vitals_targets_1h", "page_group": "/cart"},
     "vitals_targets_1h"),
    ("page_targets", {"table": "vitals_targets_1d", "page_group": "/cart"},
     "vitals_targets_1d"),
    ("page_navigation_types", {"table": "vitals_navs_1h", "page_group": "/cart"},
     "vitals_navs_1h"),
    ("page_navigation_types", {"table": "vitals_navs_1d", "page_group": "/cart"},
     "vitals_navs_1d"),
    ("scripts_inp_totals", {"table": "vitals_scripts_1h", "page_group": "/cart"},
     "vitals_scripts_1h"),
    ("scripts_inp_totals", {"table": "vitals_scripts_1d", "page_group": ""},
     "vitals_scripts_1d"),
    ("scripts_slow_interactions", {"table": "vitals_scripts_1d", "page_group": "",
                                   "limit": 100}, "vitals_scripts_1d"),
    ("server_timings_summary", {"table": "server_timings_tier_1h", "limit": 10},
     "server_timings_tier_1h"),
    ("pages_ranked", {"table": "vitals_page_counts_1h", "sort": "impact", "min_samples": 0,
                      "descending": 1, "limit": 25, "offset": 0}, "vitals_page_counts_1h"),
    ("pages_ranked", {"table": "vitals_page_counts_1d", "sort": "page_group",
                      "min_samples": 0, "descending": 0, "limit": 25, "offset": 0},
     "vitals_page_counts_1d"),
    ("pages_total", {"table": "vitals_page_counts_1d", "min_samples": 10},
     "vitals_page_counts_1d"),
    ("pages_ranked_p75", {"table": "vitals_pages_1h", "metric": "LCP", "min_samples": 0,
                          "descending": 0, "limit": 25, "offset": 0}, "vitals_pages_1h"),
]


def test_queries_use_the_primary_key_of_their_rollup(clickhouse: Client) -> None:
    seed(clickhouse, NOW)
    for query, params, table in QUERIES:
        plan = "\n".join(row[0] for row in clickhouse.query(
            "EXPLAIN indexes = 1 " + named_query(f"dashboard.{query}"),
            parameters={**params, **WINDOW, "site": "shop"}).result_rows)
        assert f"ReadFromMergeTree ({clickhouse.database}.{table})" in plan, (query, plan)
        primary = plan[plan.index("PrimaryKey"):].split("Granules")[0]
        assert "Keys:" in primary and "site" in primary, (query, plan)
        if table.startswith("vitals_page_counts"):  # the window's rows alone (0089)
            assert "bucket" in primary, (query, plan)


def test_rollup_counts_equal_the_raw_rows(clickhouse: Client) -> None:
    seed(clickhouse, NOW)
    raw = clickhouse.query("SELECT site, metric, count(), countIf(rating = 'poor') FROM vitals "
                           "GROUP BY site, metric ORDER BY site, metric").result_rows
    for table in ("vitals_dims_1h", "vitals_dims_1d"):
        rolled = clickhouse.query(
            f"SELECT site, metric, sum(samples), sum(poor) FROM {table} WHERE dim = 'all' "
            "GROUP BY site, metric ORDER BY site, metric").result_rows
        assert rolled == raw
        per_device = clickhouse.query(
            f"SELECT sum(samples) FROM {table} WHERE dim = 'device'").result_rows
        assert per_device[0][0] == sum(r[2] for r in raw)
    pages = clickhouse.query("SELECT site, metric, sum(samples), sum(poor) FROM "
                             "vitals_pages_1d GROUP BY site, metric ORDER BY site, metric")
    assert pages.result_rows == raw
    # The minute tier keeps the last 36 hours (0083): the recent shop rows, none of the old
    # ones (2-5 days), once its TTL has been applied (on insert or by a merge).
    optimize_final(clickhouse, "vitals_dims_1m")
    minute = clickhouse.query("SELECT sum(samples) FROM vitals_dims_1m WHERE dim = 'all' "
                              "AND site = 'shop' AND metric = 'LCP'").result_rows[0][0]
    recent = clickhouse.query("SELECT countIf(ts >= now() - INTERVAL 36 HOUR) FROM vitals "
                              "WHERE site = 'shop' AND metric = 'LCP'").result_rows[0][0]
    assert minute == recent == 600


def test_the_attribution_tiers_hold_the_same_samples_hourly_and_daily(
        clickhouse: Client) -> None:
    seed(clickhouse, NOW)
    for family, (keys, column) in ATTRIBUTION_FAMILIES.items():
        per_tier = [clickhouse.query(
            f"SELECT {keys}, toStartOfDay(bucket) AS day, sum(samples), sum(poor), "
            f"{merged_counts(clickhouse, f'{family}_{tier}', column)} FROM {family}_{tier} "
            f"GROUP BY {keys}, day "
            f"ORDER BY {keys}, day").result_rows for tier in ("1h", "1d")]
        assert per_tier[0] == per_tier[1] and per_tier[0], family


def test_the_page_count_tiers_hold_the_page_tiers_counts(clickhouse: Client) -> None:
    seed(clickhouse, NOW)
    for tier in PAGE_TIERS:
        per_tier = [page_counts(clickhouse, table)
                    for table in (f"vitals_pages_{tier}", f"vitals_page_counts_{tier}")]
        assert per_tier[0] == per_tier[1] and per_tier[0], tier
