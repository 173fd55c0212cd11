"""An event sent again (its beacon's answer was lost, so the SDK kept and resent it; a backend
retried a batch) is stored once, whether the copy comes in a later batch or the same one; a
batch replayed after a crash keeps the events it claimed."""

from __future__ import annotations

import asyncio
import copy
import json
import time
from typing import Any

import httpx
import msgspec
import redis
import redis.asyncio as aioredis
from clickhouse_connect.driver.client import Client

from collector.flusher.dedup import Deduplicator
from collector.payload import Entry, ch_time, decode_entry, encode_entry
from tests.collector.beacons import CHROME_UA, beacon, event_ids, new_id
from tests.collector.conftest import KEY, ORIGIN, SERVER_KEY
from tests.collector.harness import InProcessCollector
from tests.collector.queue import wait_drained
from tests.support.ingest_metrics import metric_value
from vitalscope.redisstore import keys
from vitalscope.redisstore.embedded import EmbeddedRedis

HEADERS = {"Origin": ORIGIN, "User-Agent": CHROME_UA, "Content-Type": "text/plain"}


def _post(client: httpx.Client, body: dict[str, Any]) -> None:
    answer = client.post(f"/v1/beacon?k={KEY}", content=json.dumps(body), headers=HEADERS)
    assert answer.status_code == 204, answer.text


def _stored_ids(sites: Client) -> list[str]:
    return sorted(str(r[0]) for r in sites.query(
        "SELECT event_id FROM vitals UNION ALL SELECT event_id FROM server_timings "
        "UNION ALL SELECT event_id FROM js_errors").result_rows)


def test_a_resent_beacon_is_stored_once(running: InProcessCollector, sites: Client,
                                        redis_client: redis.Redis) -> None:
    first = beacon(n_vitals=3, n_timings=2, errors=1)
    # The resend carries the kept events and one that happened since.
    resent = copy.deepcopy(first)
    later = {"t": "vital", "id": new_id("v"), "ts": resent["e"][0]["ts"], "n": "CLS",
             "val": 0.2}
    resent["e"].append(later)
    with httpx.Client(base_url=running.url) as client:
        # The counter is the process's: earlier tests in this worker may have counted some.
        before = client.get("/metrics").text
        _post(client, first)
        wait_drained(redis_client)
        _post(client, resent)
        # Copies inside one batch: the same beacon twice before the flusher reads either.
        twice = beacon(n_vitals=2, n_timings=1)
        _post(client, twice)
        _post(client, twice)
        wait_drained(redis_client)
        metrics = client.get("/metrics").text

    expected = sorted([*event_ids(first), later["id"], *event_ids(twice)])
    assert _stored_ids(sites) == expected
    samples = sites.query("SELECT sum(samples) FROM vitals_1m").result_rows[0][0]
    assert samples == 3 + 1 + 2  # the rollups count each vital once too
    for table, copies in (("vitals", 5), ("js_errors", 1)):
        counted = (metric_value(metrics, "vitalscope_flush_duplicates_total", table=table)
                   - metric_value(before, "vitalscope_flush_duplicates_total", table=table))
        assert counted == copies, table


def test_a_backend_batch_sent_again_is_stored_once(running: InProcessCollector, sites: Client,
                                                   redis_client: redis.Redis) -> None:
    now = int(time.time() * 1000)
    batch: dict[str, Any] = {"v": 1, "source": "api", "e": [
        {"id": new_id("b"), "ts": now - 1000, "n": "db", "dur": 12.5, "code": 200},
        {"id": new_id("b"), "ts": now - 900, "n": "cache", "desc": "miss", "dur": 1.0}]}
    with httpx.Client(base_url=running.url,
                      headers={"Authorization": f"Bearer {SERVER_KEY}"}) as client:
        for _ in range(2):
            assert client.post("/v1/server-timings", json=batch).status_code == 204
            wait_drained(redis_client)
    assert _stored_ids(sites) == sorted(e["id"] for e in batch["e"])


NOW = ch_time(int(time.time() * 1000))


def _entries(*ids: str, site: str = "shop") -> list[Entry]:
    now = NOW
    rows = [[site, "js", now, now, event_id, "pv", "", "/", "/", "db", 1.0, "", "", 0, "",
             "", "", ""] for event_id in ids]
    return [decode_entry(encode_entry(site, {"server_timings": rows}))]


def _drop(redis_url: str, dedup: Deduplicator, batch_id: str,
          entries: list[Entry]) -> dict[str, int]:
    async def run() -> dict[str, int]:
        client = aioredis.Redis.from_url(redis_url)
        try:
            return await dedup.drop_copies(client, batch_id, entries)
        finally:
            await client.aclose()

    return asyncio.run(run())


