"""Token buckets per site and per client in Redis: 429 + Retry-After, and one site flooding
at ten times its limit takes nothing from the others."""

from __future__ import annotations

import json
import socket
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import redis
from clickhouse_connect.driver.client import Client

from tests.collector.beacons import CHROME_UA, beacon
from tests.collector.conftest import KEY, ORIGIN, OTHER_KEY, with_collector
from tests.collector.harness import InProcessCollector, collector_runtime
from vitalscope.config import Settings


def _post(client: httpx.Client, key: str, address: str = "198.51.100.1") -> httpx.Response:
    return client.post(f"/v1/beacon?k={key}", content=json.dumps(beacon(n_timings=0)),
                       headers={"Origin": ORIGIN, "User-Agent": CHROME_UA,
                                "Content-Type": "text/plain", "X-Forwarded-For": address})


def test_a_flooding_site_is_limited_and_the_others_are_not(
        settings: Settings, sites: Client, redis_client: redis.Redis) -> None:
    runtime = collector_runtime(with_collector(
        settings, site_rate_limits={"blog": {"per_second": 10, "burst": 20}}))
    with InProcessCollector(runtime) as server, httpx.Client(
            base_url=server.url, timeout=10,
            limits=httpx.Limits(max_connections=20)) as client, ThreadPoolExecutor(8) as pool:
        # The blog sends ten times its burst while the shop sends at its normal pace.
        flood = [pool.submit(_post, client, OTHER_KEY, f"198.51.100.{i % 200}")
                 for i in range(200)]
        shop = [pool.submit(_post, client, KEY, f"203.0.113.{i}") for i in range(60)]
        flood_answers = [f.result() for f in flood]
        shop_answers = [f.result() for f in shop]
    runtime.close()
    assert [a.status_code for a in shop_answers] == [204] * 60
    limited = [a for a in flood_answers if a.status_code == 429]
    accepted = [a for a in flood_answers if a.status_code == 204]
    assert len(limited) + len(accepted) == 200
    assert 20 <= len(accepted) < 100, len(accepted)
    assert all(int(a.headers["retry-after"]) >= 1 for a in limited)
    assert {a.json()["error"] for a in limited} == {"rate_limited_site"}


def test_one_client_is_limited_and_another_is_not(
        settings: Settings, sites: Client, redis_client: redis.Redis) -> None:
    runtime = collector_runtime(with_collector(
        settings, client_rate_limit={"per_second": 2, "burst": 5}))
    with InProcessCollector(runtime) as server, httpx.Client(base_url=server.url) as client:
        noisy = [_post(client, KEY, "198.51.100.7").status_code for _ in range(20)]
        calm = _post(client, KEY, "198.51.100.8")
    runtime.close()
    assert noisy[:5] == [204] * 5
    assert noisy.count(429) >= 10
    assert calm.status_code == 204


def _withheld_body(url: str, key: str, address: str, body: bytes | None = None) -> bytes:
    """A POST from `address` that announces 1,000 bytes and sends `body` (none: nothing),
    over a real socket; the status line, or b"" when no answer came within 5 s."""
    host, port = url.removeprefix("http://").split(":")
    head = (f"POST /v1/beacon?k={key} HTTP/1.1\r\nHost: x\r\nOrigin: {ORIGIN}\r\n"
            f"User-Agent: {CHROME_UA}\r\nContent-Type: text/plain\r\n"
            f"X-Forwarded-For: {address}\r\nContent-Length: 1000\r\n\r\n")
    with socket.create_connection((host, int(port)), timeout=5) as sock:
        sock.sendall(head.encode() + (body or b""))
        try:
            return sock.recv(65536).split(b"\r\n", 1)[0]
        except TimeoutError:
            return b""


def test_an_empty_bucket_refuses_before_the_body_is_read(
        settings: Settings, sites: Client, redis_client: redis.Redis) -> None:
    """Once Redis has found a client's or a site's bucket empty, this process refuses the
    bucket's requests with the same 429 until it holds a token again, before reading their
    bodies: a flood over the limit costs no decoding. A body that never comes gets its 429
    at once, where reading it would wait for the body deadline."""
    runtime = collector_runtime(with_collector(
        settings, client_rate_limit={"per_second": 1, "burst": 2},
        site_rate_limits={"blog": {"per_second": 1, "burst": 2}}))
    with InProcessCollector(runtime) as server, httpx.Client(base_url=server.url) as client:
        first = [_post(client, KEY, "198.51.100.9").status_code for _ in range(3)]
        withheld = _withheld_body(server.url, KEY, "198.51.100.9")
        broken = _withheld_body(server.url, KEY, "198.51.100.9", b"not json" + b" " * 992)
        other_client = _post(client, KEY, "198.51.100.10").status_code
        blog = [_post(client, OTHER_KEY, f"192.0.2.{i}").status_code for i in range(3)]
        blog_withheld = _withheld_body(server.url, OTHER_KEY, "192.0.2.99")
        shop_withheld = _withheld_body(server.url, KEY, "198.51.100.11")
        time.sleep(2.2)  # the bucket holds a token again
        again = _post(client, KEY, "198.51.100.9")
    runtime.close()
    assert first == [204, 204, 429]
    assert withheld == b"HTTP/1.1 429 Too Many Requests"
    assert broken == b"HTTP/1.1 429 Too Many Requests"
    assert other_client == 204
    assert blog == [204, 204, 429]
    assert blog_withheld == b"HTTP/1.1 429 Too Many Requests"
    # A bucket nobody emptied waits for the body as before.
    assert shop_withheld == b""
    assert again.status_code == 204
