"""Cardinality caps per site and day over real HTTP, Redis and chDB: a site sending
thousands of distinct page groups, server-timing names and tag values (or releases,
attribution targets, scripts and error groups) stores at most its cap of each plus
`(other)`; values admitted earlier stay themselves; other sites are untouched; two collector
processes share one cap; known values cost no Redis call."""

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

from collector.cardinality import DAY_MS, KINDS, OTHER
from tests.collector.beacons import CHROME_UA, beacon, new_id
from tests.collector.conftest import KEY, ORIGIN, OTHER_KEY, SERVER_KEY, with_collector
from tests.collector.harness import InProcessCollector, collector_runtime
from tests.collector.queue import wait_drained
from tests.support.redis_replies import as_bytes
from vitalscope.config import Settings
from vitalscope.jserrors.grouping import OTHER_FINGERPRINT
from vitalscope.redisstore import keys

CAPS = {"page_groups": 60, "server_timing_names": 50, "tag_keys": 15, "tag_values": 80,
        "releases": 4, "targets": 6, "scripts": 5, "error_groups": 7}
SENT = 5000


def _metric(text: str, name: str, kind: str | None = None) -> float:
    labels = f'{{kind="{kind}"}}' if kind else ""
    found = re.search(rf"^{re.escape(name + labels)} (\S+)$", text, re.M)
    return float(found.group(1)) if found else 0.0


def _folded(client: httpx.Client) -> dict[str, float]:
    text = client.get("/metrics").text
    out: dict[str, float] = {kind: _metric(text, "vitalscope_cardinality_folded_total", kind)
                             for kind in KINDS}
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


def _distinct(ch: Client, sql: str, site: str) -> set[Any]:
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


def _attributed(i: int) -> dict[str, Any]:
    """A beacon of release `r<i>` with an LCP of target `#t<i>`, an INP of script `s<i>.js`
    and an error of its own group."""
    body = beacon(n_vitals=0, n_timings=0, errors=1, grp="/p", rel=f"r{i}")
    now = body["sent"]
    body["e"] += [
        {"t": "vital", "id": new_id("v"), "ts": now - 900, "n": "LCP", "val": 1500.0,
         "a": {"tgt": f"#t{i}"}},
        {"t": "vital", "id": new_id("v"), "ts": now - 800, "n": "INP", "val": 300.0,
         "a": {"tgt": "#buy", "scr": {"url": f"https://cdn{i}.example/s{i}.js"}}}]
    error = next(e for e in body["e"] if e["t"] == "err")
    error.update(msg=f"TypeError: f{i} is not a function", src=f"https://shop.example/m{i}.js",
                 stack=f"at f{i} (https://shop.example/m{i}.js:10:5)")
    return body


RELEASES_SQL = ("SELECT DISTINCT release FROM (SELECT release FROM vitals WHERE site = "
                "{site:String} UNION ALL SELECT release FROM js_errors WHERE site = "
                "{site:String} UNION ALL SELECT val FROM vitals_dims_1d FINAL WHERE site = "
                "{site:String} AND dim = 'release')")
TARGETS_SQL = ("SELECT DISTINCT target FROM (SELECT attr_target AS target FROM vitals WHERE "
               "site = {site:String} AND attr_target != '' UNION ALL SELECT target FROM "
               "vitals_targets_1h WHERE site = {site:String})")
SCRIPTS_SQL = ("SELECT DISTINCT (url, host) FROM (SELECT attr_script_url AS url, "
               "attr_script_host AS host FROM vitals WHERE site = {site:String} AND "
               "metric = 'INP' UNION ALL SELECT script_url, script_host FROM vitals_scripts_1h "
               "WHERE site = {site:String})")
ERRORS_SQL = ("SELECT DISTINCT (fingerprint, message_norm) FROM js_errors "
              "WHERE site = {site:String}")


def test_releases_targets_scripts_and_error_groups_are_capped_too(
        capped: Settings, sites: Client, redis_client: redis.Redis) -> None:
    runtime = collector_runtime(capped)
    try:
        with InProcessCollector(runtime, with_flusher=True) as server, httpx.Client(
                base_url=server.url, timeout=30) as client:
            before = _folded(client)
            for i in range(20):
                _beacon(KEY, client, _attributed(i))
            _beacon(KEY, client, _attributed(0))  # admitted early: itself after the caps
            for i in range(3):  # another site's values are its own
                _beacon(OTHER_KEY, client, _attributed(100 + i))
            after = _folded(client)
            wait_drained(redis_client)  # while the flusher still runs
    finally:
        runtime.close()

    releases = _distinct(sites, RELEASES_SQL, "shop")
    assert releases == {f"r{i}" for i in range(CAPS["releases"])} | {OTHER}
    # "#buy" and #t0..#t4 fill the cap of 6, in the order sent.
    targets = _distinct(sites, TARGETS_SQL, "shop")
    assert targets == {"#buy"} | {f"#t{i}" for i in range(CAPS["targets"] - 1)} | {OTHER}
    scripts = _distinct(sites, SCRIPTS_SQL, "shop")
    assert scripts == {(f"https://cdn{i}.example/s{i}.js", f"cdn{i}.example")
                       for i in range(CAPS["scripts"])} | {(OTHER, OTHER)}
    errors = _distinct(sites, ERRORS_SQL, "shop")
    assert len(errors) == CAPS["error_groups"] + 1
    assert (OTHER_FINGERPRINT, OTHER) in errors
    # Nothing is lost: the raw message of a folded error is kept, every event is stored.
    counts = sites.query(
        "SELECT (SELECT count() FROM vitals WHERE site = 'shop'), (SELECT count() FROM "
        "js_errors WHERE site = 'shop'), (SELECT countIf(message = 'TypeError: f19 is not a "
        "function' AND fingerprint = {o:UInt64}) FROM js_errors WHERE site = 'shop')",
        parameters={"o": OTHER_FINGERPRINT}).result_rows
    assert counts == [(42, 21, 1)]
    folded = {k: after[k] - before[k] for k in before}
    # Counted once per value folded (a beacon's release once, whatever its rows).
    assert folded["release"] == 20 - CAPS["releases"]
    assert folded["target"] == 20 - (CAPS["targets"] - 1)
    assert folded["script"] == 20 - CAPS["scripts"]
    assert folded["error_group"] == 20 - CAPS["error_groups"]
    assert _distinct(sites, RELEASES_SQL, "blog") == {"r100", "r101", "r102"}
    assert OTHER not in _distinct(sites, TARGETS_SQL, "blog")
