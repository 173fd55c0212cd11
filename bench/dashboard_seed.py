"""Synthetic RUM for the dashboard benchmark: vitals, server timings, page views and JS
errors (a few hundred groups per site) over 30 days for 3 sites and 2,000 page groups,
inserted in batches through the rollup views."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from clickhouse_connect.driver.client import Client

from vitalscope.storage.sql import named_query

SITES = ("shop", "news", "docs")
PAGE_GROUPS = 2000
DAYS = 30
FINGERPRINTS = 600  # error groups per site, few of them with most occurrences


def seed(client: Client, end: datetime, vitals: int, timings: int, batch: int,
         advance: Callable[[str, int], None], page_views: int = 0, errors: int = 0) -> None:
    params = {"sites": list(SITES), "end": end.replace(tzinfo=None), "days": DAYS,
              "groups": PAGE_GROUPS, "page_views": page_views, "fingerprints": FINGERPRINTS}
    for table, sql, total in (("vitals", named_query("bench.seed_vitals"), vitals),
                              ("server_timings", named_query("bench.seed_server_timings"),
                               timings),
                              ("page_views", named_query("bench.seed_page_views"), page_views),
                              ("js_errors", named_query("bench.seed_js_errors"),
                               errors if page_views else 0)):
        for start in range(0, total, batch):
            count = min(batch, total - start)
            client.command(sql, parameters={**params, "start": start, "count": count})
            advance(table, count)
