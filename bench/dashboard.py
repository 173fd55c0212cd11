"""Dashboard: every panel's query on the rollups, cold (no cache) and warm (Redis cache),
against the same answer computed from the raw tables in the same run.

Seeds 10 M vital samples over 30 days for 3 sites and 2,000 page groups (plus server
timings, 2 M page views and 500 k JS errors in a few hundred groups per site) into a fresh
chDB folder, the page groups' popularity Zipf-like or uniform (`--distribution`; `both` runs
one dataset after the other). The error panels are timed as queries and as whole panels
(every query the Errors page's table or the Overview's error rate runs), and every rollup
table is sized against its raw table. Goals: rollup <= 0.1x raw, cold p95 < 150 ms, warm
p95 < 10 ms."""

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
from bench.dashboard_seed import DAYS, DISTRIBUTIONS, SITES, seed
from bench.rollup_sizes import (
    RAW_TABLES,
    print_rollup_figures,
    retention_days,
    rollup_figures,
    rollup_targets,
    table_sizes,
)
from dashboard.cache import QueryCache
from dashboard.filters import parse_filters
from dashboard.panels import errors
from dashboard.panels.common import TOP_N
from dashboard.panels.pages import attribution_window
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


def _reads(client: Any, action: Callable[[], Any]) -> tuple[int, int]:
    """Rows and bytes the MergeTree reads of one run of `action` selected (process-wide
    counters; the bench runs one query at a time and the tables are merged, so nothing else
    reads meanwhile)."""
    before = client.query(named_query("bench.read_events")).result_rows[0]
    action()
    after = client.query(named_query("bench.read_events")).result_rows[0]
    return int(after[0] - before[0]), int(after[1] - before[1])


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench dashboard")
    parser.add_argument("--samples", type=int, default=10_000_000)
    parser.add_argument("--timings", type=int, default=2_000_000)
    parser.add_argument("--page-views", type=int, default=None,
                        help="page views to seed (default: a fifth of --samples)")
    parser.add_argument("--errors", type=int, default=None,
                        help="JS errors to seed (default: a twentieth of --samples)")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--raw-runs", type=int, default=5)
    parser.add_argument("--distribution", choices=[*DISTRIBUTIONS, "both"], default="zipf",
                        help="page-group popularity: zipf (exponent "
                             f"{DISTRIBUTIONS['zipf']}), uniform, or both datasets in turn")
    args = parser.parse_args(argv)
    names = list(DISTRIBUTIONS) if args.distribution == "both" else [args.distribution]
    results = {}
    for name in names:
        # A fresh chDB folder and Redis per dataset: nothing of one run warms the other.
        with tempfile.TemporaryDirectory() as tmp:
            redis_server = EmbeddedRedis(Path(tmp) / "redis")
            redis_server.start()
            try:
                results[name] = _run(args, name, Path(tmp), redis_server.url)
            finally:
                redis_server.stop()
        if len(names) > 1:
            print(f"-- {name} done --")
    if len(names) == 1:
        emit(results[names[0]])
    else:
        emit({"distribution": "both", "runs": results,
              "all_goals_met": all(r["all_goals_met"] for r in results.values())})
    return 0


