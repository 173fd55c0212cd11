"""A `vitalscope serve` with one site, and what the edge tests ask of it."""

from __future__ import annotations

import json
import time
from pathlib import Path

import httpx

from tests.collector.beacons import CHROME_UA, beacon
from tests.support.serve import ServeProcess

KEY = "pk_test_edge_0001"
ORIGIN = "https://shop.example"


def write_config(path: Path, **http: object) -> Path:
    path.write_text(json.dumps({
        "sites": [{"name": "shop", "origins": [ORIGIN], "key": KEY}],
        "collector": {"flush_interval_s": 0.3,
                      "client_rate_limit": {"per_second": 10000, "burst": 10000}},
        "http": http,
    }))
    return path


def samples(server: ServeProcess) -> int:
    answer = httpx.get(server.url + "/api/v1/overview", params={"site": "shop", "range": "1h"},
                       headers={"Authorization": f"Bearer {server.admin_token()}"}, timeout=10)
    assert answer.status_code == 200, answer.text
    metrics = answer.json()["metrics"]
    return max((int(m["samples"]) for m in metrics), default=0)


def send_beacon_and_wait_landed(server: ServeProcess) -> None:
    """A normal beacon is answered 204 and becomes visible in ClickHouse (polled)."""
    before = samples(server)
    answer = httpx.post(f"{server.url}/v1/beacon?k={KEY}", content=json.dumps(beacon()),
                        headers={"Origin": ORIGIN, "User-Agent": CHROME_UA,
                                 "Content-Type": "text/plain;charset=UTF-8"}, timeout=10)
    assert answer.status_code == 204, answer.text
    deadline = time.monotonic() + 30
    while samples(server) <= before:
        assert time.monotonic() < deadline, "the beacon never reached ClickHouse"
        time.sleep(0.2)


def beacon_head(length: int) -> bytes:
    return (f"POST /v1/beacon?k={KEY} HTTP/1.1\r\nHost: 127.0.0.1\r\nOrigin: {ORIGIN}\r\n"
            f"User-Agent: {CHROME_UA}\r\nContent-Type: text/plain;charset=UTF-8\r\n"
            f"Content-Length: {length}\r\n\r\n").encode()
