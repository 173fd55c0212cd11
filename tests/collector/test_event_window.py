"""Event times outside the window around the receive time are dropped and counted, the rest
of the beacon lands, the answer says how many were left out, and a beacon whose events
spread over months no longer stops ingestion (one insert into too many day partitions)."""

from __future__ import annotations

import json
import re
import time
from typing import Any

import httpx
import redis
from clickhouse_connect.driver.client import Client

from tests.collector.beacons import CHROME_UA, beacon, new_id
from tests.collector.conftest import KEY, ORIGIN, SERVER_KEY
from tests.collector.harness import InProcessCollector
from tests.collector.queue import wait_drained

DAY_MS = 86_400_000
HEADERS = {"Origin": ORIGIN, "User-Agent": CHROME_UA, "Content-Type": "text/plain"}


def _spread(days: int) -> dict[str, Any]:
    """A beacon with one LCP a day over the last `days` days (today's first)."""
    body = beacon(n_vitals=0, n_timings=0)
    now = body["sent"]
    body["e"] = [{"t": "vital", "id": new_id("v"), "ts": now - 1000 - day * DAY_MS, "n": "LCP",
                  "val": 1000.0 + day} for day in range(days)]
    return body


def _metric(text: str, name: str, labels: str) -> float:
    match = re.search(rf"^{name}{{{labels}}} (\S+)$", text, re.MULTILINE)
    return float(match.group(1)) if match else 0.0


def _counters(client: httpx.Client) -> dict[str, float]:
    text = client.get("/metrics").text
    return {
        "accepted": _metric(text, "vitalscope_ingest_accepted_total", 'endpoint="beacon"'),
        "timings": _metric(text, "vitalscope_ingest_accepted_total",
                           'endpoint="server_timings"'),
        "events_dropped": _metric(text, "vitalscope_ingest_events_dropped_total",
                                  'reason="out_of_window"'),
        "dropped_window": _metric(text, "vitalscope_ingest_dropped_total",
                                  'reason="out_of_window"'),
        "dropped_bot": _metric(text, "vitalscope_ingest_dropped_total", 'reason="bot"'),
    }


def _post(client: httpx.Client, body: dict[str, Any], **headers: str) -> httpx.Response:
    answer = client.post(f"/v1/beacon?k={KEY}", content=json.dumps(body),
                         headers={**HEADERS, **headers})
    assert answer.status_code == 204, answer.text
    return answer


def test_events_outside_the_window_are_dropped_and_the_rest_lands(
        running: InProcessCollector, sites: Client, redis_client: redis.Redis) -> None:
    with httpx.Client(base_url=running.url) as client:
        before = _counters(client)
        month = _post(client, _spread(30))
        # Half a year of days in one beacon: one insert would touch 180 partitions.
        half_year = _post(client, _spread(180))
        normal = beacon(n_vitals=2, n_timings=0)
        assert "vitalscope-dropped" not in _post(client, normal).headers
        wait_drained(redis_client)
        after = _counters(client)
    # Days 0-6 are within the default 7 days; the rest is out of the window.
    assert month.headers["vitalscope-dropped"] == "out_of_window=23"
    assert half_year.headers["vitalscope-dropped"] == "out_of_window=173"
    by_page_view: dict[str, int] = {row[0]: row[1] for row in sites.query(
        "SELECT page_view_id, count() FROM vitals GROUP BY page_view_id").result_rows}
    assert sorted(by_page_view.values()) == [2, 7, 7]
    oldest = sites.query("SELECT toUnixTimestamp(min(ts)) FROM vitals").result_rows[0][0]
    assert oldest > time.time() - 7 * 86_400
    assert after["events_dropped"] - before["events_dropped"] == 23 + 173
    assert after["accepted"] - before["accepted"] == 3


def test_a_page_view_outside_the_window_is_dropped_whole(
        running: InProcessCollector, sites: Client, redis_client: redis.Redis) -> None:
    old = beacon(n_vitals=2, n_timings=0)
    old["st"] = old["sent"] - 8 * DAY_MS
    ahead = beacon(n_vitals=1, n_timings=0)
    ahead["e"][0]["ts"] = ahead["sent"] + 60_000  # a minute after it was sent
    with httpx.Client(base_url=running.url) as client:
        before = _counters(client)
        assert _post(client, old).headers["vitalscope-dropped"] == "out_of_window=2"
        assert _post(client, ahead).headers["vitalscope-dropped"] == "out_of_window=1"
        wait_drained(redis_client)
        after = _counters(client)
    assert sites.query("SELECT page_view_id FROM page_views").result_rows == [(ahead["pv"],)]
    assert sites.query("SELECT count() FROM vitals").result_rows == [(0,)]
    assert after["dropped_window"] - before["dropped_window"] == 1
    assert after["accepted"] - before["accepted"] == 1


def test_backend_timings_outside_the_window_are_dropped(
        running: InProcessCollector, sites: Client, redis_client: redis.Redis) -> None:
    now = int(time.time() * 1000)
    timings = [{"id": new_id("b"), "ts": now - days * DAY_MS - 1000, "n": "db", "dur": 1.0}
               for days in (0, 1, 9, 400)]
    with httpx.Client(base_url=running.url,
                      headers={"Authorization": f"Bearer {SERVER_KEY}"}) as client:
        before = _counters(client)
        answer = client.post("/v1/server-timings", json={"v": 1, "e": timings})
        assert answer.status_code == 204
        assert answer.headers["vitalscope-dropped"] == "out_of_window=2"
        stale = client.post("/v1/server-timings", json={"v": 1, "e": timings[2:]})
        assert stale.status_code == 204
        assert stale.headers["vitalscope-dropped"] == "out_of_window=2"
        wait_drained(redis_client)
        after = _counters(client)
    assert sites.query("SELECT count() FROM server_timings").result_rows == [(2,)]
    assert after["timings"] - before["timings"] == 1  # nothing of the second was queued
    assert after["events_dropped"] - before["events_dropped"] == 4


def test_a_dropped_beacon_counts_as_dropped_not_accepted(
        running: InProcessCollector, sites: Client, redis_client: redis.Redis) -> None:
    with httpx.Client(base_url=running.url) as client:
        before = _counters(client)
        _post(client, beacon(), **{"User-Agent": "Mozilla/5.0 (compatible; Googlebot/2.1)"})
        _post(client, beacon())
        wait_drained(redis_client)
        after = _counters(client)
    assert after["accepted"] - before["accepted"] == 1
    assert after["dropped_bot"] - before["dropped_bot"] == 1
    assert sites.query("SELECT count() FROM page_views").result_rows == [(1,)]
