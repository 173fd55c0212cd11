"""A batch with JS errors replayed after the flusher died between its insert and its
acknowledgement (another flusher reclaims it and inserts it again with the same tokens) is
stored once in js_errors and counted once in the error rollups of every tier.

The flusher runs as its own process on its own chDB folder, as in test_flusher_crash.py."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import redis

from tests.collector.beacons import CHROME_UA, beacon
from tests.collector.conftest import KEY, ORIGIN
from tests.collector.harness import InProcessCollector
from tests.collector.test_flusher_crash import _flusher
from vitalscope.redisstore import keys
from vitalscope.redisstore.embedded import EmbeddedRedis

HEADERS = {"Origin": ORIGIN, "User-Agent": CHROME_UA, "Content-Type": "text/plain"}
BEACONS = 12
ERRORS = 2  # per beacon


def test_a_replayed_batch_of_errors_is_stored_and_counted_once(
        running_without_flusher: InProcessCollector, redis_client: redis.Redis,
        redis_server: EmbeddedRedis, tmp_path: Path) -> None:
    with httpx.Client(base_url=running_without_flusher.url) as client:
        for _ in range(BEACONS):
            answer = client.post(f"/v1/beacon?k={KEY}", headers=HEADERS,
                                 content=json.dumps(beacon(n_vitals=1, n_timings=0,
                                                           errors=ERRORS)))
            assert answer.status_code == 204, answer.text
    data = tmp_path / "flusher"

    # Killed after every table of the batch was inserted, before the acknowledgement.
    crashed = _flusher(data, redis_server.url, "--batch", "1000", "--consumer", "flusher-a",
                       "--crash-at", "after_insert")
    assert crashed.returncode == -9, crashed.stderr
    assert redis_client.xpending(keys.STREAM, keys.GROUP)["pending"] == BEACONS
    first = json.loads(_flusher(data, redis_server.url, "--report").stdout.strip()
                       .splitlines()[-1])
    assert first["js_errors"] == [BEACONS * ERRORS, BEACONS * ERRORS]  # the insert landed

    drained = _flusher(data, redis_server.url, "--batch", "1000", "--consumer", "flusher-b",
                       "--claim-idle", "0.3")
    assert drained.returncode == 0, drained.stderr
    assert redis_client.xpending(keys.STREAM, keys.GROUP)["pending"] == 0
    assert redis_client.hlen(keys.BATCHES) == 0

    counts = json.loads(_flusher(data, redis_server.url, "--report").stdout.strip()
                        .splitlines()[-1])
    total = BEACONS * ERRORS
    assert counts["js_errors"] == [total, total]  # no row twice
    assert counts["js_error_occurrences"][0] == total
    for tier in ("errors_tier_1m", "errors_tier_1h", "errors_tier_1d"):
        assert counts[tier][0] == total, (tier, counts)  # the rollups saw the batch once
