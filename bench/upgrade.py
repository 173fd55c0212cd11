"""What an upgrade costs on an install that already holds data: a fresh chDB folder at the
schema before `--since` (default 84, the log-bucket migrations), seeded like `python -m bench
dashboard` (Zipf page popularity, 30 days) and merged, then every later migration applied one
at a time and timed. Baseline in the same run: the seconds the same samples took to be
written through the old schema's views (the seed), so the figure reads "an upgrade costs X
of writing the data once"."""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import clickhouse_connect

from bench.common import emit
from bench.dashboard_seed import DISTRIBUTIONS, seed
from bench.rollup_sizes import RAW_TABLES, rollup_targets
from vitalscope.storage.migrator import Migrator, load_migrations

DATABASE = "bench"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench upgrade")
    parser.add_argument("--samples", type=int, default=2_000_000)
    parser.add_argument("--since", type=int, default=84,
                        help="the first migration timed (the install holds those before it)")
    args = parser.parse_args(argv)
    migrations = load_migrations()
    with tempfile.TemporaryDirectory() as tmp:
        client = clickhouse_connect.get_client(dsn=f"chdb://{Path(tmp) / 'clickhouse'}")
        client.command(f"CREATE DATABASE IF NOT EXISTS {DATABASE}")
        client.database = DATABASE
        Migrator(client, migrations=[m for m in migrations if m.version < args.since]).apply()
        started = time.perf_counter()
        seed(client, datetime.now(UTC), args.samples, args.samples // 5, 500_000,
             lambda table, n: None, args.samples // 5, args.samples // 20,
             skew=DISTRIBUTIONS["zipf"])
        seed_s = time.perf_counter() - started
        for table in (*RAW_TABLES, *(t for ts in rollup_targets(client, DATABASE).values()
                                     for t in ts)):
            client.command(f"OPTIMIZE TABLE {table} FINAL")
        print(f"seeded {args.samples:,} vital samples (and the other tables) through the "
              f"schema before {args.since:04d} in {seed_s:.1f} s")
        timed: dict[str, float] = {}
        for migration in (m for m in migrations if m.version >= args.since):
            started = time.perf_counter()
            Migrator(client, migrations=[m for m in migrations
                                         if m.version <= migration.version]).apply()
            timed[migration.file_name] = round(time.perf_counter() - started, 2)
            print(f"  {migration.file_name:45} {timed[migration.file_name]:8.2f} s  "
                  f"{timed[migration.file_name] / seed_s:6.3f} x seed")
        total = sum(timed.values())
        print(f"  {'all':45} {total:8.2f} s  {total / seed_s:6.3f} x seed")
    emit({"samples": args.samples, "since": args.since, "seed_s": round(seed_s, 2),
          "migrations_s": timed, "total_s": round(total, 2),
          "total_over_seed": round(total / seed_s, 3)})
    return 0
