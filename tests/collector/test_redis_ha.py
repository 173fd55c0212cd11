"""Ingest through Redis with high availability (docs/redis-ha.md): the collector and the
flusher on the master of a Sentinel service and on a Redis Cluster of three masters, and a
master killed during ingest with a replica promoted. Real redis-servers and sentinels on
loopback (tests/support/redis_ha.py), started once per module."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import redis
from clickhouse_connect.driver.client import Client
from pydantic import SecretStr

from tests.collector.beacons import CHROME_UA, beacon, event_ids
from tests.collector.conftest import KEY, ORIGIN, with_collector
from tests.collector.harness import InProcessCollector, collector_runtime
from tests.collector.queue import wait_drained
from tests.support import redis_ha
from vitalscope.config import Settings
from vitalscope.redisstore import keys
from vitalscope.redisstore.client import sync_client

HEADERS = {"Origin": ORIGIN, "User-Agent": CHROME_UA, "Content-Type": "text/plain"}


@pytest.fixture(scope="module")
def sentinel(tmp_path_factory: pytest.TempPathFactory) -> Iterator[redis_ha.RedisHA]:
    setup = redis_ha.sentinel(tmp_path_factory.mktemp("sentinel"))
    yield setup
    setup.stop()


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[redis_ha.RedisHA]:
    setup = redis_ha.cluster(tmp_path_factory.mktemp("cluster"))
    yield setup
    setup.stop()


def _on(settings: Settings, url: str, **collector: Any) -> Settings:
    return with_collector(settings.model_copy(update={"redis_url": SecretStr(url)}),
                          **collector)


def _post(client: httpx.Client, body: dict[str, Any]) -> httpx.Response:
    return client.post(f"/v1/beacon?k={KEY}", json=body, headers=HEADERS)


def _stored(clickhouse: Client) -> tuple[int, set[str]]:
    rows = clickhouse.query("SELECT event_id FROM vitals").result_rows
    return len(rows), {str(row[0]) for row in rows}


def _every_kind(i: int) -> dict[str, Any]:
    """A beacon whose page group, server-timing names, tags, release, attribution target,
    script and error are new: the cardinality check asks Redis about every kind at once."""
    body = beacon(n_vitals=3, n_timings=2, errors=1, grp=f"/g/{i}", rel=f"r{i}",
                  tags={f"k{i}": f"v{i}"})
    vital = next(e for e in body["e"] if e["t"] == "vital")
    vital["a"] = {"tgt": f"#t{i}", "scr": {"url": f"https://shop.example/s{i}.js"}}
    for event in body["e"]:
        if event["t"] == "st":
            event["n"] = f"{event['n']}-{i}"
        elif event["t"] == "err":
            event["msg"] = f"TypeError: x{i} is undefined"
    return body


def _ingest_through(url: str, settings: Settings, clickhouse: Client, **collector: Any) -> None:
    """30 beacons through the collector, flushed; each event stored exactly once."""
    check = sync_client(url)
    check.flushall()
    runtime = collector_runtime(_on(settings, url, **collector))
    sent: set[str] = set()
    try:
        with InProcessCollector(runtime, with_flusher=True) as server, httpx.Client(
                base_url=server.url, timeout=10) as client:
            for i in range(30):
                body = _every_kind(i)
                answer = _post(client, body)
                assert answer.status_code == 204, answer.text
                sent |= {e["id"] for e in body["e"] if e["t"] == "vital"}
            wait_drained(check)
            assert int(check.get(keys.site_generation("shop")) or 0) >= 1
            health = client.get("/readyz")
            assert health.status_code == 200, health.text
    finally:
        runtime.close()
        check.close()
    count, ids = _stored(clickhouse)
    assert ids == sent
    assert count == len(sent)


def test_ingest_through_a_sentinel_master(sentinel: redis_ha.RedisHA, settings: Settings,
                                          sites: Client) -> None:
    _ingest_through(sentinel.url, settings, sites, replica_acks=1)


def test_ingest_through_a_redis_cluster(cluster: redis_ha.RedisHA, settings: Settings,
                                        sites: Client) -> None:
    _ingest_through(cluster.url, settings, sites)
    # The scripts and MULTIs ran on the one slot of `{ingest}`; other keys spread.
    with redis.Redis(port=cluster.nodes[0].port) as node:
        assert node.cluster("keyslot", keys.STREAM) == node.cluster("keyslot", keys.BATCHES)


class _Loader:
    """Posts beacons one after another, sending a refused one again as the SDK does, and
    records every answer."""

    def __init__(self, url: str) -> None:
        self.client = httpx.Client(base_url=url, timeout=10)
        self.answers: list[tuple[float, int, str | None]] = []  # time, status, retry-after
        self.sent: set[str] = set()
        # Requests the collector did not answer within the client's timeout: kept (and the
        # beacon sent again) so a failure names them instead of ending the thread.
        self.unanswered: list[str] = []
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        body: dict[str, Any] | None = None
        while not self.stop.is_set():
            body = body or beacon(n_vitals=2, n_timings=0)
            self.sent |= set(event_ids(body))
            try:
                answer = _post(self.client, body)
            except httpx.HTTPError as exc:
                self.unanswered.append(f"{time.monotonic():.1f}: {exc!r}")
                continue
            self.answers.append((time.monotonic(), answer.status_code,
                                 answer.headers.get("retry-after")))
            if answer.status_code == 204:
                body = None
            else:
                time.sleep(0.05)
        # The last refused beacon, if any, is sent until it is taken.
        while body is not None:
            try:
                if _post(self.client, body).status_code == 204:
                    body = None
                    continue
            except httpx.HTTPError as exc:
                self.unanswered.append(f"{time.monotonic():.1f}: {exc!r}")
            time.sleep(0.1)

    def accepted_after(self, moment: float) -> int:
        return sum(1 for at, status, _ in self.answers if at > moment and status == 204)


def test_a_master_killed_during_ingest(sentinel: redis_ha.RedisHA, settings: Settings,
                                       sites: Client) -> None:
    check = sync_client(sentinel.url)
    check.flushall()
    runtime = collector_runtime(_on(settings, sentinel.url, replica_acks=1))
    try:
        with InProcessCollector(runtime, with_flusher=True) as server:
            loader = _Loader(server.url)
            loader.thread.start()
            deadline = time.monotonic() + 60
            while loader.accepted_after(0) < 20 and time.monotonic() < deadline:
                time.sleep(0.05)
            old = sentinel.master_port()
            killed_at = time.monotonic()
            next(n for n in sentinel.nodes if n.port == old).process.kill()
            while sentinel.master_port() == old and time.monotonic() < deadline:
                time.sleep(0.05)
            promoted_at = time.monotonic()
            # Recovered by itself: beacons are taken again through the new master.
            while loader.accepted_after(promoted_at) < 20 and time.monotonic() < deadline:
                time.sleep(0.05)
            loader.stop.set()
            loader.thread.join(60)
            loader.client.close()
            assert not loader.thread.is_alive()
            timing = (f"killed at {killed_at:.1f}, promoted at {promoted_at:.1f}, "
                      f"unanswered: {loader.unanswered[:5]}")
            assert loader.accepted_after(promoted_at) >= 20, (timing, loader.answers[-5:])
            assert not loader.unanswered, timing
            wait_drained(check)
    finally:
        runtime.close()
        check.close()
    statuses = {status for _, status, _ in loader.answers}
    assert statuses <= {204, 503}, statuses  # never a 500
    during = [(status, retry) for at, status, retry in loader.answers if at > killed_at]
    refused = [retry for status, retry in during if status == 503]
    assert refused, "the collector answered 503 while there was no master"
    assert all(retry is not None and int(retry) >= 1 for retry in refused)
    # What docs/redis-ha.md says a failover loses with replica_acks = 1: no beacon answered
    # 204, and a beacon answered 503 and sent again is stored once.
    count, ids = _stored(sites)
    assert ids == loader.sent
    assert count == len(loader.sent)
