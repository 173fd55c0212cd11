"""The query layer's Redis cache-aside on the real chDB and Redis: answers are cached per
site generation, and the flusher's `INCR vs:{ingest}:site:{site}:generation` makes new data show."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import redis
from clickhouse_connect.driver.client import Client

from dashboard.cache import QueryCache
from dashboard.filters import parse_filters
from dashboard.panels.overview import Overview, overview
from dashboard.querylayer import QueryLayer
from tests.support.rum_seed import VITAL_COLUMNS, raw_p75, seed, vitals_rows
from vitalscope.config import Settings
from vitalscope.redisstore import keys
from vitalscope.storage.clickhouse import connect


def _samples(data: Overview) -> int:
    return int(data["metrics"][0]["samples"])


def test_new_data_shows_once_the_site_generation_moves(
        settings: Settings, clickhouse: Client, redis_client: redis.Redis) -> None:
    now = datetime.now(UTC)
    seed(clickhouse, now)
    layer = QueryLayer(lambda: connect(settings), QueryCache(redis_client, 3600))
    shop, blog = parse_filters("shop", "1h"), parse_filters("blog", "1h")
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
