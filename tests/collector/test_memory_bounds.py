"""Memory has a bound: beacons built to expand are refused past `max_entry_bytes`, the stream
is capped in bytes (counted exactly), Redis at maxmemory answers 503 without losing anything
accepted, flush batches are sized in bytes, and deduplication claims stay within their
documented footprint."""

from __future__ import annotations

import asyncio
import gzip
import json
import os
from pathlib import Path
from typing import Any

import httpx
import redis
import redis.asyncio as aioredis
from clickhouse_connect.driver.client import Client
from prometheus_client import REGISTRY

from bench.hostile_beacons import expanding_beacon, gzipped
from collector.appender import MAX_BYTES_PER_CALL
from collector.flusher.claims import CLAIM_BYTES, ClaimWindows
from tests.collector.beacons import CHROME_UA, beacon
from tests.collector.conftest import KEY, ORIGIN, OTHER_KEY, TEST_SITES, with_collector
from tests.collector.harness import InProcessCollector, collector_runtime
from tests.collector.queue import wait_drained
from tests.support.redis_replies import as_bytes, stream
from vitalscope.config import Settings
from vitalscope.redisstore import keys
from vitalscope.redisstore.client import sync_client
from vitalscope.redisstore.embedded import EmbeddedRedis
from vitalscope.sites import SiteRepository

HEADERS = {"Origin": ORIGIN, "User-Agent": CHROME_UA, "Content-Type": "text/plain"}
MIB = 1024 * 1024
# Vitals of the large beacons these tests send: 20 rows of ~9.7 KB, an entry of ~195 KB,
# under the default max_entry_bytes (256 KiB).
LARGE = 20


def _post(client: httpx.Client, body: dict[str, Any], key: str = KEY) -> httpx.Response:
    return client.post(f"/v1/beacon?k={key}", content=gzipped(body),
                       headers={**HEADERS, "Content-Encoding": "gzip"})


def _count(client: Client, sql: str) -> int:
    return int(client.query(sql).result_rows[0][0])


def _queued_bytes(client: redis.Redis) -> tuple[int, int]:
    """The byte count the collector keeps, and the bytes of the entries really queued."""
    counted = int(client.get(keys.STREAM_BYTES) or 0)
    stored = sum(len(fields[b"b"]) for _, fields in stream(client, keys.STREAM))
    return counted, stored


def _site_bytes(client: redis.Redis) -> dict[str, int]:
    return {as_bytes(k).decode(): int(v)
            for k, v in client.hgetall(keys.STREAM_SITE_BYTES).items()}


def test_one_site_cannot_fill_the_queue_for_the_others(
        settings: Settings, sites: Client, redis_client: redis.Redis) -> None:
    """A flood on one public key while nothing drains (ClickHouse down, say): that site
    stops at its share of the queue (`stream_site_share`, 0.5 by default), another site's
    beacons still go in, and the counts per site drain with the queue."""
    configured = with_collector(settings, stream_max_bytes=MIB)
    runtime = collector_runtime(configured)
    with InProcessCollector(runtime) as server, httpx.Client(base_url=server.url) as client:
        flood = [_post(client, expanding_beacon(LARGE)) for _ in range(8)]  # ~195 KB each
        blog = [_post(client, expanding_beacon(LARGE), OTHER_KEY) for _ in range(2)]
        metrics = client.get("/metrics").text
    runtime.close()
    statuses = [answer.status_code for answer in flood]
    assert statuses == [204, 204] + [503] * 6  # 2 x ~195 KB fit in half of 1 MiB
    refused = flood[-1]
    assert refused.json()["error"] == "queue_full_site"
    assert "collector.stream_site_share" in refused.json()["message"]
    assert int(refused.headers["retry-after"]) >= 1
    assert 'vitalscope_ingest_rejected_total{reason="queue_full_site"}' in metrics
    assert [answer.status_code for answer in blog] == [204, 204]
    per_site = _site_bytes(redis_client)
    counted, stored = _queued_bytes(redis_client)
    assert set(per_site) == {keys.site_bucket("shop"), keys.site_bucket("blog")}
    assert sum(per_site.values()) == counted == stored
    assert per_site[keys.site_bucket("shop")] <= MIB // 2

    runtime = collector_runtime(configured)
    with InProcessCollector(runtime, with_flusher=True) as server:
        wait_drained(redis_client)
        assert _site_bytes(redis_client) == {}
        with httpx.Client(base_url=server.url) as client:
            assert _post(client, expanding_beacon(LARGE)).status_code == 204
        wait_drained(redis_client)
    runtime.close()
    assert _count(sites, "SELECT count() FROM page_views") == 5  # 2 + 2, then 1


