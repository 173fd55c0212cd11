"""The one query layer of the dashboard and the JSON API: named SQL files
(dashboard/queries/*.sql) with server-side parameters, results cached in Redis per site
generation within a freshness budget (dashboard/cache.py). Rollup tables are chosen from a
fixed list, never from input."""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections.abc import Callable
from datetime import date, datetime
from typing import Any, cast

import redis
from clickhouse_connect.driver.client import Client

from dashboard import cache_metrics as metrics
from dashboard.cache import QueryCache
from vitalscope.storage.sql import named_query

Row = dict[str, Any]
ROLLUP_TABLES = frozenset(
    f"{family}_{tier}" for family in ("vitals_dims", "vitals_pages", "vitals_page_counts",
                                      "server_timings_tier", "errors_tier", "page_views_tier",
                                      "errors_site", "page_views_site", "page_views_reach",
                                      "errors_by_group")
    for tier in ("1m", "1h", "1d")
) | frozenset(
    # The attribution rollups of the Pages drill-down have no minute tier (migration 0087).
    f"{family}_{tier}" for family in ("vitals_navs", "vitals_targets", "vitals_scripts")
    for tier in ("1h", "1d")
)


def _json_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _json_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_value(v) for v in value]
    if isinstance(value, float) and value != value:  # NaN: no samples
        return None
    return value


# Warming yields to inserts and to the reads of people: one thread of ClickHouse work, and
# the lowest query priority (ClickHouse pauses it while queries of a higher one run).
WARM_SETTINGS = {"max_threads": 1, "priority": 10}


class QueryLayer:
    def __init__(self, client_factory: Callable[[], Client], cache: QueryCache,
                 warming: bool = False) -> None:
        self._client_factory = client_factory
        self._local = threading.local()
        self.cache = cache
        self.warming = warming

    def warmer(self) -> QueryLayer:
        """The layer of dashboard/warm.py: every query not cached for the site's current data
        generation is computed (at low priority) and stored, and nothing is counted as a hit
        or miss of the people reading the dashboard."""
        return QueryLayer(self._client_factory, self.cache, warming=True)

    def client(self) -> Client:
        # One client per thread: Dash callbacks and API requests run in a thread pool.
        client: Client | None = getattr(self._local, "client", None)
        if client is None:
            client = self._client_factory()
            self._local.client = client
        return client

    def run(self, query: str, site: str, params: dict[str, Any]) -> list[Row]:
        """Rows of `dashboard/queries/<query>.sql` as JSON-able dicts (cached or not, the
        same shape)."""
        for name, value in params.items():  # `table`, `reach_table`, ...: Identifiers
            if (name == "table" or name.endswith("_table")) and value not in ROLLUP_TABLES:
                raise ValueError(f"not a rollup table: {value}")
        params = {**params, "site": site}
        started = time.perf_counter()
        lookup = None
        if self.cache.enabled:
            try:
                lookup = self.cache.lookup(site, query, params, refresh=self.warming)
            except redis.RedisError:
                lookup = None  # Redis trouble costs speed, not answers
            if lookup is not None and lookup.rows is not None:
                if not self.warming:
                    metrics.CACHE_HITS.labels(query, "exact" if lookup.outcome == "hit"
                                              else "budget").inc()
                    metrics.QUERY_SECONDS.labels(query, "cache").observe(
                        time.perf_counter() - started)
                return cast(list[Row], lookup.rows)
            if lookup is not None and not self.warming:
                metrics.CACHE_MISSES.labels(query).inc()
        result = self.client().query(named_query(f"dashboard.{query}"), parameters=params,
                                     settings=WARM_SETTINGS if self.warming else None)
        rows = [
            {name: _json_value(value) for name, value in zip(result.column_names, row,
                                                              strict=True)}
            for row in result.result_rows
        ]
        # Cached or fresh, callers get the same JSON shapes (dict keys as strings).
        rows = cast(list[Row], json.loads(json.dumps(rows)))
        if lookup is not None:
            with contextlib.suppress(redis.RedisError):
                self.cache.store(lookup, rows)
        metrics.QUERY_SECONDS.labels(query, "warm" if self.warming else "clickhouse").observe(
            time.perf_counter() - started)
        return rows
