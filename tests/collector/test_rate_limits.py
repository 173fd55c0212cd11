"""Token buckets per site and per client in Redis: 429 + Retry-After, and one site flooding
at ten times its limit takes nothing from the others."""

from __future__ import annotations

import json
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
