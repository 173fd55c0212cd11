"""/readyz and /metrics tell the queue's truth, read from Redis when asked, also in a
collector that runs no flusher: readiness fails while the oldest unacknowledged entry is
older than `collector.queue_max_age_s`, and comes back once a flusher drains the stream."""

from __future__ import annotations

import json
import time

import httpx
import redis
from clickhouse_connect.driver.client import Client

from tests.collector.beacons import CHROME_UA, beacon
from tests.collector.conftest import KEY, ORIGIN, with_collector
from tests.collector.harness import InProcessCollector, collector_runtime
from tests.collector.queue import wait_drained
from tests.support.ingest_metrics import metric_value
from vitalscope.config import Settings

HEADERS = {"Origin": ORIGIN, "User-Agent": CHROME_UA, "Content-Type": "text/plain"}


def _wait_ready(client: httpx.Client, status: int, timeout: float = 30) -> httpx.Response:
    deadline = time.monotonic() + timeout
    while True:
        answer = client.get("/readyz")
        if answer.status_code == status:
            return answer
        assert time.monotonic() < deadline, answer.text
        time.sleep(0.1)


def test_an_old_unacknowledged_entry_fails_readiness_until_drained(
        settings: Settings, sites: Client, redis_client: redis.Redis) -> None:
    runtime = collector_runtime(with_collector(settings, queue_max_age_s=1.0))
    with InProcessCollector(runtime) as server, httpx.Client(base_url=server.url,
                                                             timeout=10) as client:
        assert client.get("/readyz").json()["queue"]["oldest_age_s"] == 0
        for _ in range(3):
            assert client.post(f"/v1/beacon?k={KEY}", content=json.dumps(beacon()),
                               headers=HEADERS).status_code == 204
        stuck = _wait_ready(client, 503)
        metrics = client.get("/metrics").text
    body = stuck.json()
    assert body["ready"] is False and body["checks"]["redis"] == "ok"
    assert "oldest unacknowledged ingest entry is" in body["checks"]["queue"]
    assert "limit 1 s" in body["checks"]["queue"]
    assert "3 entries in the stream" in body["checks"]["queue"]
    assert metric_value(metrics, "vitalscope_ingest_queue_depth") == 3
    assert metric_value(metrics, "vitalscope_ingest_queue_oldest_age_seconds") > 1.0

    with InProcessCollector(runtime, with_flusher=True) as server, httpx.Client(
            base_url=server.url, timeout=10) as client:
        wait_drained(redis_client)
        ready = _wait_ready(client, 200)
        metrics = client.get("/metrics").text
    runtime.close()
    assert ready.json()["queue"]["pending"] == 0
    assert metric_value(metrics, "vitalscope_ingest_queue_oldest_age_seconds") == 0.0
