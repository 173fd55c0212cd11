"""Nothing accepted is lost or stored twice: ClickHouse gone for a while under load, entries
ClickHouse keeps rejecting, Redis gone, the stream full."""

from __future__ import annotations

import json
import time
from pathlib import Path

import httpx
import redis
from clickhouse_connect.driver.client import Client

from collector.payload import ch_time, encode_entry
from tests.collector.beacons import CHROME_UA, beacon
from tests.collector.conftest import KEY, ORIGIN, with_collector
from tests.collector.harness import InProcessCollector, collector_runtime
from tests.collector.load import Load
from tests.collector.queue import wait_drained
from tests.support.redis_replies import stream
from vitalscope.config import Settings
from vitalscope.redisstore import keys
from vitalscope.redisstore.client import sync_client
from vitalscope.redisstore.embedded import EmbeddedRedis

HEADERS = {"Origin": ORIGIN, "User-Agent": CHROME_UA, "Content-Type": "text/plain"}


def _count(client: Client, sql: str) -> int:
    return int(client.query(sql).result_rows[0][0])


def test_clickhouse_unavailable_under_load_then_exactly_once(
        running: InProcessCollector, sites: Client, redis_client: redis.Redis) -> None:
    load = Load(running.url).start()
    time.sleep(0.5)
    sites.command("DETACH TABLE vitals")  # inserts into vitals now fail for real
    time.sleep(2.0)
    with httpx.Client(base_url=running.url) as client:
        failing = client.get("/metrics").text
    sites.command("ATTACH TABLE vitals")
    time.sleep(0.5)
    load.stop()
    wait_drained(redis_client)

    assert 'vitalscope_flush_insert_failures_total{kind="unavailable",table="vitals"}' in failing
    assert load.accepted > 50 and set(load.statuses) == {204}
    views = _count(sites, "SELECT count() FROM page_views")
    vitals = _count(sites, "SELECT count() FROM vitals")
    timings = _count(sites, "SELECT count() FROM server_timings")
    distinct = _count(sites, "SELECT uniqExact(event_id) FROM vitals") + _count(
        sites, "SELECT uniqExact(event_id) FROM server_timings")
    assert views == load.accepted
    assert vitals + timings == distinct == len(load.accepted_ids) == 3 * load.accepted
    assert _count(sites, "SELECT sum(samples) FROM vitals_1m") == vitals
    assert redis_client.hlen(keys.BATCHES) == 0
    assert redis_client.xlen(keys.DEAD_LETTERS) == 0  # an outage is waited out, not split


def test_entries_clickhouse_keeps_rejecting_go_to_the_dead_letter_stream(
        settings: Settings, sites: Client, redis_client: redis.Redis) -> None:
    runtime = collector_runtime(with_collector(settings, dead_letter_after=2))
    now = ch_time(int(time.time() * 1000))
    good = ["shop", now, now, "pv-good-1", "s", "https://shop.example/", "/", "", "", "", "",
            "", "", "", "", 0.0, 4, 1, 1, "", 0.0, {}]
    bad = [*good[:3], "pv-bad-1", *good[4:15], "lots", *good[16:]]  # device_memory: Float32
    redis_client.xgroup_create(keys.STREAM, keys.GROUP, id="0", mkstream=True)
    redis_client.xadd(keys.STREAM, {"b": encode_entry("shop", {"page_views": [good]})})
    redis_client.xadd(keys.STREAM, {"b": b"\x00not msgpack"})
    redis_client.xadd(keys.STREAM, {"b": encode_entry("shop", {"page_views": [bad]})})
    with InProcessCollector(runtime, with_flusher=True):
        wait_drained(redis_client)
    runtime.close()

    assert sites.query("SELECT page_view_id FROM page_views").result_rows == [("pv-good-1",)]
    letters = stream(redis_client, keys.DEAD_LETTERS)
    reasons = sorted(fields[b"reason"].decode() for _, fields in letters)
    assert len(reasons) == 2
    assert reasons[0].startswith("page_views: DatabaseError: Code: 72") and \
        "device_memory" in reasons[0]
    assert reasons[1].startswith("undecodable entry")


def test_redis_down_gets_a_fast_503_and_the_collector_recovers(
        settings: Settings, sites: Client, tmp_path: Path) -> None:
    own = EmbeddedRedis(tmp_path / "redis")
    own.start()
    runtime = collector_runtime(with_collector(settings), redis_url=own.url)
    try:
        with InProcessCollector(runtime) as server, httpx.Client(
                base_url=server.url, timeout=5) as client:
            def post(timeout: float = 5.0) -> httpx.Response:
                return client.post(f"/v1/beacon?k={KEY}", content=json.dumps(beacon()),
                                   headers=HEADERS, timeout=timeout)

            assert post().status_code == 204
            own.stop()
            # A hang (no short Redis timeouts) would raise ReadTimeout here; how fast the
            # 503 comes is measured by `python -m bench ingest`, not asserted.
            down = post(timeout=1.0)
            assert down.status_code == 503, down.text
            assert down.json()["error"] == "queue_unavailable"
            assert "retry later" in down.json()["message"]
            assert int(down.headers["retry-after"]) >= 1
            assert client.get("/healthz").status_code == 200
            own.start()
            recovered = [post().status_code for _ in range(3)]
            assert recovered[-1] == 204, recovered
        check = sync_client(own.url)
        assert check.xlen(keys.STREAM) >= 2  # the first beacon survived the restart (AOF)
        check.close()
    finally:
        runtime.close()
        own.stop()


def test_full_stream_answers_503_with_retry_after(
        settings: Settings, sites: Client, redis_client: redis.Redis) -> None:
    runtime = collector_runtime(with_collector(settings, stream_max_len=100))
    with InProcessCollector(runtime) as server, httpx.Client(base_url=server.url) as client:
        statuses = [client.post(f"/v1/beacon?k={KEY}", content=json.dumps(beacon()),
                                headers=HEADERS).status_code for _ in range(100)]
        full = client.post(f"/v1/beacon?k={KEY}", content=json.dumps(beacon()),
                           headers=HEADERS)
        metrics = client.get("/metrics").text
    runtime.close()
    assert statuses == [204] * 100
    assert full.status_code == 503 and full.json()["error"] == "queue_full"
    assert int(full.headers["retry-after"]) >= 1
    assert 'vitalscope_ingest_rejected_total{reason="queue_full"}' in metrics
    assert redis_client.xlen(keys.STREAM) == 100