def test_a_single_site_may_fill_the_whole_queue(
        settings: Settings, clickhouse: Client, redis_client: redis.Redis) -> None:
    """With one site that may send (a disabled one does not count) there is nobody to keep
    room for."""
    SiteRepository(clickhouse).sync_declared([TEST_SITES[0], TEST_SITES[2]])
    runtime = collector_runtime(with_collector(settings, stream_max_bytes=MIB))
    with InProcessCollector(runtime) as server, httpx.Client(base_url=server.url) as client:
        statuses = [_post(client, expanding_beacon(LARGE)).status_code for _ in range(6)]
    runtime.close()
    assert statuses.count(204) >= 4 and statuses[-1] == 503


def test_a_beacon_that_would_expand_past_max_entry_bytes_is_refused(
        running_without_flusher: InProcessCollector, redis_client: redis.Redis) -> None:
    hostile = expanding_beacon()
    wire = gzipped(hostile)
    with httpx.Client(base_url=running_without_flusher.url) as client:
        answer = _post(client, hostile)
        # Just past the bound on exact size (rows built and measured), not only the floor.
        exact = _post(client, expanding_beacon(28))
        fits = _post(client, expanding_beacon(LARGE))
    assert len(wire) < 1024  # a small request...
    assert answer.status_code == 413, answer.text  # ...that would have become ~2 MB
    assert answer.json()["error"] == "entry_too_large"
    assert "collector.max_entry_bytes (262144)" in answer.json()["message"]
    assert exact.status_code == 413 and "at least" not in exact.json()["message"]
    assert fits.status_code == 204
    assert redis_client.xlen(keys.STREAM) == 1
    counted, stored = _queued_bytes(redis_client)
    assert counted == stored <= 256 * 1024


def test_the_stream_is_capped_in_bytes_and_drains_to_zero(
        settings: Settings, sites: Client, redis_client: redis.Redis) -> None:
    # The whole cap to one site: this is about the stream's own bound.
    configured = with_collector(settings, stream_max_bytes=MIB, stream_site_share=1.0)
    runtime = collector_runtime(configured)
    statuses: list[int] = []
    with InProcessCollector(runtime) as server, httpx.Client(base_url=server.url) as client:
        for _ in range(12):  # ~195 KB each: 5 fit in 1 MiB
            answer = _post(client, expanding_beacon(LARGE))
            statuses.append(answer.status_code)
            if answer.status_code == 503:
                full = answer
        typical = _post(client, beacon())  # small, but the stream is still over its bytes
        metrics = client.get("/metrics").text
    runtime.close()
    accepted = statuses.count(204)
    assert statuses == [204] * accepted + [503] * (12 - accepted) and 4 <= accepted <= 5
    assert full.json()["error"] == "queue_full_bytes"
    assert "stream_max_bytes" in full.json()["message"]
    assert int(full.headers["retry-after"]) >= 1
    assert 'vitalscope_ingest_rejected_total{reason="queue_full_bytes"}' in metrics
    counted, stored = _queued_bytes(redis_client)
    assert counted == stored <= MIB
    assert counted + 190_000 > MIB  # refused because the next one would not fit
    if typical.status_code == 503:
        assert counted + 1500 > MIB

    runtime = collector_runtime(configured)
    with InProcessCollector(runtime, with_flusher=True) as server:
        wait_drained(redis_client)
        assert _queued_bytes(redis_client)[0] == 0
        with httpx.Client(base_url=server.url) as client:
            assert _post(client, expanding_beacon(LARGE)).status_code == 204
        wait_drained(redis_client)
    runtime.close()
    stored_views = accepted + 1 + (typical.status_code == 204)
    assert _count(sites, "SELECT count() FROM page_views") == stored_views
    assert int(redis_client.get(keys.STREAM_BYTES) or 0) == 0


