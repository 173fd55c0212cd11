"""The dashboard's query cache and query latency in /metrics, per named query (the SQL file's
name: a fixed set, never parameters, so the label stays bounded)."""

from __future__ import annotations

from prometheus_client import Counter, Histogram

CACHE_HITS = Counter(
    "vitalscope_dashboard_cache_hits",
    "Dashboard query results served from the Redis cache, by named query and kind (exact: "
    "the site's current data generation; budget: an older generation within "
    "dashboard.cache_fresh_s while the site's data keeps arriving).",
    ["query", "kind"],
)
CACHE_MISSES = Counter(
    "vitalscope_dashboard_cache_misses",
    "Dashboard query results computed in ClickHouse because the cache had none fresh "
    "enough, by named query.",
    ["query"],
)
QUERY_SECONDS = Histogram(
    "vitalscope_dashboard_query_seconds",
    "Seconds to answer one dashboard query, by named query and source (cache, clickhouse; "
    "warm: computed by the warmer after a flush, dashboard/warm.py).",
    ["query", "source"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
WARM_RUNS = Counter(
    "vitalscope_dashboard_warm_runs",
    "Warmings of a site's default views after new data, by outcome (done; stopped: the "
    "flusher fell behind or the process stops; failed: a page could not be computed).",
    ["outcome"],
)
WARM_SKIPS = Counter(
    "vitalscope_dashboard_warm_skips",
    "New data of a viewed site not warmed (yet), counted once per data generation, by "
    "reason (budget: warmed less than a period ago; behind: the flusher is behind).",
    ["reason"],
)
WARM_SECONDS = Histogram(
    "vitalscope_dashboard_warm_seconds",
    "Seconds to warm one page's default view of one site at one range, by page path.",
    ["page"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0),
)
