"""Collectors pick up new, changed and disabled sites within a second of
`vs:sites:generation` changing, without a restart."""

from __future__ import annotations

import json
import time

import httpx
import redis
from clickhouse_connect.driver.client import Client

from tests.collector.beacons import CHROME_UA, beacon
from tests.collector.harness import InProcessCollector
from vitalscope.config.sites import SiteConfig
from vitalscope.sites import SiteRepository
from vitalscope.sites.events import SITES_GENERATION_KEY


def _status_until(client: httpx.Client, key: str, wanted: int, timeout: float = 10.0) -> int:
    deadline = time.monotonic() + timeout
    while True:
        status = client.post(f"/v1/beacon?k={key}", content=json.dumps(beacon()), headers={
            "User-Agent": CHROME_UA, "Content-Type": "text/plain"}).status_code
        if status == wanted or time.monotonic() >= deadline:
            return status
        time.sleep(0.1)


def test_new_and_disabled_sites_take_effect_without_restart(
        running_without_flusher: InProcessCollector, sites: Client,
        redis_client: redis.Redis) -> None:
    repository = SiteRepository(sites)
    key = "pk_test_news_0001"
    with httpx.Client(base_url=running_without_flusher.url, timeout=10) as client:
        assert _status_until(client, key, 403, timeout=0) == 403
        repository.sync_declared([SiteConfig(name="news", key=key)])
        redis_client.incr(SITES_GENERATION_KEY)
        assert _status_until(client, key, 204) == 204
        repository.sync_declared([SiteConfig(name="news", key=key, enabled=False)])
        redis_client.incr(SITES_GENERATION_KEY)
        assert _status_until(client, key, 403) == 403
        answer = client.post(f"/v1/beacon?k={key}", content=json.dumps(beacon()),
                             headers={"User-Agent": CHROME_UA})
    assert answer.json()["error"] == "site_disabled"
