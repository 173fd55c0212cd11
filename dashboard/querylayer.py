"""The one query layer of the dashboard and the JSON API: named SQL files
(dashboard/queries/*.sql) with server-side parameters, results cached in Redis per site
generation. Rollup tables are chosen from a fixed list, never from input."""

from __future__ import annotations

import contextlib
import json
import threading
from collections.abc import Callable
from datetime import date, datetime
from typing import Any, cast

import redis
from clickhouse_connect.driver.client import Client

from dashboard.cache import QueryCache, result_key
from vitalscope.storage.sql import named_query

Row = dict[str, Any]
ROLLUP_TABLES = frozenset(
    f"{family}_{tier}" for family in ("vitals_dims", "vitals_pages", "server_timings_tier",
                                      "errors_tier", "page_views_tier")
    for tier in ("1m", "1h", "1d")
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


class QueryLayer:
    def __init__(self, client_factory: Callable[[], Client], cache: QueryCache) -> None:
        self._client_factory = client_factory
        self._local = threading.local()
        self.cache = cache

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
        table = params.get("table")
        if table is not None and table not in ROLLUP_TABLES:
            raise ValueError(f"not a rollup table: {table}")
        params = {**params, "site": site}
        key = None
        if self.cache.enabled:
            try:
                key = result_key(site, self.cache.generation(site), query, params)
                cached = self.cache.get(key)
                if cached is not None:
                    return cast(list[Row], cached)
            except redis.RedisError:
                key = None  # Redis trouble costs speed, not answers
        result = self.client().query(named_query(f"dashboard.{query}"), parameters=params)
        rows = [
            {name: _json_value(value) for name, value in zip(result.column_names, row,
                                                              strict=True)}
            for row in result.result_rows
        ]
        # Cached or fresh, callers get the same JSON shapes (dict keys as strings).
        rows = cast(list[Row], json.loads(json.dumps(rows)))
        if key is not None:
            with contextlib.suppress(redis.RedisError):
                self.cache.put(key, rows)
        return rows