def test_a_replayed_batch_keeps_what_it_claimed(redis_server: EmbeddedRedis,
                                                redis_client: redis.Redis) -> None:
    dedup = Deduplicator(window_s=3600)
    claimed = _entries("a", "b")
    assert _drop(redis_server.url, dedup, "batch-1", claimed) == {}
    # The same batch again (the flusher died before acknowledging it): nothing dropped, so
    # the replay's insert is identical and ClickHouse's deduplication token applies.
    replay = _entries("a", "b")
    assert _drop(redis_server.url, dedup, "batch-1", replay) == {}
    assert replay[0].tables == claimed[0].tables
    # Another batch with one old event and one new: the old one goes.
    other = _entries("b", "c")
    assert _drop(redis_server.url, dedup, "batch-2", other) == {"server_timings": 1}
    assert other[0].ids == {"server_timings": ["c"]}
    assert other[0].tables["server_timings"].count(b"\n") == 1
    assert b'"c"' in other[0].tables["server_timings"]
    # The same event id on another site is another event.
    assert _drop(redis_server.url, dedup, "batch-3", _entries("a", site="blog")) == {}


def test_deduplication_can_be_turned_off(redis_server: EmbeddedRedis,
                                         redis_client: redis.Redis) -> None:
    off = Deduplicator(window_s=0)
    assert _drop(redis_server.url, off, "one", _entries("x")) == {}
    assert _drop(redis_server.url, off, "two", _entries("x")) == {}
    assert not redis_client.keys(keys.SEEN + "*")


def _with_ids(body: dict[str, Any], *ids: str) -> dict[str, Any]:
    for event, event_id in zip(body["e"], ids, strict=True):
        event["id"] = event_id
    return body


def test_page_views_reusing_event_ids_are_all_stored(running: InProcessCollector,
                                                     sites: Client,
                                                     redis_client: redis.Redis) -> None:
    # Event ids are unique per page view only (the wire format's example uses `st-1`).
    first = _with_ids(beacon(n_vitals=1, n_timings=1), "v-1", "st-1")
    second = _with_ids(beacon(n_vitals=1, n_timings=1), "v-1", "st-1")
    with httpx.Client(base_url=running.url) as client:
        _post(client, first)
        _post(client, second)
        wait_drained(redis_client)
        _post(client, first)  # the first page view's beacon again: a copy
        wait_drained(redis_client)
    stored = [tuple(row) for row in sites.query(
        "SELECT page_view_id, event_id FROM vitals UNION ALL "
        "SELECT page_view_id, event_id FROM server_timings").result_rows]
    assert sorted(stored) == sorted([(first["pv"], "v-1"), (first["pv"], "st-1"),
                                     (second["pv"], "v-1"), (second["pv"], "st-1")])


def test_a_backend_request_id_scopes_its_event_ids(running: InProcessCollector,
                                                   sites: Client,
                                                   redis_client: redis.Redis) -> None:
    now = int(time.time() * 1000)
    batches = [{"v": 1, "source": "api", "e": [
        {"id": "db", "ts": now - 1000, "n": "db", "dur": 3.0, "req": request}]}
        for request in ("req-1", "req-2")]
    with httpx.Client(base_url=running.url,
                      headers={"Authorization": f"Bearer {SERVER_KEY}"}) as client:
        for batch in [*batches, batches[0]]:
            assert client.post("/v1/server-timings", json=batch).status_code == 204
            wait_drained(redis_client)
    assert sorted(tuple(row) for row in sites.query(
        "SELECT request_id FROM server_timings").result_rows) == [
        ("req-1",), ("req-2",)]


class _OldEntry(msgspec.Struct, array_like=True):
    """An entry as queued before event ids had a scope."""

    site: str
    tables: dict[str, bytes]
    ids: dict[str, list[str]] = {}


def test_entries_queued_before_scopes_are_still_deduplicated(
        redis_server: EmbeddedRedis, redis_client: redis.Redis) -> None:
    new = _entries("a")[0]
    old = decode_entry(msgspec.msgpack.encode(_OldEntry(new.site, new.tables, new.ids)))
    assert old.scopes == {} and old.ids == new.ids
    dedup = Deduplicator(window_s=3600)
    assert _drop(redis_server.url, dedup, "batch-1", [old]) == {}
    again = decode_entry(msgspec.msgpack.encode(_OldEntry(new.site, new.tables, new.ids)))
    assert _drop(redis_server.url, dedup, "batch-2", [again]) == {"server_timings": 1}