def _run(args: argparse.Namespace, distribution: str, tmp: Path,
         redis_url: str) -> dict[str, Any]:
    print(f"== {distribution} page-group popularity "
          f"(exponent {DISTRIBUTIONS[distribution]}) ==")
    dsn = f"chdb://{tmp / 'clickhouse'}"
    client = clickhouse_connect.get_client(dsn=dsn)
    client.command(f"CREATE DATABASE IF NOT EXISTS {DATABASE}")
    client.database = DATABASE
    Migrator(client).apply()
    end = datetime.now(UTC)
    page_views = args.samples // 5 if args.page_views is None else args.page_views
    js_errors = args.samples // 20 if args.errors is None else args.errors
    seed_started = time.perf_counter()
    with Progress() as progress:
        tasks = {"vitals": progress.add_task("vital samples", total=args.samples),
                 "server_timings": progress.add_task("server timings", total=args.timings),
                 "page_views": progress.add_task("page views", total=page_views),
                 "js_errors": progress.add_task("JS errors", total=js_errors)}
        seed(client, end, args.samples, args.timings, 500_000,
             lambda table, n: progress.advance(tasks[table], n), page_views, js_errors,
             skew=DISTRIBUTIONS[distribution])
    seed_s = time.perf_counter() - seed_started
    # Background merges would have folded the parts of past days long ago (and TTLs dropped
    # what the 1m tiers no longer keep), so time and size the folded tables.
    targets = rollup_targets(client, DATABASE)
    for table in (*RAW_TABLES, *(t for rollups in targets.values() for t in rollups)):
        client.command(f"OPTIMIZE TABLE {table} FINAL")
    print(f"seeded {args.samples:,} vitals, {args.timings:,} server timings, "
          f"{page_views:,} page views and {js_errors:,} JS errors in {seed_s:.0f} s")

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
    ranked = {"table": window.table("vitals_page_counts"), **base, "sort": "impact",
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
    # The Pages drill-down's attribution of the most viewed page group (the densest rows),
    # over the window its rollups are read for (pages.attribution_window).
    if groups:
        attribution = attribution_window(window)
        top_group = {**attribution.params(), "page_group": groups[0]}
        panels += [
            ("drill-down elements", "page_targets",
             {"table": attribution.table("vitals_targets"), **top_group},
             "raw_page_targets", top_group),
            ("drill-down nav types", "page_navigation_types",
             {"table": attribution.table("vitals_navs"), **top_group},
             "raw_page_navigation_types", top_group),
        ]
    filters = parse_filters(site, "30d")
    shown = errors.groups(cold, filters)["groups"]
    prints = [int(g["fingerprint"]) for g in shown]
    slot_s = shown[0]["trend"]["slot_s"] if shown else 86400
    # The tables the Errors page reads (panels/errors.py): groups and trend per group alone
    # (errors_by_group_*, migration 0081), top values per page group, browser and release.
    by_group = {"table": window.table("errors_by_group"), **base}
    by_dims = {"table": window.table("errors_tier"), **base}
    error_panels: list[tuple[str, str, dict[str, Any], str, dict[str, Any]]] = [
        ("errors groups (25)", "errors_groups",
         {**by_group, "sort": "occurrences", "descending": 1, "limit": 25, "offset": 0},
         "raw_errors_groups", base),
        ("errors trend (25)", "errors_trend",
         {**by_group, "fingerprints": prints, "slot_s": slot_s},
         "raw_errors_trend", {**base, "fingerprints": prints, "slot_s": slot_s}),
        ("errors top values", "errors_top_values",
         {**by_dims, "fingerprints": prints, "limit": errors.TOP_VALUES},
         "raw_errors_top_values", {**base, "fingerprints": prints, "limit": errors.TOP_VALUES}),
    ]
    raw_client = new_client()

    def query(layer: QueryLayer, name: str, params: dict[str, Any]) -> Callable[[], object]:
        return lambda: layer.run(name, site, params)

    def raw(*queries: tuple[str, dict[str, Any]]) -> Callable[[], object]:
        return lambda: [raw_client.query(named_query(f"bench.{name}"),
                                          parameters={**params, "site": site})
                        for name, params in queries]

    # title -> (cold, warm, raw) runs
    runs: dict[str, tuple[Callable[[], object], Callable[[], object], Callable[[], object]]] = {
        title: (query(cold, q, params), query(warm, q, params), raw((raw_query, raw_params)))
        for title, q, params, raw_query, raw_params in [*panels, *error_panels]}
    raw_table = raw(("raw_errors_groups", base),
                    ("raw_errors_trend", {**base, "fingerprints": prints, "slot_s": slot_s}),
                    ("raw_errors_top_values", {**base, "fingerprints": prints,
                                               "limit": errors.TOP_VALUES}),
                    ("raw_errors_page_views", base))
    runs["errors panel (table)"] = (lambda: errors.groups(cold, filters),
                                    lambda: errors.groups(warm, filters), raw_table)
    runs["error rate (overview)"] = (lambda: errors.error_rate(cold, filters),
                                     lambda: errors.error_rate(warm, filters),
                                     raw(("raw_error_rate", base),
                                         ("raw_errors_page_views", base)))
    figures: dict[str, Any] = {"distribution": distribution,
                               "page_group_exponent": DISTRIBUTIONS[distribution],
                               "samples": args.samples, "server_timings": args.timings,
                               "page_views": page_views, "js_errors": js_errors,
                               "error_groups_shown": len(shown),
                               "seed_s": round(seed_s, 1), "range": "30d", "panels": {}}
    print(f"{'panel':24} {'cold p50':>9} {'cold p95':>9} {'warm p95':>9} {'raw p50':>9} "
          f"{'ratio':>6} {'read MB':>8} {'raw MB':>8} {'bytes':>6}")
    ok = True
    for title, (run_cold, run_warm, run_raw) in runs.items():
        cold_ms = _time(run_cold, args.runs)
        run_warm()
        warm_ms = _time(run_warm, args.runs)
        raw_ms = _time(run_raw, args.raw_runs)
        read_rows, read_bytes = _reads(raw_client, run_cold)
        raw_read_rows, raw_read_bytes = _reads(raw_client, run_raw)
        entry: dict[str, Any] = {
            "cold_p50_ms": statistics.median(cold_ms), "cold_p95_ms": _pct(cold_ms, 0.95),
            "warm_p50_ms": statistics.median(warm_ms), "warm_p95_ms": _pct(warm_ms, 0.95),
            "raw_p50_ms": statistics.median(raw_ms),
            "read_rows": read_rows, "read_bytes": read_bytes,
            "raw_read_rows": raw_read_rows, "raw_read_bytes": raw_read_bytes}
        entry["ratio_cold_vs_raw"] = entry["cold_p50_ms"] / entry["raw_p50_ms"]
        # What the rollups read over what the raw answer reads: not noisy like the times.
        entry["read_bytes_ratio"] = read_bytes / max(1, raw_read_bytes)
        entry["read_rows_ratio"] = read_rows / max(1, raw_read_rows)
        entry["goals_met"] = (entry["read_bytes_ratio"] <= 0.1 and entry["cold_p95_ms"] < 150
                              and entry["warm_p95_ms"] < 10)
        ok = ok and bool(entry["goals_met"])
        figures["panels"][title] = {k: round(v, 3) if isinstance(v, float) else v
                                    for k, v in entry.items()}
        print(f"{title:24} {entry['cold_p50_ms']:9.1f} {entry['cold_p95_ms']:9.1f} "
              f"{entry['warm_p95_ms']:9.2f} {entry['raw_p50_ms']:9.1f} "
              f"{entry['ratio_cold_vs_raw']:6.3f} {read_bytes / 1e6:8.2f} "
              f"{raw_read_bytes / 1e6:8.2f} {entry['read_bytes_ratio']:6.3f}"
              f"{'' if entry['goals_met'] else '  (goal missed)'}")
    sizes = table_sizes(client, DATABASE)
    sized = [*RAW_TABLES, *(t for rollups in targets.values() for t in rollups)]
    figures["table_rows"] = {t: sizes.get(t, (0, 0))[0] for t in sized}
    figures["table_bytes"] = {t: sizes.get(t, (0, 0))[1] for t in sized}
    figures["rollups"] = rollup_figures(targets, sizes, retention_days(client, DATABASE),
                                        DAYS)
    print_rollup_figures(figures["rollups"])
    figures["all_goals_met"] = ok
    return figures