def _counted_memory(client: redis.Redis) -> int:
    """The memory `maxmemory` holds: `used_memory` without the AOF and replica buffers.
    The AOF buffer can hold megabytes of recent writes while a slow disk delays its
    write-out; counting it, the ballast below stopped megabytes short of its mark."""
    memory = client.info("memory")
    return int(memory["used_memory"]) - int(memory["mem_not_counted_for_evict"])


def test_redis_at_maxmemory_answers_503_and_loses_nothing_accepted(
        settings: Settings, sites: Client, tmp_path: Path) -> None:
    own = EmbeddedRedis(tmp_path / "redis", maxmemory_mib=32)
    own.start()
    check = sync_client(own.url)
    configured = with_collector(settings, stream_max_bytes=64 * MIB)
    try:
        assert check.config_get("maxmemory")["maxmemory"] == str(32 * MIB)
        assert check.config_get("maxmemory-policy")["maxmemory-policy"] == "noeviction"
        # Something else fills Redis to 4 MiB under its limit.
        while _counted_memory(check) < 28 * MIB:
            check.append("ballast", b"x" * (256 * 1024))
        runtime = collector_runtime(configured, redis_url=own.url)
        statuses: list[int] = []
        with InProcessCollector(runtime) as server, httpx.Client(base_url=server.url) as client:
            for _ in range(80):  # ~193 KB each: 15 MB at most, past the 4 MiB left
                answer = _post(client, expanding_beacon(LARGE))
                statuses.append(answer.status_code)
                if answer.status_code != 204:
                    refused = answer
                    break
            # A small one may fit again (the refused request's buffers were freed): either way
            # an answer, and what is accepted is stored.
            small = _post(client, beacon()).status_code
            assert client.get("/healthz").status_code == 200
        runtime.close()
        accepted = statuses.count(204)
        assert accepted >= 1 and statuses[-1] == 503, statuses
        assert refused.json()["error"] == "queue_out_of_memory"
        assert int(refused.headers["retry-after"]) >= 1
        assert small in (204, 503)

        check.delete("ballast")  # the operator makes room; the flusher drains
        runtime = collector_runtime(configured, redis_url=own.url)
        with InProcessCollector(runtime, with_flusher=True):
            wait_drained(check)
        runtime.close()
        extra = small == 204
        assert _count(sites, "SELECT count() FROM page_views") == accepted + extra
        assert _count(sites, "SELECT count() FROM vitals") == accepted * LARGE + 5 * extra
        assert int(check.get(keys.STREAM_BYTES) or 0) == 0
    finally:
        check.close()
        own.stop()


def _histogram(name: str, table: str, le: str) -> float:
    return REGISTRY.get_sample_value(f"vitalscope_flush_batch_rows_{name}",
                                     {"table": table, **({"le": le} if le else {})}) or 0.0


def test_flush_batches_respect_flush_max_bytes(
        settings: Settings, sites: Client, redis_client: redis.Redis) -> None:
    configured = with_collector(settings, flush_max_bytes=512 * 1024, flush_interval_s=1.0)
    runtime = collector_runtime(configured)
    with InProcessCollector(runtime) as server, httpx.Client(base_url=server.url) as client:
        assert all(_post(client, expanding_beacon(LARGE)).status_code == 204 for _ in range(30))
    runtime.close()
    counts = {le: _histogram("bucket", "vitals", le) for le in ("100.0", "+Inf")}
    total = _histogram("sum", "vitals", "")

    runtime = collector_runtime(configured)
    with InProcessCollector(runtime, with_flusher=True):
        wait_drained(redis_client)
    runtime.close()
    inserts = _histogram("bucket", "vitals", "+Inf") - counts["+Inf"]
    small = _histogram("bucket", "vitals", "100.0") - counts["100.0"]
    assert _histogram("sum", "vitals", "") - total == 30 * LARGE
    # ~195 KB an entry: a batch stops at the third (passing 512 KiB), 60 rows; one batch of
    # all 30 entries (600 rows) is what flush_max_entries alone would make.
    assert inserts >= 10 and small == inserts
    assert _count(sites, "SELECT count() FROM vitals") == 30 * LARGE


