"""Synthetic RUM for the dashboard benchmark: vitals, server timings, page views and JS
errors (a few hundred groups per site) over 30 days for 3 sites and 2,000 page groups,
inserted in batches through the rollup views. Page-group popularity is one of DISTRIBUTIONS:
real traffic is Zipf-like (a few pages take most of it, a long tail sees a sample now and
then); uniform is the worst case for rollups keyed by page (every group in every hour)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from clickhouse_connect.driver.client import Client

from vitalscope.storage.sql import named_query

SITES = ("shop", "news", "docs")
PAGE_GROUPS = 2000
DAYS = 30
FINGERPRINTS = 600  # error groups per site, few of them with most occurrences
# name -> exponent s of P(rank k) ~ k^-s over the page groups (queries/_seed_page_group.sql).
# s = 1 (Zipf's law, as web page popularity roughly follows): with 2,000 groups the top one
# takes 9 % of the samples, the top 20 about 40 %, the bottom 1,000 about 9 %.
DISTRIBUTIONS = {"zipf": 1.0, "uniform": 0.0}


def seed(client: Client, end: datetime, vitals: int, timings: int, batch: int,
         advance: Callable[[str, int], None], page_views: int = 0, errors: int = 0,
         *, skew: float) -> None:
    """`skew`: the popularity exponent of the page groups (a value of DISTRIBUTIONS)."""
    params = {"sites": list(SITES), "end": end.replace(tzinfo=None), "days": DAYS,
              "groups": PAGE_GROUPS, "skew": skew, "page_views": page_views,
              "fingerprints": FINGERPRINTS}
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
