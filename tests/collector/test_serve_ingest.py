"""`vitalscope serve` takes beacons and server timings over HTTP and its flusher puts them
into ClickHouse (raw tables and rollups), exactly once, and stops cleanly on SIGTERM."""

from __future__ import annotations

import gzip
import json
import os
import signal
from pathlib import Path

import httpx
import redis

from tests.collector.beacons import CHROME_UA, IPHONE_UA, beacon, new_id
from tests.collector.queue import wait_drained
from tests.support import forked
from tests.support.serve import ServeProcess, clean_env
from vitalscope.redisstore import keys
from vitalscope.redisstore.embedded import EmbeddedRedis

KEY = "pk_test_shop_0001"
SERVER_KEY = "sk_test_shop_secret_0001"
ORIGIN = "https://shop.example"


def write_config(path: Path) -> Path:
    path.write_text(json.dumps({
        "sites": [{"name": "shop", "origins": [ORIGIN], "key": KEY, "server_key": SERVER_KEY}],
        "collector": {"flush_interval_s": 0.3,
                      "client_rate_limit": {"per_second": 10000, "burst": 10000}},
    }))
    return path


def flusher_process(data: Path, redis_url: str, *args: str) -> str:
    done = forked.run(["-m", "tests.collector.flusher_proc", "--data", str(data),
                       "--redis", redis_url, "--database", "vitalscope", *args],
                      env=dict(os.environ), timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_serve_ingests_beacons_and_server_timings_into_clickhouse(
        tmp_path: Path, redis_server: EmbeddedRedis, redis_client: redis.Redis) -> None:
    server = ServeProcess(
        tmp_path / "data", env=clean_env(VITALSCOPE_REDIS_URL=redis_server.url),
        extra_args=["--config", str(write_config(tmp_path / "vitalscope.yaml"))],
    ).start()
    beacons = [beacon(errors=1) for _ in range(30)]
    with httpx.Client(base_url=server.url, timeout=10) as client:
        for i, body in enumerate(beacons):
            raw = json.dumps(body).encode()
            headers = {"Origin": ORIGIN, "User-Agent": IPHONE_UA if i % 2 else CHROME_UA,
                       "Content-Type": ["text/plain;charset=UTF-8", "application/json"][i % 2]}
            if i % 3 == 0:
                raw = gzip.compress(raw)
                headers["Content-Encoding"] = "gzip"
            answer = client.post(f"/v1/beacon?k={KEY}", content=raw, headers=headers)
            assert answer.status_code == 204, answer.text
            assert answer.headers["access-control-allow-origin"] == ORIGIN
        timings = {"v": 1, "source": "api", "e": [
            {"id": new_id("b"), "ts": beacons[0]["sent"], "n": "cache", "desc": "MISS",
             "dur": 2.5, "url": "https://shop.example/cart?id=9", "code": 200},
            {"id": new_id("b"), "ts": beacons[0]["sent"], "n": "db", "dur": 40.0}]}
        answer = client.post("/v1/server-timings", json=timings,
                             headers={"Authorization": f"Bearer {SERVER_KEY}"})
        assert answer.status_code == 204, answer.text
        metrics = client.get("/metrics").text
    assert 'vitalscope_ingest_accepted_total{endpoint="beacon"} 30.0' in metrics
    wait_drained(redis_client)
    assert int(redis_client.get(keys.site_generation("shop")) or 0) >= 1

    # SIGTERM while beacons are still arriving: the batch in flight is inserted and
    # acknowledged before the process ends; what was not read yet stays queued.
    late = [beacon() for _ in range(20)]
    with httpx.Client(base_url=server.url, timeout=10) as client:
        for body in late:
            answer = client.post(f"/v1/beacon?k={KEY}", json=body, headers={
                "Origin": ORIGIN, "User-Agent": CHROME_UA})
            assert answer.status_code == 204
    assert server.stop(signal.SIGTERM) == 0
    logs = server.logs()
    assert "stopped flusher" in logs and "Traceback" not in logs
    assert redis_client.xpending(keys.STREAM, keys.GROUP)["pending"] == 0
    assert redis_client.hlen(keys.BATCHES) == 0

    flusher_process(server.data, redis_server.url)  # a worker flushes what was left
    counts = json.loads(flusher_process(server.data, redis_server.url, "--report"))
    assert counts["page_views"] == [50, 50]
    assert counts["vitals"] == [250, 250]
    assert counts["server_timings"] == [152, 152]
    assert counts["js_errors"] == [30, 30]
    assert counts["vitals_1m"][0] == 250
    assert counts["server_timings_1m"][0] == 152
