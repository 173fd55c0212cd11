"""Fixtures of the SDK's browser tests: real Chromium (Playwright), the test site and a real
`vitalscope serve` whose site accepts beacons from it."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser

from tests.e2e.sdk.site import ShopSite, serve_site
from tests.support.browser import chromium
from tests.support.clickhouse_folder import query_data_folder_many
from tests.support.ingest_metrics import accepted_beacons
from tests.support.serve import ServeProcess

SITE = "shop"
KEY = "pk_sdk_e2e_shop_0001"
SDK_DIST = Path(__file__).resolve().parents[3] / "sdk-js" / "dist"


@pytest.fixture(scope="session")
def sdk_dist() -> Path:
    if not (SDK_DIST / "manifest.json").exists():
        pytest.fail("sdk-js/dist is missing: run `npm ci && npm run build` in sdk-js/ "
                    "(scripts/setup.sh does it)")
    return SDK_DIST


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as browser:
        yield browser


@pytest.fixture(scope="module")
def site() -> Iterator[ShopSite]:
    with serve_site() as served:
        yield served


@dataclass
class Collector:
    server: ServeProcess

    @property
    def url(self) -> str:
        return self.server.url

    def accepted_beacons(self) -> int:
        return accepted_beacons(self.url)

    def wait_accepted(self, at_least: int = 1, quiet_s: float = 1.5,
                      timeout: float = 20.0) -> int:
        """Beacons accepted once at least `at_least` came and none came for `quiet_s`."""
        started = last_change = time.monotonic()
        seen = self.accepted_beacons()
        while time.monotonic() - started < timeout:
            time.sleep(0.2)
            now = self.accepted_beacons()
            if now != seen:
                seen, last_change = now, time.monotonic()
            elif seen >= at_least and time.monotonic() - last_change >= quiet_s:
                return seen
        raise AssertionError(f"{seen} beacons accepted within {timeout} s, expected >= "
                             f"{at_least}:\n{self.server.logs()[-3000:]}")

    def waiting(self) -> float | None:
        """Age of the oldest entry not yet flushed (read from Redis at each scrape); 0 when
        none waits, None when /metrics cannot tell."""
        metrics = httpx.get(self.url + "/metrics", timeout=5).text
        found = re.search(r"^vitalscope_ingest_queue_oldest_age_seconds (\S+)$", metrics, re.M)
        return float(found.group(1)) if found else None

    def stop_and_query(self, queries: dict[str, str]) -> dict[str, list[dict[str, Any]]]:
        """Waits until the flusher has written what is queued (a stopping serve finishes only
        the batch in flight: entries not read yet stay in Redis for the next start), stops
        serve and runs the queries, each with {site:String} bound to the test site."""
        deadline, idle = time.monotonic() + 60, 0
        while idle < 2 and time.monotonic() < deadline:
            idle = idle + 1 if self.waiting() == 0 else 0
            time.sleep(0.2)
        assert self.server.stop() == 0, self.server.logs()[-3000:]
        assert "Traceback" not in self.server.logs(), self.server.logs()[-3000:]
        return query_data_folder_many(
            self.server.data, {name: (sql, {"site": SITE}) for name, sql in queries.items()})


@pytest.fixture
def collector(serve_factory: Callable[..., ServeProcess], site: ShopSite, sdk_dist: Path,
              tmp_path: Path) -> Collector:
    config = tmp_path / "vitalscope.yaml"
    config.write_text(json.dumps({
        "sites": [{"name": SITE, "origins": [site.origin], "key": KEY}],
        "collector": {"flush_interval_s": 0.2},
    }))
    server = serve_factory(tmp_path / "data", extra_args=["--config", str(config)])
    return Collector(server.start())


def sdk_tag(src: str, **data: str) -> str:
    attributes = "".join(f' data-{name.replace("_", "-")}="{value}"'
                         for name, value in {"site": KEY, **data}.items())
    return f'<script defer src="{src}"{attributes}></script>'
