"""Cardinality caps per site and day over real HTTP, Redis and chDB: a site sending
thousands of distinct page groups, server-timing names and tag values stores at most its
cap of each plus `(other)`; values admitted earlier stay themselves; other sites are
untouched; two collector processes share one cap; known values cost no Redis call."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest
import redis
from clickhouse_connect.driver.client import Client

from collector.cardinality import DAY_MS, OTHER
from tests.collector.beacons import CHROME_UA, beacon, new_id
from tests.collector.conftest import KEY, ORIGIN, OTHER_KEY, SERVER_KEY, with_collector
from tests.collector.harness import InProcessCollector, collector_runtime
from tests.collector.queue import wait_drained
from tests.support.redis_replies import as_bytes
from vitalscope.config import Settings
from vitalscope.redisstore import keys

CAPS = {"page_groups": 60, "server_timing_names": 50, "tag_keys": 15, "tag_values": 80}
SENT = 5000


def _metric(text: str, name: str, kind: str | None = None) -> float:
    labels = f'{{kind="{kind}"}}' if kind else ""
    found = re.search(rf"^{re.escape(name + labels)} (\S+)$", text, re.M)
    return float(found.group(1)) if found else 0.0


def _folded(client: httpx.Client) -> dict[str, float]:
    text = client.get("/metrics").text
    out = {kind: _metric(text, "vitalscope_cardinality_folded_total", kind)
           for kind in ("page_group", "server_timing_name", "tag_key", "tag_value")}
    out["lookups"] = _metric(text, "vitalscope_cardinality_lookups_total")
    return out


def _beacon(key: str, client: httpx.Client, body: dict[str, Any]) -> None:
    answer = client.post(f"/v1/beacon?k={key}", json=body, headers={
        "Origin": ORIGIN, "User-Agent": CHROME_UA, "Content-Type": "text/plain"})
    assert answer.status_code == 204, answer.text


def _wide_beacon(i: int, names: int = 20) -> dict[str, Any]:
    """A beacon with its own page group, `names` new server-timing names and 20 tags (keys
    k0..k19, every value new)."""
    body = beacon(n_vitals=2, n_timings=names, grp=f"/b/{i}",
                  tags={f"k{j}": f"v{i}-{j}" for j in range(20)})
    for n, event in enumerate(e for e in body["e"] if e["t"] == "st"):
        event["n"] = f"b{i}-{n}"
    return body


def _timings(client: httpx.Client, start: int, count: int) -> None:
    now = time.time() * 1000
    answer = client.post("/v1/server-timings", headers={"Authorization": f"Bearer {SERVER_KEY}"},
                         json={"v": 1, "source": "api", "e": [
                             {"id": new_id("b"), "ts": now - 1000, "n": f"n-{i}",
                              "grp": f"/g/{i}", "dur": 1.0} for i in range(start, start + count)]})
    assert answer.status_code == 204, answer.text


def _distinct(ch: Client, sql: str, site: str) -> set[str]:
    return {row[0] for row in ch.query(sql, parameters={"site": site}).result_rows}


GROUPS_SQL = ("SELECT DISTINCT page_group FROM (SELECT page_group FROM page_views WHERE "
              "site = {site:String} UNION ALL SELECT page_group FROM server_timings WHERE "
              "site = {site:String} UNION ALL SELECT page_group FROM vitals WHERE "
              "site = {site:String})")
NAMES_SQL = "SELECT DISTINCT name FROM server_timings WHERE site = {site:String}"
TAG_KEYS_SQL = ("SELECT DISTINCT arrayJoin(mapKeys(tags)) FROM page_views "
                "WHERE site = {site:String}")
TAG_VALUES_SQL = ("SELECT DISTINCT arrayJoin(mapValues(tags)) FROM page_views "
                  "WHERE site = {site:String}")


@pytest.fixture
def capped(settings: Settings) -> Settings:
    return with_collector(settings, cardinality=CAPS,
                          site_cardinality={"blog": {"page_groups": 5000}})


@pytest.fixture
def two(capped: Settings, sites: Client, redis_client: redis.Redis
        ) -> Iterator[tuple[InProcessCollector, InProcessCollector]]:
    """Two collector apps (as two processes would be) on one Redis; one runs the flusher."""
    first, second = collector_runtime(capped), collector_runtime(capped)
    a = InProcessCollector(first, with_flusher=True).start()
    b = InProcessCollector(second).start()
    yield a, b
    b.stop()
    a.stop()
    first.close()
    second.close()


def test_a_flooding_site_stores_its_cap_plus_other_and_others_are_untouched(
        two: tuple[InProcessCollector, InProcessCollector], sites: Client,
        redis_client: redis.Redis) -> None:
    a, _ = two
    with httpx.Client(base_url=a.url, timeout=30) as client:
        before = _folded(client)
        early = beacon(n_vitals=1, n_timings=1, grp="/early", tags={"k0": "early-value"})
        early_name = next(e["n"] for e in early["e"] if e["t"] == "st")
        _beacon(KEY, client, early)
        for start in range(0, SENT, 1000):  # 5,000 names and page groups from a backend
            _timings(client, start, 1000)
        for i in range(SENT // 20):  # 5,000 tag values, 5,000 names, 250 page groups
            _beacon(KEY, client, _wide_beacon(i))
        # The blog sends after the shop is full: its own values are all stored.
        for i in range(30):
            _beacon(OTHER_KEY, client, beacon(n_timings=2, grp=f"/blog/{i}",
                                                tags={"author": f"a{i}"}))
        after_flood = _folded(client)
        # Values admitted before the caps were reached are themselves from now on too, and
        # cost no Redis call: this process knows them.
        again = beacon(n_vitals=1, n_timings=1, grp="/early", tags={"k0": "early-value"})
        next(e for e in again["e"] if e["t"] == "st")["n"] = early_name
        _beacon(KEY, client, again)
        after = _folded(client)
    wait_drained(redis_client)
    assert after["lookups"] == after_flood["lookups"]

    groups = _distinct(sites, GROUPS_SQL, "shop")
    names = _distinct(sites, NAMES_SQL, "shop")
    tag_keys = _distinct(sites, TAG_KEYS_SQL, "shop")
    tag_values = _distinct(sites, TAG_VALUES_SQL, "shop")
    assert OTHER in groups and len(groups - {OTHER}) == CAPS["page_groups"]
    assert OTHER in names and len(names - {OTHER}) == CAPS["server_timing_names"]
    assert OTHER in tag_keys and len(tag_keys - {OTHER}) == CAPS["tag_keys"]
    # Values of the beacon whose keys filled the key cap take slots of the value cap.
    assert OTHER in tag_values and CAPS["tag_values"] - 20 <= len(tag_values - {OTHER}) \
        <= CAPS["tag_values"]
    assert "/early" in groups and early_name in names and "early-value" in tag_values
    early_rows = sites.query(
        "SELECT count() FROM page_views WHERE site = 'shop' AND page_group = '/early' "
        "AND tags['k0'] = 'early-value'").result_rows
    assert early_rows == [(2,)]

    # Nothing is lost: every event is stored, folded or not.
    stored = sites.query("SELECT count(), countIf(name = {o:String}) FROM server_timings "
                         "WHERE site = 'shop'", parameters={"o": OTHER}).result_rows[0]
    assert stored[0] == SENT + SENT + 2
    folded = {k: after[k] - before[k] for k in before}
    assert folded["server_timing_name"] == stored[1] > 0
    assert folded["page_group"] > 0 and folded["tag_key"] > 0 and folded["tag_value"] > 0

    # The blog is below its caps: everything it sent is itself.
    assert _distinct(sites, GROUPS_SQL, "blog") == {f"/blog/{i}" for i in range(30)}
    assert _distinct(sites, TAG_VALUES_SQL, "blog") == {f"a{i}" for i in range(30)}
    assert OTHER not in _distinct(sites, NAMES_SQL, "blog")


def test_two_collector_processes_share_one_cap(
        two: tuple[InProcessCollector, InProcessCollector], sites: Client,
        redis_client: redis.Redis) -> None:
    a, b = two

    def send(server: InProcessCollector, worker: int) -> None:
        with httpx.Client(base_url=server.url, timeout=30) as client:
            for i in range(40):
                _beacon(KEY, client, _wide_beacon(worker * 1000 + i, names=5))

    with ThreadPoolExecutor(4) as pool:
        list(pool.map(send, (a, b, a, b), range(4)))
    wait_drained(redis_client)
    groups = _distinct(sites, GROUPS_SQL, "shop")
    names = _distinct(sites, NAMES_SQL, "shop")
    assert len(groups - {OTHER}) == CAPS["page_groups"] and OTHER in groups
    assert len(names - {OTHER}) == CAPS["server_timing_names"] and OTHER in names
    # Both processes stored admitted values: the cap is one, not one per process.
    per_process = sites.query(
        "SELECT count(DISTINCT page_group) FROM page_views WHERE site = 'shop' AND "
        "page_group != {o:String}", parameters={"o": OTHER}).result_rows
    assert per_process == [(CAPS["page_groups"],)]
    for kind, cap in (("page_group", "page_groups"), ("server_timing_name",
                                                      "server_timing_names")):
        members = {as_bytes(m).decode() for m in redis_client.smembers(
            keys.cardinality_set("shop", kind, _today(redis_client)))}
        assert len(members) == CAPS[cap]
        assert members == (groups if kind == "page_group" else names) - {OTHER}


def _today(client: redis.Redis) -> int:
    seconds, _ = client.time()
    return int(seconds) * 1000 // DAY_MS
