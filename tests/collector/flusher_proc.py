"""The flusher as a process of its own, for the crash tests: `python -m
tests.collector.flusher_proc --data DIR --redis URL --database DB [options]`.

chDB allows one process per data folder, so the test process (which holds the session's
chDB folder) cannot read this process's tables: `--report` prints the counts as JSON.
`--crash-at STAGE` SIGKILLs the process at that point of the first batch (before_insert:
nothing inserted; after_insert: inserted, not acknowledged)."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
from pathlib import Path

from collector.flusher import Flusher
from tests.collector.queue import drained
from vitalscope.config import load_settings
from vitalscope.redisstore.client import sync_client
from vitalscope.storage.clickhouse import connect
from vitalscope.storage.migrator import Migrator

COUNTS = {
    "page_views": "SELECT count(), uniqExact(page_view_id) FROM page_views",
    "vitals": "SELECT count(), uniqExact(event_id) FROM vitals",
    "server_timings": "SELECT count(), uniqExact(event_id) FROM server_timings",
    "js_errors": "SELECT count(), uniqExact(event_id) FROM js_errors",
    "vitals_1m": "SELECT sum(samples), 0 FROM vitals_1m",
    "server_timings_1m": "SELECT sum(samples), 0 FROM server_timings_1m",
    "js_error_occurrences": "SELECT sum(occurrences), 0 FROM js_errors",
    "errors_tier_1m": "SELECT sum(occurrences), 0 FROM errors_tier_1m",
    "errors_tier_1h": "SELECT sum(occurrences), 0 FROM errors_tier_1h",
    "errors_tier_1d": "SELECT sum(occurrences), 0 FROM errors_tier_1d",
}


def _drained(url: str) -> bool:
    client = sync_client(url)
    try:
        return drained(client)
    finally:
        client.close()


async def _flush(args: argparse.Namespace) -> None:
    settings = load_settings(
        data=Path(args.data), clickhouse_url=f"chdb://{args.data}/clickhouse",
        clickhouse_database=args.database, redis_url=args.redis,
        collector={"consumer_name": args.consumer, "claim_idle_s": args.claim_idle,
                   "flush_interval_s": 0.2, "flush_max_entries": args.batch},
    )

    def stage(name: str) -> None:
        if name == args.crash_at:
            os.kill(os.getpid(), signal.SIGKILL)

    flusher = Flusher(args.redis, lambda: connect(settings), settings.collector,
                      on_stage=stage)
    await flusher.start()
    # Polling Redis from outside the flusher: it knows nothing of the stream being drained.
    while not await asyncio.to_thread(_drained, args.redis):  # noqa: ASYNC110
        await asyncio.sleep(0.2)
    await flusher.stop()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", required=True)
    parser.add_argument("--redis", required=True)
    parser.add_argument("--database", required=True)
    parser.add_argument("--consumer", default="flusher-a")
    parser.add_argument("--claim-idle", type=float, default=60.0)
    parser.add_argument("--batch", type=int, default=5000)
    parser.add_argument("--crash-at", default=None)
    parser.add_argument("--report", action="store_true")
    args = parser.parse_args()
    settings = load_settings(data=Path(args.data), clickhouse_url=f"chdb://{args.data}/clickhouse",
                             clickhouse_database=args.database)
    client = connect(settings, create_database=True)
    Migrator(client).apply()
    if args.report:
        print(json.dumps({name: list(client.query(sql).result_rows[0])
                          for name, sql in COUNTS.items()}))
        return
    client.close()
    asyncio.run(_flush(args))


if __name__ == "__main__":
    main()
