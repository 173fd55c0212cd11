"""Warming the default views of viewed sites (dashboard/warm.py) on real chDB and Redis, in
process, one tick at a time: which sites, the bounds, numbers equal to no cache's. In a real
`serve`, where a flush alone warms a viewed site: tests/dashboard/test_api.py."""

from __future__ import annotations

import warnings
from datetime import UTC, datetime, timedelta

import pytest
import redis
from clickhouse_connect.driver.client import Client
from prometheus_client import REGISTRY

from dashboard.cache import QueryCache
from dashboard.filters import Filters
from dashboard.panels.overview import overview, series
from dashboard.querylayer import QueryLayer
from dashboard.service import DashboardService
from dashboard.warm import Warmer
from dashboard.web.registry import PAGES
from tests.support.rum_seed import VITAL_COLUMNS, seed, vitals_rows
from vitalscope.config import Settings
from vitalscope.datadir import DataDir
from vitalscope.redisstore import keys
from vitalscope.redisstore.embedded import EmbeddedRedis
from vitalscope.runtime import Role, Runtime
from vitalscope.sites import SiteRepository
from vitalscope.storage.clickhouse import connect

SITES = ("shop", "blog", "docs")
# A query of each page's default view that reads ClickHouse through the cache.
PAGE_QUERIES = {"overview_summary", "overview_series", "errors_page_views_series",
                "pages_ranked", "errors_groups", "breakdown", "server_timings_summary"}


def _count(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def _same(shown: object, computed: object) -> None:
    """Equal, counts and text exactly; quantiles and means as ClickHouse computes them
    twice: their float sums and t-digest merges depend on thread and part order, and a
    t-digest quantile is documented to within 1% (a CI run saw 0.18% between two merges)."""
    if isinstance(shown, float) or isinstance(computed, float):
        assert shown == pytest.approx(computed, rel=1e-2)
    elif isinstance(shown, dict) and isinstance(computed, dict):
        assert shown.keys() == computed.keys()
        for key, value in shown.items():
            _same(value, computed[key])
    elif isinstance(shown, list | tuple) and isinstance(computed, list | tuple):
        assert len(shown) == len(computed)
        for one, other in zip(shown, computed, strict=True):
            _same(one, other)
    else:
        assert shown == computed


def _misses() -> float:
    return sum(sample.value for family in REGISTRY.collect()
               if family.name == "vitalscope_dashboard_cache_misses"
               for sample in family.samples if sample.name.endswith("_total"))


def _queries(client: redis.Redis, site: str, generation: int | str) -> set[str]:
    """Named queries with a result cached for the site's data generation."""
    return {key.decode().split(":")[5]
            for key in client.scan_iter(f"vs:dash:q:{site}:{generation}:*")}


def test_only_the_newest_viewed_sites_are_warmed_with_the_numbers_unchanged(
        settings: Settings, clickhouse: Client, redis_server: EmbeddedRedis,
        redis_client: redis.Redis) -> None:
    now = datetime.now(UTC)
    seed(clickhouse, now)
    for site in SITES:
        SiteRepository(clickhouse).add(site, [f"https://{site}.example"])
    settings = settings.model_copy(update={
        "dashboard": settings.dashboard.model_copy(update={"warm_sites": 1, "cache_fresh_s": 30}),
        "collector": settings.collector.model_copy(update={"flush_max_entries": 2})})
    runtime = Runtime(settings, Role.SERVE, DataDir(settings.data_dir),
                      redis_url=redis_server.url, clickhouse=clickhouse)
    service = DashboardService(runtime)
    warmer = Warmer(service, [(page.path, page.read_default_view) for page in PAGES])
    # Dash's notice about DataTable's future, raised when a table is built in-process.
    warnings.filterwarnings("ignore", "\nThe dash_table.DataTable will be removed",
                            DeprecationWarning)
    for range_ in ("1h", "7d", "30d"):
        service.filters("blog", range_)
    service.filters("shop", "24h")  # the newest view: with warm_sites 1, the site warmed
    # The views are bounded too: warm_sites times the preset ranges, the newest kept.
    assert redis_client.zcard(keys.DASHBOARD_VIEWS) == 4
    assert service.views.active() == {"shop": ["24h"]}

    warmer.tick()
    assert not redis_client.keys("vs:dash:q:*")  # no flush yet: nothing to warm

    clickhouse.insert("vitals", vitals_rows("shop", now, 30, age=(timedelta(minutes=9),
                      timedelta(minutes=1)), slower=2.0, release="v3", tag="late"),
                      column_names=VITAL_COLUMNS)
    for site in SITES:
        redis_client.incr(keys.site_generation(site))  # what the flusher does
    done = _count("vitalscope_dashboard_warm_runs_total", outcome="done")
    warmer.tick()
    assert _count("vitalscope_dashboard_warm_runs_total", outcome="done") == done + 1
    assert _queries(redis_client, "shop", 1) >= PAGE_QUERIES
    assert not redis_client.keys("vs:dash:q:blog:*")
    assert not redis_client.keys("vs:dash:q:docs:*")
    # Every page's default view is warm: rendered now, not one query misses.
    misses = _misses()
    for page in PAGES:
        page.layout(service, Filters("shop", "24h"), {})
    assert _misses() == misses

    # A reader now gets the warm results, exact hits, equal to what no cache computes.
    f = Filters("shop", "24h")
    hits = _count("vitalscope_dashboard_cache_hits_total", query="overview_summary",
                  kind="exact")
    misses = _count("vitalscope_dashboard_cache_misses_total", query="overview_summary")
    warmed = (overview(service.layer, f), series(service.layer, f))
    assert _count("vitalscope_dashboard_cache_hits_total", query="overview_summary",
                  kind="exact") == hits + 2
    assert _count("vitalscope_dashboard_cache_misses_total",
                  query="overview_summary") == misses
    uncached = QueryLayer(lambda: connect(settings), QueryCache(None, 0))
    _same(warmed, (overview(uncached, f), series(uncached, f)))
    assert warmed[0]["metrics"][0]["samples"] == 630

    # More data within the period: skipped, once per generation, while the flusher is
    # behind (more than flush_max_entries queued) and then for the budget.
    redis_client.incr(keys.site_generation("shop"))
    for _ in range(3):
        redis_client.xadd(keys.STREAM, {"b": b"x"})
    behind = _count("vitalscope_dashboard_warm_skips_total", reason="behind")
    budget = _count("vitalscope_dashboard_warm_skips_total", reason="budget")
    warmer.tick()
    warmer.tick()
    redis_client.delete(keys.STREAM)
    warmer.tick()
    warmer.tick()
    assert _count("vitalscope_dashboard_warm_skips_total", reason="behind") == behind + 1
    assert _count("vitalscope_dashboard_warm_skips_total", reason="budget") == budget + 1
    assert not _queries(redis_client, "shop", 2)
