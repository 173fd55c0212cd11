"""Token buckets per site and per client in Redis: 429 + Retry-After, and one site flooding
at ten times its limit takes nothing from the others."""

from __future__ import annotations

import json
import socket
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any, cast

import httpx
import redis
from clickhouse_connect.driver.client import Client

from tests.collector.beacons import CHROME_UA, beacon
from tests.collector.conftest import KEY, ORIGIN, OTHER_KEY, with_collector
from tests.collector.harness import InProcessCollector, collector_runtime
from vitalscope.config import Settings
from vitalscope.redisstore import keys


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


def _post_body(client: httpx.Client, body: dict[str, object], address: str) -> httpx.Response:
    return client.post(f"/v1/beacon?k={KEY}", content=json.dumps(body),
                       headers={"Origin": ORIGIN, "User-Agent": CHROME_UA,
                                "Content-Type": "text/plain", "X-Forwarded-For": address})


def _tokens(redis_client: redis.Redis, bucket: str, full: float) -> float:
    value = redis_client.hget(bucket, "t")
    return full if value is None else float(value)


def _last_entry_bytes(redis_client: redis.Redis) -> int:
    entries = cast("list[tuple[Any, dict[Any, Any]]]",
                   redis_client.xrevrange(keys.STREAM, count=1))
    fields = entries[0][1]
    return len(fields[b"b"] if b"b" in fields else fields["b"])


def test_a_request_takes_a_token_per_started_8_kib_of_its_entry(
        settings: Settings, sites: Client, redis_client: redis.Redis) -> None:
    """What a request costs grows with its size, and so does what it takes of its buckets:
    one token per started `rate_limit_token_bytes` of its stream entry, at most a burst."""
    runtime = collector_runtime(with_collector(
        settings, site_rate_limits={"shop": {"per_second": 0.001, "burst": 12}}))
    bucket = keys.site_bucket("shop")
    small = beacon(n_vitals=2, n_timings=0)
    # 15 vitals, each row repeating a long context: an entry of several tokens.
    big = beacon(n_vitals=15, n_timings=0, tags={f"k{i}": "v" * 200 for i in range(10)})
    taken: list[tuple[int, float, int]] = []
    with InProcessCollector(runtime) as server, httpx.Client(base_url=server.url) as client:
        for body, address in ((small, "198.51.100.20"), (big, "198.51.100.21"),
                              (big, "198.51.100.22")):
            before = _tokens(redis_client, bucket, 12)
            answer = _post_body(client, body | {"pv": f"pv{len(taken)}" + "x" * 8}, address)
            taken.append((answer.status_code, before - _tokens(redis_client, bucket, 12),
                           _last_entry_bytes(redis_client)))
        # What is left is less than a big request takes but a token: the big one waits for
        # its tokens, a small one still passes, and then the bucket is empty for all.
        refused_big = _post_body(client, big | {"pv": "pv-refused-big"}, "198.51.100.23")
        small_after = _post_body(client, small | {"pv": "pv-small-after"}, "198.51.100.24")
        empty = _post_body(client, small | {"pv": "pv-empty-bucket"}, "198.51.100.25")
    runtime.close()
    assert [status for status, _, _ in taken] == [204, 204, 204]
    for _, tokens, entry_bytes in taken:
        assert round(tokens) == -(-entry_bytes // 8192), (tokens, entry_bytes)
    assert round(taken[0][1]) == 1 and round(taken[1][1]) >= 3
    assert 12 - sum(round(t) for _, t, _ in taken) < round(taken[1][1])
    assert refused_big.status_code == 429
    assert refused_big.json()["error"] == "rate_limited_site"
    assert small_after.status_code == 204
    assert empty.status_code == 429
