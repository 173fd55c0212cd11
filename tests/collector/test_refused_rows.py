"""Rows ClickHouse refuses never block the stream: a batch whose insert is refused is split
by row range until the refused rows are found; they become dead letters with ClickHouse's
error, everything else is stored exactly once, and beacons before and after keep landing."""

from __future__ import annotations

import json
import re
import time

import httpx
import redis
from clickhouse_connect.driver.client import Client

from collector.flusher.dedup import _digest
from collector.payload import decode_entry
from tests.collector import crafted
from tests.collector.beacons import CHROME_UA, beacon, event_ids
from tests.collector.conftest import KEY, ORIGIN, with_collector
from tests.collector.harness import InProcessCollector, collector_runtime
from tests.collector.queue import wait_drained
from tests.support.ingest_metrics import metric_value
from tests.support.redis_replies import stream
from vitalscope.config import Settings
from vitalscope.redisstore import keys

HEADERS = {"Origin": ORIGIN, "User-Agent": CHROME_UA, "Content-Type": "text/plain"}


def _post_beacons(client: httpx.Client, count: int) -> list[str]:
    ids: list[str] = []
    for _ in range(count):
        body = beacon(n_vitals=3, n_timings=1)
        answer = client.post(f"/v1/beacon?k={KEY}", content=json.dumps(body), headers=HEADERS)
        assert answer.status_code == 204, answer.text
        ids += event_ids(body)
    return ids


def _stored(sites: Client) -> list[str]:
    return sorted(str(r[0]) for r in sites.query(
        "SELECT event_id FROM vitals UNION ALL SELECT event_id FROM server_timings"
    ).result_rows)


def test_rows_spanning_200_days_do_not_block_the_stream(
        settings: Settings, sites: Client, redis_client: redis.Redis) -> None:
    # A long flush interval puts the poison entry in one batch with the beacons around it.
    runtime = collector_runtime(with_collector(settings, flush_interval_s=2.0))
    poison = crafted.spanning_days(200)
    with InProcessCollector(runtime, with_flusher=True) as server, httpx.Client(
            base_url=server.url, timeout=10) as client:
        failures_before = metric_value(client.get("/metrics").text,
                                  "vitalscope_flush_insert_failures_total", table="vitals",
                                  kind="data")
        before = _post_beacons(client, 5)
        crafted.queue(redis_client, poison)
        after = _post_beacons(client, 5)
        wait_drained(redis_client)
        later = _post_beacons(client, 3)  # ingestion goes on
        wait_drained(redis_client)
        ready = client.get("/readyz")
        metrics = client.get("/metrics").text
    runtime.close()

    expected = sorted([*before, *after, *later, *crafted.event_ids(poison)])
    assert _stored(sites) == expected  # every row once, the poison's too, in small blocks
    assert redis_client.xlen(keys.DEAD_LETTERS) == 0
    assert redis_client.hlen(keys.BATCHES) == 0
    assert ready.status_code == 200, ready.text
    queue = ready.json()["queue"]
    assert (queue["pending"], queue["oldest_age_s"], queue["dead_letters"]) == (0, 0, 0)
    refused = metric_value(metrics, "vitalscope_flush_insert_failures_total", table="vitals",
                      kind="data") - failures_before
    assert 1 <= refused <= 4  # split a few times, not once per row
    assert metric_value(metrics, "vitalscope_ingest_queue_oldest_age_seconds") == 0.0


def test_one_refused_row_among_many_is_a_dead_letter_the_rest_is_stored_once(
        settings: Settings, sites: Client, redis_client: redis.Redis) -> None:
    runtime = collector_runtime(with_collector(settings, flush_interval_s=2.0))
    now = int(time.time() * 1000)
    # A Float64 column given text: valid for the entry format, refused by ClickHouse.
    good = [crafted.vital_row(now - i) for i in range(2000)]
    bad = crafted.vital_row(now, value="not a number")
    rows = [*good[:1234], bad, *good[1234:]]
    with InProcessCollector(runtime, with_flusher=True) as server, httpx.Client(
            base_url=server.url, timeout=10) as client:
        failures_before = metric_value(client.get("/metrics").text,
                                  "vitalscope_flush_insert_failures_total", table="vitals",
                                  kind="data")
        before = _post_beacons(client, 20)
        entry = crafted.queue(redis_client, rows)
        after = _post_beacons(client, 20)
        wait_drained(redis_client)
        metrics = client.get("/metrics").text
    runtime.close()

    assert _stored(sites) == sorted([*before, *after, *crafted.event_ids(good)])
    letters = stream(redis_client, keys.DEAD_LETTERS)
    assert len(letters) == 1
    fields = {k.decode(): v for k, v in letters[0][1].items()}
    assert fields["id"].decode() == entry
    assert (fields["site"], fields["table"]) == (b"shop", b"vitals")
    assert fields["event"].decode() == bad[4]
    assert re.match(r"vitals: \w+: .*Code: \d+", fields["reason"].decode()), fields["reason"]
    held = decode_entry(fields["b"])  # a re-queueable entry holding just that row
    assert held.site == "shop" and held.ids == {"vitals": [bad[4]]}
    assert held.tables["vitals"].count(b"\n") == 1 and b"not a number" in held.tables["vitals"]
    # Its deduplication claim went with it: a replay (or a resend) is not taken for a copy.
    claims = list(redis_client.scan_iter(keys.SEEN + "*"))
    kept, released = (_digest("shop", "vitals", row[5], row[4]) for row in (good[0], bad))
    assert any(redis_client.hexists(k, kept) for k in claims)
    assert not any(redis_client.hexists(k, released) for k in claims)
    refused = metric_value(metrics, "vitalscope_flush_insert_failures_total", table="vitals",
                      kind="data") - failures_before
    assert refused <= 2 * 12 + 1  # about log2(rows) per level, not one insert per row


def test_an_outage_is_retried_and_nothing_is_dead_lettered(
        running: InProcessCollector, sites: Client, redis_client: redis.Redis) -> None:
    sites.command("DETACH TABLE vitals")  # code 60: an operator's fix, not the rows' fault
    with httpx.Client(base_url=running.url, timeout=10) as client:
        ids = _post_beacons(client, 5)
        deadline = time.monotonic() + 30
        while metric_value(client.get("/metrics").text, "vitalscope_flush_insert_failures_total",
                      table="vitals", kind="unavailable") < 2:
            assert time.monotonic() < deadline, "the insert was never retried"
            time.sleep(0.1)
        sites.command("ATTACH TABLE vitals")
        wait_drained(redis_client)
    assert _stored(sites) == sorted(ids)
    assert redis_client.xlen(keys.DEAD_LETTERS) == 0


def test_rows_queued_before_an_upgrade_added_columns_are_stored_with_defaults(
        settings: Settings, sites: Client, redis_client: redis.Redis) -> None:
    """Vitals rows as the version before issue 16's columns queued them (25 columns)."""
    old = [crafted.vital_row(int(time.time() * 1000) - 5000)[:25] for _ in range(3)]
    crafted.queue(redis_client, old)
    runtime = collector_runtime(with_collector(settings))
    with InProcessCollector(runtime, with_flusher=True):
        wait_drained(redis_client)
    runtime.close()
    assert redis_client.xlen(keys.DEAD_LETTERS) == 0
    stored = sites.query("SELECT event_id, attr_script_url, attr_script_duration FROM vitals "
                         "ORDER BY event_id").result_rows
    assert [tuple(row) for row in stored] == sorted(
        (event_id, "", 0.0) for event_id in crafted.event_ids(old))
