"""Dashboard: every panel's query on the rollups, cold (no cache) and warm (Redis cache),
against the same answer computed from the raw tables in the same run.

Seeds 10 M vital samples over 30 days for 3 sites and 2,000 page groups (plus server
timings) into a fresh chDB folder. Goals: rollup <= 0.1x raw, cold p95 < 150 ms,
warm p95 < 10 ms."""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import clickhouse_connect
from rich.progress import Progress

from bench.common import emit
from bench.dashboard_seed import SITES, seed
from dashboard.cache import QueryCache
from dashboard.filters import parse_filters
from dashboard.panels.common import TOP_N
from dashboard.querylayer import QueryLayer
from vitalscope.redisstore.client import sync_client
from vitalscope.redisstore.embedded import EmbeddedRedis
from vitalscope.storage.migrator import Migrator
from vitalscope.storage.sql import named_query

DATABASE = "bench"


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _time(action: Callable[[], Any], runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        out.append((time.perf_counter() - started) * 1000)
    return out


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench dashboard")
    parser.add_argument("--samples", type=int, default=10_000_000)
    parser.add_argument("--timings", type=int, default=2_000_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--raw-runs", type=int, default=5)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        redis_server = EmbeddedRedis(Path(tmp) / "redis")
        redis_server.start()
        try:
            return _run(args, Path(tmp), redis_server.url)
        finally:
            redis_server.stop()


def _run(args: argparse.Namespace, tmp: Path, redis_url: str) -> int:
    dsn = f"chdb://{tmp / 'clickhouse'}"
    client = clickhouse_connect.get_client(dsn=dsn)
    client.command(f"CREATE DATABASE IF NOT EXISTS {DATABASE}")
    client.database = DATABASE
    Migrator(client).apply()
    end = datetime.now(UTC)
    seed_started = time.perf_counter()
    with Progress() as progress:
        tasks = {"vitals": progress.add_task("vital samples", total=args.samples),
                 "server_timings": progress.add_task("server timings", total=args.timings)}
        seed(client, end, args.samples, args.timings, 500_000,
             lambda table, n: progress.advance(tasks[table], n))
    seed_s = time.perf_counter() - seed_started
    # Background merges would have folded the parts of past days long ago.
    for table in ("vitals_dims_1h", "vitals_dims_1d", "vitals_pages_1h", "vitals_pages_1d",
                  "server_timings_tier_1h", "server_timings_tier_1d", "vitals", "server_timings"):
        client.command(f"OPTIMIZE TABLE {table} FINAL")
    print(f"seeded {args.samples:,} vitals and {args.timings:,} server timings "
          f"in {seed_s:.0f} s")

    def new_client() -> Any:
        c = clickhouse_connect.get_client(dsn=dsn)
        c.database = DATABASE
        return c

    redis = sync_client(redis_url)
    cold = QueryLayer(new_client, QueryCache(None, 0))
    warm = QueryLayer(new_client, QueryCache(redis, 600))
    site = SITES[0]
    window = parse_filters(site, "30d").window()
    base = {**window.params()}
    dims = {"table": window.table("vitals_dims"), **base}
    ranked = {"table": window.table("vitals_pages"), **base, "sort": "impact",
              "min_samples": 0, "descending": 1, "limit": 25, "offset": 0}
    groups = [r["page_group"] for r in cold.run("pages_ranked", site, ranked)]
    panels: list[tuple[str, str, dict[str, Any], str, dict[str, Any]]] = [
        ("overview cards", "overview_summary", {**dims, "dim": "all", "val": ""},
         "raw_overview_summary", base),
        ("p75 series", "overview_series", {**dims, "dim": "all", "val": ""},
         "raw_overview_series", base),
        ("release markers", "releases", {**dims, "limit": 50}, "raw_releases", base),
        ("breakdown device", "breakdown", {**dims, "dim": "device", "metric": "LCP",
                                           "limit": TOP_N},
         "raw_breakdown", {**base, "metric": "LCP"}),
        ("pages ranking", "pages_ranked", ranked, "raw_pages_counts", base),
        ("pages p75 (25 rows)", "pages_quantiles",
         {"table": window.table("vitals_pages"), **base, "groups": groups},
         "raw_pages_quantiles", {**base, "groups": groups}),
        ("server timings", "server_timings_summary",
         {"table": window.table("server_timings_tier"), **base, "limit": TOP_N},
         "raw_server_timings_summary", base),
        ("cache hit rate series", "server_timings_series",
         {"table": window.table("server_timings_tier"), **base, "limit": TOP_N},
         "raw_server_timings_series", base),
    ]
    figures: dict[str, Any] = {"samples": args.samples, "server_timings": args.timings,
                               "seed_s": round(seed_s, 1), "range": "30d", "panels": {}}
    print(f"{'panel':24} {'cold p50':>9} {'cold p95':>9} {'warm p95':>9} {'raw p50':>9} "
          f"{'ratio':>6}")
    raw_client = new_client()
    ok = True
    for title, query, params, raw_query, raw_params in panels:
        def run_cold(q: str = query, p: dict[str, Any] = params) -> object:
            return cold.run(q, site, p)

        def run_warm(q: str = query, p: dict[str, Any] = params) -> object:
            return warm.run(q, site, p)

        def run_raw(s: str = named_query(f"bench.{raw_query}"),
                    p: dict[str, Any] = raw_params) -> object:
            return raw_client.query(s, parameters={**p, "site": site})

        cold_ms = _time(run_cold, args.runs)
        run_warm()
        warm_ms = _time(run_warm, args.runs)
        raw_ms = _time(run_raw, args.raw_runs)
        entry: dict[str, Any] = {
            "cold_p50_ms": statistics.median(cold_ms), "cold_p95_ms": _pct(cold_ms, 0.95),
            "warm_p50_ms": statistics.median(warm_ms), "warm_p95_ms": _pct(warm_ms, 0.95),
            "raw_p50_ms": statistics.median(raw_ms)}
        entry["ratio_cold_vs_raw"] = entry["cold_p50_ms"] / entry["raw_p50_ms"]
        entry["goals_met"] = (entry["ratio_cold_vs_raw"] <= 0.1 and entry["cold_p95_ms"] < 150
                              and entry["warm_p95_ms"] < 10)
        ok = ok and bool(entry["goals_met"])
        figures["panels"][title] = {k: round(v, 3) if isinstance(v, float) else v
                                    for k, v in entry.items()}
        print(f"{title:24} {entry['cold_p50_ms']:9.1f} {entry['cold_p95_ms']:9.1f} "
              f"{entry['warm_p95_ms']:9.2f} {entry['raw_p50_ms']:9.1f} "
              f"{entry['ratio_cold_vs_raw']:6.3f}{'' if entry['goals_met'] else '  (goal missed)'}")
    sizes = client.query(
        "SELECT table, sum(rows), sum(bytes_on_disk) FROM system.parts WHERE active "
        "AND database = {db:String} AND table IN ('vitals', 'vitals_dims_1d', "
        "'vitals_dims_1h', 'vitals_pages_1d', 'vitals_pages_1h') GROUP BY table ORDER BY table",
        parameters={"db": DATABASE}).result_rows
    figures["table_rows"] = {t: int(r) for t, r, _ in sizes}
    figures["table_bytes"] = {t: int(b) for t, _, b in sizes}
    for table, rows, size in sizes:
        print(f"{table:18} {int(rows):>12,} rows {int(size) / 1e6:9.1f} MB")
    figures["all_goals_met"] = ok
    emit(figures)
    return 0
