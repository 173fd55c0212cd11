"""Beacons and server timings over real HTTP end up in ClickHouse with the right values and
enrichment, rollups filled, and no IP address anywhere."""

from __future__ import annotations

import time

import httpx
import redis
from clickhouse_connect.driver.client import Client

from tests.collector.beacons import CHROME_UA, IPHONE_UA, beacon, new_id
from tests.collector.conftest import KEY, ORIGIN, SERVER_KEY
from tests.collector.harness import InProcessCollector
from tests.collector.queue import wait_drained
from vitalscope.redisstore import keys

GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"


def _post(client: httpx.Client, body: dict[str, object], **headers: str) -> httpx.Response:
    base = {"Origin": ORIGIN, "User-Agent": CHROME_UA, "Content-Type": "text/plain"}
    base.update(headers)
    return client.post(f"/v1/beacon?k={KEY}", json=body, headers=base)


def test_beacon_values_and_enrichment_land_in_clickhouse(
        running: InProcessCollector, sites: Client, redis_client: redis.Redis) -> None:
    skewed = beacon(n_vitals=0, n_timings=0)
    hour = 3_600_000
    # A client clock an hour behind: its times are shifted onto the server's clock.
    skewed["sent"] -= hour
    skewed["st"] -= hour
    skewed.update({"url": "https://Shop.Example/product/123?page=2&token=secret#frag",
                   "ref": "https://www.search.example/q?x=1", "ect": "4g", "mem": 4,
                   "cpu": 8, "vw": 390, "vh": 844, "rel": "2026.11.1", "tags": {"ab": "v2"},
                   "nav": "reload"})
    lcp_id, st_id, err_id = new_id("v"), new_id("s"), new_id("x")
    skewed["e"] = [
        {"t": "vital", "id": lcp_id, "ts": skewed["st"] + 1800, "n": "LCP", "val": 3000.5,
         "a": {"tgt": "main>img.hero", "url": "https://shop.example/hero.webp?sig=1",
               "p": {"ttfb": 120, "renderDelay": 510.5}}},
        {"t": "vital", "id": new_id("v"), "ts": skewed["st"] + 10, "n": "CLS", "val": 0.3,
         "r": "poor"},
        {"t": "st", "id": st_id, "ts": skewed["st"], "n": "cdn-cache", "desc": "HIT",
         "dur": 1.5},
        {"t": "err", "id": err_id, "ts": skewed["st"] + 50, "msg": "boom 42", "cnt": 3},
        {"t": "route", "id": new_id("r"), "ts": skewed["st"], "dur": 120.0},
    ]
    before = int(time.time() * 1000)
    with httpx.Client(base_url=running.url, timeout=10) as client:
        answer = _post(client, skewed, **{"User-Agent": IPHONE_UA, "CF-IPCountry": "de",
                                          "X-Forwarded-For": "203.0.113.9, 10.0.0.1"})
        assert answer.status_code == 204, answer.text
        assert answer.headers["access-control-allow-origin"] == ORIGIN
        bot = _post(client, beacon(), **{"User-Agent": GOOGLEBOT})
        assert bot.status_code == 204  # dropped, not refused: bots must not retry
        timings = client.post("/v1/server-timings", headers={
            "Authorization": f"Bearer {SERVER_KEY}"}, json={"v": 1, "source": "api", "e": [
                {"id": new_id("b"), "ts": before, "n": "edge-cache", "desc": "stale",
                 "dur": 3.0, "url": "https://shop.example/cart/99?x=1", "code": 200,
                 "req": "req-1"}]})
        assert timings.status_code == 204, timings.text
        metrics = client.get("/metrics").text
    assert 'vitalscope_ingest_dropped_total{reason="bot"} ' in metrics
    wait_drained(redis_client)

    view = sites.query(
        "SELECT url, page_group, referrer_host, nav_type, device, browser, os, country, "
        "connection, device_memory, hardware_concurrency, viewport_width, release, "
        "route_change_ms, tags, toUnixTimestamp64Milli(started_at) FROM page_views").result_rows
    assert len(view) == 1
    (url, group, ref, nav, device, browser, os_name, country, connection, memory, cpu, width,
     release, route_ms, tags, started) = view[0]
    assert url == "https://shop.example/product/123?page=2"
    assert group == "/product/:id"
    assert (ref, nav, device, browser, os_name, country) == (
        "www.search.example", "reload", "mobile", "Mobile Safari", "iOS", "DE")
    assert (connection, memory, cpu, width, release, route_ms, tags) == (
        "4g", 4.0, 8, 390, "2026.11.1", 120.0, {"ab": "v2"})
    assert before - 10_000 <= started + 1_000 <= int(time.time() * 1000) + 1_000

    vitals = sites.query(
        "SELECT event_id, metric, value, delta, rating, attr_target, attr_url, attr_parts, "
        "toUnixTimestamp64Milli(ts) FROM vitals ORDER BY metric").result_rows
    assert [(r[1], r[2], r[3], r[4]) for r in vitals] == [
        ("CLS", 0.3, 0.3, "poor"), ("LCP", 3000.5, 3000.5, "needs-improvement")]
    lcp = vitals[1]
    assert lcp[0] == lcp_id and lcp[5] == "main>img.hero"
    assert lcp[6] == "https://shop.example/hero.webp"
    assert lcp[7] == {"ttfb": 120.0, "renderDelay": 510.5}
    assert lcp[8] >= started  # clock-corrected, not an hour in the past

    timing_rows = sites.query(
        "SELECT source, name, duration, cache_status, url, page_group, status_code, request_id "
        "FROM server_timings ORDER BY source").result_rows
    assert timing_rows == [
        ("api", "edge-cache", 3.0, "stale", "https://shop.example/cart/99", "/cart/:id", 200,
         "req-1"),
        ("rum", "cdn-cache", 1.5, "hit", "https://shop.example/product/123?page=2",
         "/product/:id", 0, ""),
    ]
    errors = sites.query("SELECT event_id, message, occurrences, error_type FROM js_errors"
                         ).result_rows
    assert errors == [(err_id, "boom 42", 3, "Error")]

    rollup = sites.query(
        "SELECT metric, sum(samples), sum(poor), sum(needs_improvement) FROM vitals_1m "
        "GROUP BY metric ORDER BY metric").result_rows
    assert rollup == [("CLS", 1, 1, 0), ("LCP", 1, 0, 1)]
    hits = sites.query("SELECT sum(cache_hits), sum(cache_total) FROM server_timings_1m"
                       ).result_rows
    assert hits == [(2, 2)]
    assert int(redis_client.get(keys.site_generation("shop")) or 0) >= 1


