"""The admission stage on a real Redis, with the receive time as a parameter (the day
rolls over without sleeping): caps per day, a full site answered locally, two processes'
worth of admission sharing one set, the local cache bounded."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import redis

from collector import metrics
from collector.cardinality import DAY_MS, OTHER
from collector.cardinality.admission import Admission
from collector.cardinality.cache import AdmittedCache
from collector.cardinality.fold import CardinalityFold
from collector.context import BeaconContext
from collector.wire import BEACON_DECODER
from tests.collector.beacons import beacon
from vitalscope.config.collector import CardinalityLimits
from vitalscope.redisstore import keys
from vitalscope.redisstore.embedded import EmbeddedRedis
from vitalscope.sites import Site

LIMITS = CardinalityLimits(page_groups=3, server_timing_names=4, tag_keys=2, tag_values=3)
DAY = 20_000 * DAY_MS + 5_000


def _rows(*pairs: tuple[str, str]) -> list[list[Any]]:
    """server_timings rows (collector/tables.py order) with page group and name set."""
    return [["shop", "api", "0.000", "0.000", f"e{i}", "", "", group, "", name, 1.0, "", "",
             0, "", "", "", ""] for i, (group, name) in enumerate(pairs)]


def _lookups() -> float:
    return float(metrics.CARDINALITY_LOOKUPS._value.get())


def _fold(url: str, **per_site: CardinalityLimits) -> CardinalityFold:
    return CardinalityFold(Admission(url, LIMITS, per_site, 10_000))


def test_caps_hold_per_day_and_a_new_day_starts_empty(
        redis_server: EmbeddedRedis, redis_client: redis.Redis) -> None:
    async def run() -> list[list[list[Any]]]:
        fold = _fold(redis_server.url)
        out = []
        for received in (DAY, DAY + 3_600_000, DAY + DAY_MS):
            rows = _rows(*((f"/g{i}", f"n{i}") for i in range(6)))
            await fold.server_timing_rows("shop", received, rows)
            out.append(rows)
        await fold.admission.stop()
        return out

    first, later, next_day = asyncio.run(run())
    assert [r[7] for r in first] == ["/g0", "/g1", "/g2", OTHER, OTHER, OTHER]
    assert [r[9] for r in first] == ["n0", "n1", "n2", "n3", OTHER, OTHER]
    assert [r[7] for r in later] == [r[7] for r in first]  # same day: same answer
    assert [r[7] for r in next_day] == ["/g0", "/g1", "/g2", OTHER, OTHER, OTHER]
    ttl = redis_client.ttl(keys.cardinality_set("shop", "page_group", DAY // DAY_MS))
    assert ttl > DAY_MS // 1000


def test_releases_of_the_server_timings_api_are_capped(redis_server: EmbeddedRedis) -> None:
    async def run() -> list[list[Any]]:
        fold = _fold(redis_server.url, shop=CardinalityLimits(releases=2))
        rows = _rows(*(("/g0", "n0") for _ in range(4)))
        for i, row in enumerate(rows):
            row[-1] = f"r{i}"
        await fold.server_timing_rows("shop", DAY, rows)
        await fold.admission.stop()
        return rows

    assert [row[-1] for row in asyncio.run(run())] == ["r0", "r1", OTHER, OTHER]


def test_a_full_site_is_answered_locally_and_admitted_values_stay(
        redis_server: EmbeddedRedis, redis_client: redis.Redis) -> None:
    async def run() -> tuple[float, list[str], list[str]]:
        fold = _fold(redis_server.url)
        await fold.server_timing_rows("shop", DAY, _rows(*((f"/g{i}", "n") for i in range(4))))
        calls = _lookups()
        flood = _rows(*((f"/new{i}", "n") for i in range(500)))
        for start in range(0, 500, 50):
            await fold.server_timing_rows("shop", DAY, flood[start:start + 50])
        known = _rows(("/g1", "n"), ("/g0", "n"), ("/new-again", "n"))
        await fold.server_timing_rows("shop", DAY, known)
        await fold.admission.stop()
        return _lookups() - calls, [r[7] for r in flood], [r[7] for r in known]

    calls, flood, known = asyncio.run(run())
    assert calls == 0  # a flood of new values against a full cap costs no Redis call
    assert set(flood) == {OTHER}
    assert known == ["/g1", "/g0", OTHER]


def test_two_processes_share_one_cap_and_learn_each_others_values(
        redis_server: EmbeddedRedis, redis_client: redis.Redis) -> None:
    async def run() -> tuple[list[str], list[str], list[str]]:
        a, b = _fold(redis_server.url), _fold(redis_server.url)
        first = _rows(("/a1", "n"), ("/a2", "n"))
        await a.server_timing_rows("shop", DAY, first)
        second = _rows(("/b1", "n"), ("/b2", "n"), ("/a1", "n"))
        await b.server_timing_rows("shop", DAY, second)
        # A learns that the set is full and which values it holds: B's are stored as such.
        third = _rows(("/b1", "n"), ("/a3", "n"), ("/a2", "n"))
        await a.server_timing_rows("shop", DAY, third)
        await a.admission.stop()
        await b.admission.stop()
        return [r[7] for r in first], [r[7] for r in second], [r[7] for r in third]

    first, second, third = asyncio.run(run())
    assert first == ["/a1", "/a2"]
    assert second == ["/b1", OTHER, "/a1"]
    assert third == ["/b1", OTHER, "/a2"]


def test_tags_past_a_cap_fold_into_other_and_per_site_caps_apply(
        redis_server: EmbeddedRedis, redis_client: redis.Redis) -> None:
    def context(site: str, tags: dict[str, str]) -> BeaconContext:
        body, kinds = BEACON_DECODER.decode_sorted(json.dumps(beacon(tags=tags)))
        ctx = BeaconContext(Site(name=site, public_key="k", server_key_hash=""), body, kinds,
                            DAY)
        ctx.page_group = "/p"
        return ctx

    async def run() -> list[dict[str, str]]:
        fold = _fold(redis_server.url, big=CardinalityLimits(tag_keys=100, tag_values=100))
        # An override names what differs; the other caps are the default ones.
        assert fold.admission.limits("big").page_groups == LIMITS.page_groups
        out = []
        for site, tags in (("shop", {"a": "1", "b": "2", "c": "3"}),
                           ("shop", {"a": "4", "b": "2", "d": "5"}),
                           ("big", {f"k{i}": str(i) for i in range(10)})):
            ctx = context(site, tags)
            await fold.beacon(ctx)
            assert ctx.beacon.tags is not None
            out.append(ctx.beacon.tags)
        await fold.admission.stop()
        return out

    shop1, shop2, big = asyncio.run(run())
    assert shop1 == {"a": "1", "b": "2", OTHER: OTHER}
    assert shop2 == {"a": OTHER, "b": "2", OTHER: OTHER}
    assert big == {f"k{i}": str(i) for i in range(10)}


def test_the_local_cache_is_bounded() -> None:
    cache = AdmittedCache(max_values=100)
    for day in range(10):
        entry = cache.get("shop", day)
        cache.learn(entry, "page_group", [f"/g{i}" for i in range(30)], full=False)
        assert len(cache) <= 100
    assert cache.get("shop", 9).admitted["page_group"]  # the newest day is kept
    assert not cache.get("shop", 0).admitted["page_group"]  # the oldest was forgotten


def test_long_values_count_by_their_length_in_the_local_cache() -> None:
    """Script URLs may have 2,048 characters: counting them one each would let the bound
    hold 8x the memory it says."""
    cache = AdmittedCache(max_values=1000)
    entry = cache.get("shop", 1)
    cache.learn(entry, "script", [f"https://cdn.example/{i:04}/" + "a" * 2020
                                  for i in range(30)], full=False)
    assert len(cache) == 30 * 8
    cache.learn(entry, "script", [f"https://cdn.example/{0:04}/" + "a" * 2020], full=False)
    assert len(cache) == 30 * 8  # a value already known counts once
    for day in range(2, 8):
        cache.learn(cache.get("shop", day), "script",
                    [f"https://cdn.example/{day}/{i}/" + "b" * 2000 for i in range(30)],
                    full=False)
        assert len(cache) <= 1000
    assert not cache.get("shop", 1).admitted["script"]  # forgotten, oldest first


def test_a_burst_of_requests_with_unseen_values_waits_for_a_connection(
        redis_server: EmbeddedRedis) -> None:
    """A cold start (or a flood of new values) sends more concurrent lookups than the pool has
    connections: each waits for one instead of failing with 503."""
    async def run() -> list[list[list[Any]]]:
        fold = _fold(redis_server.url)
        batches = [_rows((f"/g{i % 2}", f"n{i % 3}")) for i in range(200)]
        await asyncio.gather(*(fold.server_timing_rows("burst", DAY, rows)
                               for rows in batches))
        await fold.admission.stop()
        return batches

    batches = asyncio.run(run())
    assert {(rows[0][7], rows[0][9]) for rows in batches} == {
        (f"/g{i % 2}", f"n{i % 3}") for i in range(6)}


def test_concurrent_requests_with_the_same_new_values_ask_redis_once_per_value(
        redis_server: EmbeddedRedis) -> None:
    """A cold start sends the same few new values in many concurrent requests: one lookup per
    value goes to Redis, the other requests wait for its answer (and learn the same verdict)."""
    async def run() -> list[Any]:
        fold = _fold(redis_server.url)
        rows = [_rows((f"/g{i % 2}", f"n{i % 3}")) for i in range(100)]
        try:
            return await asyncio.gather(*(fold.server_timing_rows("coalesce", DAY, r)
                                          for r in rows))
        finally:
            await fold.admission.stop()

    before = _lookups()
    asyncio.run(run())
    # Two groups and three names are five values: at most one call each (fewer when one
    # call carries several), never one per request.
    assert 1 <= _lookups() - before <= 5
