"""Fixtures of the collector tests: a migrated database with sites of known keys, and the
collector running in this process over real HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import redis
from clickhouse_connect.driver.client import Client

from tests.collector.harness import InProcessCollector, collector_runtime
from vitalscope.config import Settings
from vitalscope.config.collector import CollectorSettings
from vitalscope.config.sites import SiteConfig
from vitalscope.sites import SiteRepository

ORIGIN = "https://shop.example"
KEY = "pk_test_shop_0001"
SERVER_KEY = "sk_test_shop_secret_0001"
OTHER_KEY = "pk_test_blog_0001"
DISABLED_KEY = "pk_test_gone_0001"
TEST_SITES = [
    SiteConfig(name="shop", origins=[ORIGIN], key=KEY, server_key=SERVER_KEY),
    SiteConfig(name="blog", key=OTHER_KEY),
    SiteConfig(name="gone", key=DISABLED_KEY, enabled=False),
]


def with_collector(settings: Settings, **collector: Any) -> Settings:
    base: dict[str, Any] = {"flush_interval_s": 0.2, "claim_idle_s": 1.0,
                            "client_rate_limit": {"per_second": 100000, "burst": 100000},
                            "country_header": "CF-IPCountry",
                            "client_ip_header": "X-Forwarded-For",
                            # The tests' requests come from here, as through a local proxy.
                            "trusted_proxies": ["127.0.0.1/32"],
                            "url_query_allowlist": ["page"]}
    base.update(collector)
    return settings.model_copy(update={"collector": CollectorSettings(**base)})


@pytest.fixture
def sites(clickhouse: Client) -> Client:
    SiteRepository(clickhouse).sync_declared(TEST_SITES)
    return clickhouse


@pytest.fixture
def collector_settings(settings: Settings) -> Settings:
    return with_collector(settings)


@pytest.fixture
def running(collector_settings: Settings, sites: Client, redis_client: redis.Redis
            ) -> Iterator[InProcessCollector]:
    """Collector and flusher in this process, on the test's database and Redis."""
    runtime = collector_runtime(collector_settings)
    server = InProcessCollector(runtime, with_flusher=True).start()
    yield server
    server.stop()
    runtime.close()


@pytest.fixture
def running_without_flusher(collector_settings: Settings, sites: Client,
                            redis_client: redis.Redis) -> Iterator[InProcessCollector]:
    """The collector alone (a flusher runs elsewhere, e.g. in a process of its own)."""
    runtime = collector_runtime(collector_settings)
    server = InProcessCollector(runtime).start()
    yield server
    server.stop()
    runtime.close()