def test_no_column_of_any_table_holds_an_ip_address(
        running: InProcessCollector, sites: Client, redis_client: redis.Redis) -> None:
    addresses = {"127.0.0.1"}  # the TCP peer of every request here
    with httpx.Client(base_url=running.url, timeout=10) as client:
        for i in range(12):
            forwarded = f"198.51.100.{i + 1}, 2001:db8::{i + 1:x}"
            addresses |= {f"198.51.100.{i + 1}", f"2001:db8::{i + 1:x}", f"192.0.2.{i}"}
            answer = _post(client, beacon(errors=1),
                           **{"X-Forwarded-For": forwarded, "X-Real-IP": f"192.0.2.{i}"})
            assert answer.status_code == 204, answer.text
    wait_drained(redis_client)
    columns: dict[str, list[str]] = {}
    for table, column in sites.query(
            "SELECT table, name FROM system.columns WHERE database = currentDatabase() "
            "AND type NOT LIKE 'AggregateFunction%' ORDER BY table, position").result_rows:
        columns.setdefault(table, []).append(column)
    assert {"page_views", "vitals", "server_timings", "js_errors", "vitals_1m"} <= set(columns)
    checked = 0
    for table, names in columns.items():
        rows = sites.query(f"SELECT {', '.join(names)} FROM {table}").result_rows
        for row in rows:
            text = " ".join(str(v) for v in row)
            assert not [a for a in addresses if a in text], (table, text)
            checked += 1
    assert checked >= 12 * 2
