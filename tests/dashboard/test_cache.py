"""The query layer's Redis cache-aside on the real chDB and Redis: answers are cached per
site generation, and the flusher's `INCR vs:{ingest}:site:{site}:generation` makes new data show."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import redis
from clickhouse_connect.driver.client import Client
from prometheus_client import REGISTRY

from dashboard.cache import QueryCache
from dashboard.filters import Filters, parse_filters
from dashboard.panels.overview import Overview, overview
from dashboard.querylayer import QueryLayer
from tests.support.rum_seed import VITAL_COLUMNS, raw_p75, seed, vitals_rows
from vitalscope.config import Settings
from vitalscope.redisstore import keys
from vitalscope.storage.clickhouse import connect


def _samples(data: Overview) -> int:
    return int(data["metrics"][0]["samples"])


def _last_hour(site: str, now: datetime) -> Filters:
    """The hour before `now` as a fixed window: the `1h` range moves with the clock, and a
    minute that turns between two reads would make the second a new question (a miss)."""
    return parse_filters(site, "custom", (now - timedelta(hours=1)).isoformat(),
                         now.isoformat(), now=now)


def test_new_data_shows_once_the_site_generation_moves(
        settings: Settings, clickhouse: Client, redis_client: redis.Redis) -> None:
    now = datetime.now(UTC)
    seed(clickhouse, now)
    layer = QueryLayer(lambda: connect(settings), QueryCache(redis_client, 3600))
    shop, blog = _last_hour("shop", now), _last_hour("blog", now)
    assert _samples(overview(layer, shop)) == 600
    assert _samples(overview(layer, blog)) == 40
    assert redis_client.keys("vs:dash:q:shop:0:overview_summary:*")

    late = vitals_rows("shop", now, 60, age=(timedelta(minutes=10), timedelta(minutes=1)),
                       slower=3.0, release="v3", tag="late")
    clickhouse.insert("vitals", late, column_names=VITAL_COLUMNS)
    # Same generation: the cached answer (proof that the cache answers at all).
    assert _samples(overview(layer, shop)) == 600

    redis_client.incr(keys.site_generation("shop"))  # what the flusher does after its insert
    fresh = overview(layer, shop)
    assert _samples(fresh) == 660
    exact = raw_p75(clickhouse, "shop", now - timedelta(minutes=45))
    for metric in fresh["metrics"]:
        assert metric["p75"] == pytest.approx(exact[metric["metric"]], rel=0.005)
    assert redis_client.keys("vs:dash:q:shop:1:overview_summary:*")
    # Another site's cache is not touched by shop's data.
    assert not redis_client.keys("vs:dash:q:blog:1:*")
    assert _samples(overview(layer, blog)) == 40


def test_cache_keys_expire_and_a_zero_ttl_turns_the_cache_off(
        settings: Settings, clickhouse: Client, redis_client: redis.Redis) -> None:
    seed(clickhouse, datetime.now(UTC))
    cached = QueryLayer(lambda: connect(settings), QueryCache(redis_client, 120))
    overview(cached, parse_filters("shop", "24h"))
    keys = redis_client.keys("vs:dash:q:*")
    assert keys and all(0 < redis_client.ttl(k) <= 120 for k in keys)
    redis_client.flushall()
    uncached = QueryLayer(lambda: connect(settings), QueryCache(redis_client, 0))
    assert _samples(overview(uncached, parse_filters("shop", "24h"))) == 600
    assert redis_client.keys("vs:dash:q:*") == []


def test_tables_outside_the_rollup_list_are_refused(settings: Settings,
                                                    redis_client: redis.Redis) -> None:
    layer = QueryLayer(lambda: connect(settings), QueryCache(redis_client, 0))
    with pytest.raises(ValueError, match="not a rollup table"):
        layer.run("overview_summary", "shop", {"table": "vitals"})
    with pytest.raises(ValueError, match="not a rollup table: page_views"):
        layer.run("errors_page_views", "shop", {"reach_table": "page_views",
                                                "table": "page_views_site_1d"})


def _count(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def test_under_live_ingest_a_result_within_the_freshness_budget_is_served(
        settings: Settings, clickhouse: Client, redis_client: redis.Redis) -> None:
    now = datetime.now(UTC)
    seed(clickhouse, now)
    clock = [1000.0]
    layer = QueryLayer(lambda: connect(settings),
                       QueryCache(redis_client, 3600, 30, clock=lambda: clock[0]))
    shop = _last_hour("shop", now)

    def counts() -> tuple[float, float, float]:
        return (_count("vitalscope_dashboard_cache_hits_total", query="overview_summary",
                       kind="exact"),
                _count("vitalscope_dashboard_cache_hits_total", query="overview_summary",
                       kind="budget"),
                _count("vitalscope_dashboard_cache_misses_total", query="overview_summary"))

    def shows(samples: int, outcome: int) -> None:
        """The Overview shows `samples`; its summary queries were all exact hits (0), hits
        within the budget (1) or misses (2), as /metrics counts them."""
        before = counts()
        assert _samples(overview(layer, shop)) == samples
        moved = [after - earlier for after, earlier in zip(counts(), before, strict=True)]
        assert moved[outcome] > 0 and sum(moved) == moved[outcome]

    def arrive(tag: str) -> None:  # an insert and the flusher's generation bump
        rows = vitals_rows("shop", now, 60, age=(timedelta(minutes=10), timedelta(minutes=1)),
                           slower=2.0, release="v3", tag=tag)
        clickhouse.insert("vitals", rows, column_names=VITAL_COLUMNS)
        redis_client.incr(keys.site_generation("shop"))

    shows(600, 2)
    shows(600, 0)
    arrive("l1")
    clock[0] += 1
    shows(660, 2)  # the first data after a quiet spell shows at once
    arrive("l2")
    clock[0] += 1
    shows(660, 1)  # data keeps arriving: the result of a second ago is served
    shows(660, 1)
    clock[0] += 29.5
    shows(720, 2)  # 30.5 s after that result was computed: computed again
    clock[0] += 600
    arrive("l3")
    shows(780, 2)  # quiet again: at once
    assert _count("vitalscope_dashboard_query_seconds_count", query="overview_summary",
                  source="cache") > 0
