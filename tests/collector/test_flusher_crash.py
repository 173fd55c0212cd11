"""The flusher SIGKILLed before its insert, after the insert but before the
acknowledgement, and halfway through splitting a refused insert: once restarted (or
reclaimed by another flusher through XAUTOCLAIM) every accepted event is in ClickHouse
exactly once.

The flusher runs as its own process on its own chDB folder (chDB: one process per folder);
beacons arrive over HTTP at a collector in this process (Redis and sites only)."""

from __future__ import annotations

import json
import os
import subprocess
import time
from pathlib import Path

import pytest
import redis

from tests.collector import crafted
from tests.collector.harness import InProcessCollector
from tests.collector.load import Load
from tests.support import forked
from vitalscope.redisstore import keys
from vitalscope.redisstore.embedded import EmbeddedRedis

BEACONS = 60  # 3 threads x 20
BATCH = 15


def _flusher(data: Path, redis_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    return forked.run(["-m", "tests.collector.flusher_proc", "--data", str(data),
                       "--redis", redis_url, "--database", "vitalscope", "--batch",
                       str(BATCH), *args], env=dict(os.environ), timeout=120)


@pytest.mark.parametrize(("stage", "recovery"), [
    ("before_insert", ["--consumer", "flusher-a"]),  # restarted: its own pending entries
    ("after_insert", ["--consumer", "flusher-b", "--claim-idle", "0.3"]),  # XAUTOCLAIM
])
def test_flusher_killed_mid_batch_stores_everything_exactly_once(
        stage: str, recovery: list[str], running_without_flusher: InProcessCollector,
        redis_client: redis.Redis, redis_server: EmbeddedRedis, tmp_path: Path) -> None:
    load = Load(running_without_flusher.url).start(per_thread=BEACONS // 3).join()
    assert load.accepted == BEACONS
    data = tmp_path / "flusher"

    crashed = _flusher(data, redis_server.url, "--consumer", "flusher-a", "--crash-at", stage)
    assert crashed.returncode == -9, crashed.stderr
    pending = redis_client.xpending(keys.STREAM, keys.GROUP)
    assert pending["pending"] == BATCH
    assert redis_client.hlen(keys.BATCHES) == 1  # the manifest of the batch in flight

    drained = _flusher(data, redis_server.url, *recovery)
    assert drained.returncode == 0, drained.stderr
    assert redis_client.xpending(keys.STREAM, keys.GROUP)["pending"] == 0
    assert redis_client.hlen(keys.BATCHES) == 0

    report = _flusher(data, redis_server.url, "--report")
    counts = json.loads(report.stdout.strip().splitlines()[-1])
    assert counts["page_views"] == [BEACONS, BEACONS]
    vitals, timings = counts["vitals"], counts["server_timings"]
    assert vitals[0] == vitals[1] and timings[0] == timings[1]  # no duplicates
    assert vitals[0] + timings[0] == len(load.accepted_ids)  # nothing lost
    assert counts["vitals_1m"][0] == vitals[0]  # rollups deduplicated too


def test_flusher_killed_mid_split_replays_the_same_ranges(
        running_without_flusher: InProcessCollector, redis_client: redis.Redis,
        redis_server: EmbeddedRedis, tmp_path: Path) -> None:
    load = Load(running_without_flusher.url).start(per_thread=BEACONS // 3).join()
    now = int(time.time() * 1000)
    good = [crafted.vital_row(now - i) for i in range(50)]
    crafted.queue(redis_client, [*good[:40], crafted.vital_row(now, value="nan?"), *good[40:]])
    data = tmp_path / "flusher"

    # Killed right after the first half of the refused vitals insert landed.
    crashed = _flusher(data, redis_server.url, "--batch", "1000", "--crash-at",
                       "range_inserted")
    assert crashed.returncode == -9, crashed.stderr
    assert redis_client.xpending(keys.STREAM, keys.GROUP)["pending"] == BEACONS + 1
    manifest = json.loads(next(iter(redis_client.hgetall(keys.BATCHES).values())))
    assert manifest["ranges"] == {"vitals": [[0, 2 * BEACONS + 51]]}

    drained = _flusher(data, redis_server.url, "--batch", "1000")
    assert drained.returncode == 0, drained.stderr
    assert redis_client.xpending(keys.STREAM, keys.GROUP)["pending"] == 0
    assert redis_client.hlen(keys.BATCHES) == 0
    assert redis_client.xlen(keys.DEAD_LETTERS) == 1

    report = _flusher(data, redis_server.url, "--report")
    counts = json.loads(report.stdout.strip().splitlines()[-1])
    vitals, timings = counts["vitals"], counts["server_timings"]
    assert vitals[0] == vitals[1] and timings[0] == timings[1]  # no duplicates
    assert vitals[0] + timings[0] == len(load.accepted_ids) + len(good)  # nothing lost
    assert counts["page_views"] == [BEACONS, BEACONS]
    assert counts["vitals_1m"][0] == vitals[0]  # the rollups saw each range once
