"""Synthetic RUM for the dashboard benchmark: vitals and server timings over 30 days for 3
sites and 2,000 page groups, inserted in batches through the rollup views."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from clickhouse_connect.driver.client import Client

from vitalscope.storage.sql import named_query

SITES = ("shop", "news", "docs")
PAGE_GROUPS = 2000
DAYS = 30


def seed(client: Client, end: datetime, vitals: int, timings: int, batch: int,
         advance: Callable[[str, int], None]) -> None:
    params = {"sites": list(SITES), "end": end.replace(tzinfo=None), "days": DAYS,
              "groups": PAGE_GROUPS}
    for table, sql, total in (("vitals", named_query("bench.seed_vitals"), vitals),
                              ("server_timings", named_query("bench.seed_server_timings"),
                               timings)):
        for start in range(0, total, batch):
            count = min(batch, total - start)
            client.command(sql, parameters={**params, "start": start, "count": count})
            advance(table, count)
