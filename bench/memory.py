"""Redis memory per queued beacon and per event, with the flusher stopped (so everything
queued stays in Redis): `INFO memory` used_memory after N beacons minus before, divided by
the beacons (and events) the collector accepted. Three beacons: the benchmark's typical one
(5 vitals + 3 server timings), one built for the most expansion the wire format allows
(bench/hostile_beacons.py: 200 events, context at its longest, gzip), and the largest such
beacon the collector accepts.

`python -m bench memory [--baseline DIR]`: with DIR a checkout of another version (e.g.
`git archive <commit> | tar -x -C DIR`), the same figures are measured for it in the same run
and printed side by side."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import httpx
import redis

from bench.common import emit, free_port
from bench.hostile_beacons import MAX_EVENTS, expanding_beacon, gzipped, typical_beacon
from bench.ingest import _wait_listening
from bench.loadgen import KEY, ORIGIN, USER_AGENT
from vitalscope.redisstore import keys

HEADERS = {"Origin": ORIGIN, "User-Agent": USER_AGENT, "Content-Type": "text/plain"}


class _Collector:
    """The collector without its flusher (`bench.ingest_apps collector --no-flusher`), run
    from `code` (this checkout, or the baseline's)."""

    def __init__(self, code: Path, data: Path) -> None:
        self.port = free_port()
        env = {k: v for k, v in os.environ.items() if not k.startswith("VITALSCOPE_")}
        env["PYTHONPATH"] = str(code)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bench.ingest_apps", "collector", str(self.port),
             "--data", str(data), "--no-flusher"],
            cwd=code, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _wait_listening(self.port, self.process)
        # The embedded Redis's socket, as vitalscope/redisstore/embedded.py names it.
        from vitalscope.datadir import DataDir
        from vitalscope.redisstore.embedded import EmbeddedRedis

        self.redis = redis.Redis.from_url(EmbeddedRedis(DataDir(data).redis_dir).url)
        self.http = httpx.Client(base_url=f"http://127.0.0.1:{self.port}", timeout=30)

    def used_memory(self) -> int:
        return int(self.redis.info("memory")["used_memory"])

    def counted(self) -> int:
        """The stream's byte count (versions that keep one; 0 otherwise)."""
        return int(self.redis.get(keys.STREAM_BYTES) or 0)

    def post(self, body: dict[str, Any]) -> int:
        answer = self.http.post(f"/v1/beacon?k={KEY}", content=gzipped(body),
                                headers={**HEADERS, "Content-Encoding": "gzip"})
        return answer.status_code

    def close(self) -> None:
        self.http.close()
        self.redis.close()
        self.process.terminate()
        self.process.wait(60)


def _measure(collector: _Collector, make: Any, count: int) -> dict[str, Any]:
    bodies = [make() for _ in range(count)]
    before, counted_before = collector.used_memory(), collector.counted()
    statuses = [collector.post(body) for body in bodies]
    grown = collector.used_memory() - before
    counted = collector.counted() - counted_before
    accepted = statuses.count(204)
    events = len(bodies[0]["e"])
    return {
        "sent": count, "accepted": accepted, "events_per_beacon": events,
        "wire_bytes": len(gzipped(bodies[0])),
        "redis_bytes": grown,
        "redis_bytes_per_beacon": round(grown / accepted) if accepted else 0,
        "redis_bytes_per_event": round(grown / accepted / events) if accepted else 0,
        "refused": {str(s): statuses.count(s) for s in set(statuses) if s != 204},
        # Redis's memory for the stream against the bytes its cap counts (entry payloads).
        "redis_vs_counted": round(grown / counted, 3) if counted else None,
    }


def _largest_accepted(collector: _Collector) -> int:
    """Events of the largest expanding beacon the collector accepts (binary search)."""
    low, high = 0, MAX_EVENTS
    while low < high:
        middle = (low + high + 1) // 2
        if collector.post(expanding_beacon(middle)) == 204:
            low = middle
        else:
            high = middle - 1
    return low


def _run(code: Path, data: Path, typical: int, hostile: int) -> dict[str, Any]:
    collector = _Collector(code, data)
    try:
        largest = _largest_accepted(collector)
        return {
            "typical": _measure(collector, typical_beacon, typical),
            "expanding": _measure(collector, expanding_beacon, hostile),
            "largest_accepted_events": largest,
            "largest_accepted": _measure(collector, lambda: expanding_beacon(largest),
                                         hostile) if largest else None,
        }
    finally:
        collector.close()


def _print(label: str, figures: dict[str, Any]) -> None:
    for kind in ("typical", "expanding", "largest_accepted"):
        f = figures.get(kind)
        if not f:
            continue
        print(f"{label:>9} {kind:>16}: {f['accepted']}/{f['sent']} accepted, "
              f"{f['wire_bytes']} B on the wire, {f['redis_bytes_per_beacon']} B of Redis per "
              f"beacon ({f['events_per_beacon']} events, {f['redis_bytes_per_event']} B per "
              f"event), refused {f['refused']}, Redis / counted bytes {f['redis_vs_counted']}")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench memory")
    parser.add_argument("--baseline", type=Path, help="checkout of the version to compare")
    parser.add_argument("--typical", type=int, default=2000, help="typical beacons sent")
    parser.add_argument("--hostile", type=int, default=40, help="expanding beacons sent")
    args = parser.parse_args(argv)
    here = Path(__file__).resolve().parents[1]
    figures: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="vs-bench-memory-") as tmp:
        runs = [("this", here)] + ([("baseline", args.baseline.resolve())]
                                   if args.baseline else [])
        for label, code in runs:
            figures[label] = _run(code, Path(tmp) / label, args.typical, args.hostile)
            _print(label, figures[label])
    if args.baseline:
        this, base = figures["this"], figures["baseline"]
        figures["typical_per_event_vs_baseline"] = round(
            this["typical"]["redis_bytes_per_event"]
            / max(1, base["typical"]["redis_bytes_per_event"]), 3)
        worst = this["largest_accepted"] or this["typical"]
        figures["worst_per_beacon_vs_baseline"] = round(
            worst["redis_bytes_per_beacon"]
            / max(1, base["expanding"]["redis_bytes_per_beacon"]), 4)
        print(f"typical beacon, Redis bytes per event: this / baseline = "
              f"{figures['typical_per_event_vs_baseline']}")
        print(f"worst accepted beacon, Redis bytes: this / baseline = "
              f"{figures['worst_per_beacon_vs_baseline']}")
    emit(json.loads(json.dumps(figures)))
    return 0
