"""Flush: rows/s one flusher inserts into chDB from a backlog of queued beacons, and the
Redis memory that backlog held.

N typical beacons (5 vitals + 3 server timings each, unique event ids) go through a
collector without its flusher (`bench.ingest_apps collector --no-flusher`), so they all stay
queued in the Redis stream: `INFO memory` used_memory after minus before gives Redis bytes
per queued beacon and per event. The collector then stops; this process opens the same data
folder (embedded Redis restores the stream from its append-only file, chDB the tables) and
starts one flusher with the default batch settings, timing it from start until the consumer
group has no lag and nothing pending. Rows = page views + vitals + server timings stored.
Last, bytes on disk per table after OPTIMIZE FINAL: the beacons repeat one URL and the same
values, so these compress better than real traffic (use `bench dashboard` for raw bytes per
sample on varied data).

`python -m bench flush [--beacons N] [--threads T]`."""

from __future__ import annotations

import argparse
import asyncio
import os
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

from bench.common import emit, machine_line, tree_cpu_s
from bench.hostile_beacons import typical_beacon
from bench.memory import _Collector
from vitalscope.redisstore import keys

RAW_TABLES = ("page_views", "vitals", "server_timings")
def _queue(data: Path, beacons: int, threads: int) -> dict[str, Any]:
    collector = _Collector(Path(__file__).resolve().parents[1], data)
    try:
        bodies = [typical_beacon() for _ in range(beacons)]
        before = collector.used_memory()
        cpu_before = tree_cpu_s(collector.process.pid)
        started = time.perf_counter()
        with ThreadPoolExecutor(threads) as pool:
            statuses = list(pool.map(collector.post, bodies))
        post_s = time.perf_counter() - started
        cpu_s = tree_cpu_s(collector.process.pid) - cpu_before
        grown = collector.used_memory() - before
        queued = int(collector.redis.xlen(keys.STREAM))
    finally:
        # SIGTERM: the embedded Redis shuts down cleanly, its append-only file complete.
        collector.close()
    accepted = statuses.count(204)
    events = len(bodies[0]["e"])
    return {"sent": beacons, "accepted": accepted, "queued_entries": queued,
            "refused": {str(s): statuses.count(s) for s in set(statuses) if s != 204},
            "events_per_beacon": events, "post_s": round(post_s, 1),
            "collector_cpu_s": round(cpu_s, 2),
            "collector_beacons_per_cpu_s": round(accepted / cpu_s) if cpu_s else 0,
            "redis_bytes": grown,
            "redis_bytes_per_beacon": round(grown / accepted) if accepted else 0,
            "redis_bytes_per_event": round(grown / accepted / events) if accepted else 0}


async def _flush(runtime: Any, expected_entries: int) -> tuple[float, float]:
    """Wall seconds and this process's CPU seconds (the flusher and chDB's threads; the
    embedded Redis is a process of its own) until the backlog is flushed."""
    from collector.wiring import flusher

    redis = runtime.redis
    service = flusher(runtime)
    started, cpu_started = time.perf_counter(), time.process_time()
    await service.start()
    try:
        while True:
            # Flushed: the group has been handed the newest entry and has nothing pending.
            last = redis.xinfo_stream(keys.STREAM)["last-generated-id"]
            group = [g for g in redis.xinfo_groups(keys.STREAM)
                     if g["name"] in (keys.GROUP, keys.GROUP.encode())]
            if group and group[0]["pending"] == 0 and group[0]["last-delivered-id"] == last:
                return time.perf_counter() - started, time.process_time() - cpu_started
            if time.perf_counter() - started > 600:
                raise TimeoutError(f"flusher not done within 600 s ({expected_entries} "
                                   f"entries queued): {group}")
            await asyncio.sleep(0.05)
    finally:
        await service.stop()


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench flush")
    parser.add_argument("--beacons", type=int, default=10_000,
                        help="beacons queued (default: 2 batches of flush_max_entries)")
    parser.add_argument("--threads", type=int, default=16, help="concurrent posts")
    args = parser.parse_args(argv)
    print(machine_line("flush benchmark", f"{args.beacons:,} beacons"))
    from vitalscope.config import load_settings
    from vitalscope.runtime import Role, Runtime

    with TemporaryDirectory(prefix="vs-bench-flush-") as tmp:
        data = Path(tmp) / "data"
        queued = _queue(data, args.beacons, args.threads)
        print(f"queued {queued['accepted']:,}/{queued['sent']:,} beacons in "
              f"{queued['post_s']} s (refused {queued['refused']}); Redis: "
              f"{queued['redis_bytes_per_beacon']} B per beacon, "
              f"{queued['redis_bytes_per_event']} B per event; collector "
              f"{queued['collector_cpu_s']} CPU s: {queued['collector_beacons_per_cpu_s']:,} "
              "beacons per CPU second")
        settings = load_settings(data=data, collector={"stream_max_len": 50_000_000})
        runtime = Runtime.open(settings, Role.SERVE, migrate=True)
        try:
            restored = int(runtime.redis.xlen(keys.STREAM))
            if restored != queued["queued_entries"]:
                raise RuntimeError(f"{queued['queued_entries']} entries queued, "
                                   f"{restored} after the restart")
            flush_s, flush_cpu_s = asyncio.run(_flush(runtime, restored))
            client = runtime.new_clickhouse_client()
            rows = {table: int(client.query(f"SELECT count() FROM {table}").result_rows[0][0])
                    for table in RAW_TABLES}
            for table in RAW_TABLES:
                client.command(f"OPTIMIZE TABLE {table} FINAL")
            parts = client.query(
                "SELECT table, sum(rows), sum(bytes_on_disk) FROM system.parts WHERE active "
                "AND database = currentDatabase() GROUP BY table ORDER BY table").result_rows
        finally:
            runtime.close()
    total = sum(rows.values())
    figures: dict[str, Any] = {
        **queued, "flush_s": round(flush_s, 2), "rows": rows,
        "rows_per_s": round(total / flush_s), "beacons_per_s": round(restored / flush_s),
        "flush_cpu_s": round(flush_cpu_s, 2), "rows_per_cpu_s": round(total / flush_cpu_s),
        "flush_max_entries": settings.collector.flush_max_entries,
        "table_rows": {t: int(r) for t, r, _ in parts},
        "table_bytes": {t: int(b) for t, _, b in parts},
        "load_average": round(os.getloadavg()[0], 1)}
    print(f"flushed {restored:,} beacons = {total:,} rows in {flush_s:.1f} s: "
          f"{figures['rows_per_s']:,} rows/s, {figures['beacons_per_s']:,} beacons/s "
          f"(one flusher, batches of {figures['flush_max_entries']:,} beacons); "
          f"{flush_cpu_s:.1f} CPU s: {figures['rows_per_cpu_s']:,} rows per CPU second")
    for table, count, size in parts:
        per = f"{int(size) / int(count):7.1f} B/row" if count else ""
        print(f"{table:26} {int(count):>10,} rows {int(size) / 1e6:9.2f} MB {per}")
    emit(figures)
    return 0