def _claim_all(url: str, windows: ClaimWindows, batches: list[list[bytes]]) -> list[int]:
    async def run() -> list[int]:
        client = aioredis.Redis.from_url(url)
        try:
            kept: list[int] = []
            for digests in batches:
                kept += await windows.claim(client, os.urandom(8), digests)
            return kept
        finally:
            await client.aclose()

    return asyncio.run(run())


def test_deduplication_claims_stay_within_their_documented_footprint(
        redis_server: EmbeddedRedis, redis_client: redis.Redis) -> None:
    windows = ClaimWindows(window_s=3600, max_events=20_000)
    before = int(redis_client.info("memory")["used_memory"])
    batches = [[os.urandom(12) for _ in range(2000)] for _ in range(40)]  # 80,000 events
    assert set(_claim_all(redis_server.url, windows, batches)) == {1}
    grown = int(redis_client.info("memory")["used_memory"]) - before

    shards = [as_bytes(key) for key in redis_client.keys(keys.SEEN + "*")]
    assert len({key.split(b":")[-2] for key in shards}) == 2  # current and previous window
    claims = sum(redis_client.hlen(key) for key in shards)
    assert claims == 2 * 20_000
    assert grown <= windows.max_bytes == 2 * 20_000 * CLAIM_BYTES
    # The newest claims still catch copies; the oldest windows are gone.
    recent = _claim_all(redis_server.url, windows, [batches[-1][:100], batches[0][:100]])
    assert recent == [0] * 100 + [1] * 100


def test_serve_runs_redis_with_maxmemory_and_survives_an_expansion_flood(
        serve_factory: Any, tmp_path: Path) -> None:
    config = tmp_path / "vitalscope.yaml"
    config.write_text(json.dumps({
        "sites": [{"name": "shop", "origins": [ORIGIN], "key": KEY}],
        "redis_maxmemory_mib": 64,
        "collector": {"stream_max_bytes": 8 * MIB, "flush_max_bytes": 2 * MIB,
                      "flush_interval_s": 0.3,
                      "client_rate_limit": {"per_second": 10000, "burst": 10000}},
    }))
    server = serve_factory(extra_args=["--config", str(config)]).start(timeout=180)
    from vitalscope.datadir import DataDir

    own = sync_client(EmbeddedRedis(DataDir(server.data).redis_dir).url)
    assert own.config_get("maxmemory")["maxmemory"] == str(64 * MIB)
    assert own.config_get("maxmemory-policy")["maxmemory-policy"] == "noeviction"
    base = int(own.info("memory")["used_memory"])
    peak = 0
    statuses: list[int] = []
    hostile = [gzip.compress(json.dumps(expanding_beacon()).encode()) for _ in range(5)]
    with httpx.Client(base_url=server.url, timeout=10) as client:
        for i in range(200):
            if i % 2:
                answer = _post(client, expanding_beacon(LARGE))
            else:
                answer = client.post(f"/v1/beacon?k={KEY}", content=hostile[i % 5], headers={
                    **HEADERS, "Content-Encoding": "gzip"})
                assert answer.status_code == 413
            statuses.append(answer.status_code)
            if answer.status_code == 503:
                assert answer.json()["error"] == "queue_full_bytes"
                assert int(answer.headers["retry-after"]) >= 1
            peak = max(peak, int(own.info("memory")["used_memory"]) - base)
        assert set(statuses) <= {204, 413, 503}
        # The bound of docs/collector.md: the stream (its byte cap, plus Redis's overhead per
        # entry), a flush batch being read, one append call, the claims of accepted events.
        bound = 8 * MIB * 1.15 + 2 * MIB + MAX_BYTES_PER_CALL + \
            statuses.count(204) * LARGE * CLAIM_BYTES
        assert peak < bound, (peak, bound)
        assert client.get("/readyz").status_code == 200
        # Normal beacons land again once the flusher has drained what was queued.
        wait_drained(own)
        assert client.post(f"/v1/beacon?k={KEY}", content=json.dumps(beacon()),
                           headers=HEADERS).status_code == 204
    own.close()
    assert server.stop() == 0
    assert "Traceback" not in server.logs()
