"""Dashboard cache under live ingest: Overview API requests (30-day range) at one per second
against a real `vitalscope serve`, first quiet, then while beacons arrive, in the same run.

Prints per phase the cache hit ratio (from the server's own /metrics: hits over hits plus
misses of every named query) and the median answer; then, once ingest has stopped and the
freshness budget (`dashboard.cache_fresh_s`) has passed, checks the Overview against the raw
rows: sample counts equal and p75 within 0.5 % of `quantileExact` (t-digest). Goals: hit
ratio >= 0.8 under ingest and a median within 2x of the quiet one. By default it does all
this twice on the same seeded data, with warming off and on (`dashboard.warm_sites` 0 and
20: the Overview's 30-day view is then warmed after flushes, dashboard/warm.py)."""

from __future__ import annotations

import argparse
import itertools
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from prometheus_client.parser import text_string_to_metric_families

from bench.common import emit, free_port, wait_http_ok
from bench.dashboard_seed import DISTRIBUTIONS, seed
from bench.loadgen import (
    KEY,
    ORIGIN,
    PV_PLACEHOLDER,
    ST_PLACEHOLDER,
    USER_AGENT,
    beacon_template,
)
from vitalscope.storage.sql import named_query

SITE = "shop"  # one of bench.dashboard_seed.SITES


def _seed(data: Path, samples: int, end: datetime) -> None:
    from vitalscope.config import load_settings
    from vitalscope.config.sites import SiteConfig
    from vitalscope.runtime import Role, Runtime
    from vitalscope.sites import SiteRepository

    runtime = Runtime.open(load_settings(data=data), Role.CLI, migrate=True)
    try:
        client = runtime.require_clickhouse()
        SiteRepository(client).sync_declared([SiteConfig(name=SITE, key=KEY, origins=[ORIGIN])])
        seed(client, end, samples, 0, 500_000, lambda table, n: None,
             skew=DISTRIBUTIONS["zipf"])
    finally:
        runtime.close()


def _raw(data: Path, window: dict[str, str]) -> dict[str, tuple[int, float]]:
    from vitalscope.config import load_settings
    from vitalscope.runtime import Role, Runtime

    runtime = Runtime.open(load_settings(data=data), Role.CLI, migrate=False)
    try:
        params = {"site": SITE, **{k: datetime.fromisoformat(window[k]).replace(tzinfo=None)
                                   for k in ("from", "to")}}
        rows = runtime.require_clickhouse().query(named_query("bench.raw_p75_exact"),
                                                  parameters=params).result_rows
        return {metric: (int(samples), float(p75)) for metric, samples, p75 in rows}
    finally:
        runtime.close()


class _Beacons(threading.Thread):
    """Beacons at a steady rate, each a new page view (5 vitals + 3 server timings)."""

    def __init__(self, url: str, rate: float) -> None:
        super().__init__(daemon=True)
        self.url, self.interval = f"{url}/v1/beacon?k={KEY}", 1 / rate
        self.stopping = threading.Event()
        self.accepted = 0
        self.ids = itertools.count(10**12)

    def run(self) -> None:
        template = beacon_template()
        headers = {"Content-Type": "text/plain;charset=UTF-8", "Origin": ORIGIN,
                   "User-Agent": USER_AGENT}
        next_at = time.perf_counter()
        with httpx.Client(timeout=10) as client:
            while not self.stopping.is_set():
                pv = b"pv" + str(next(self.ids)).zfill(16).encode()
                body = template.replace(PV_PLACEHOLDER, pv).replace(
                    ST_PLACEHOLDER, str(int(time.time() * 1000)).encode())
                if client.post(self.url, content=body, headers=headers).status_code < 300:
                    self.accepted += 1
                next_at += self.interval
                self.stopping.wait(max(0.0, next_at - time.perf_counter()))


_FIGURES = {("vitalscope_dashboard_cache_hits_total", ""): "hits",
            ("vitalscope_dashboard_cache_misses_total", ""): "misses",
            ("vitalscope_dashboard_query_seconds_sum", "cache"): "cache_s",
            ("vitalscope_dashboard_query_seconds_count", "cache"): "cache_n",
            ("vitalscope_dashboard_warm_runs_total", ""): "warm_runs",
            ("vitalscope_dashboard_warm_skips_total", ""): "warm_skips",
            ("vitalscope_dashboard_warm_seconds_sum", ""): "warm_s"}


def _scrape(url: str) -> dict[str, float]:
    """The cache's and the warmer's counters in the server's /metrics, summed over every
    named query (page, outcome, reason)."""
    out = dict.fromkeys(_FIGURES.values(), 0.0)
    text = httpx.get(url + "/metrics", timeout=30).text
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            name = _FIGURES.get((sample.name, sample.labels.get("source", "")))
            if name is not None:
                out[name] += sample.value
    return out


def _phase(url: str, headers: dict[str, str], requests: int) -> dict[str, Any]:
    before = _scrape(url)
    times: list[float] = []
    control: list[float] = []  # /healthz: what the process's load alone costs an answer
    # /api/v1/sites: sign-in and one hop through the thread pool the API answers in (a list
    # kept in memory), so a pool starved by the flusher's inserts would show here.
    pool: list[float] = []
    answer: dict[str, Any] = {}
    next_at = time.perf_counter()
    with httpx.Client(timeout=60, headers=headers) as client:
        for _ in range(requests):
            started = time.perf_counter()
            reply = client.get(f"{url}/api/v1/overview", params={"site": SITE, "range": "30d"})
            times.append((time.perf_counter() - started) * 1000)
            reply.raise_for_status()
            answer = reply.json()
            started = time.perf_counter()
            client.get(f"{url}/healthz").raise_for_status()
            control.append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            client.get(f"{url}/api/v1/sites").raise_for_status()
            pool.append((time.perf_counter() - started) * 1000)
            next_at += 1.0
            time.sleep(max(0.0, next_at - time.perf_counter()))
    moved = {k: v - before[k] for k, v in _scrape(url).items()}
    hits, misses = moved["hits"], moved["misses"]
    return {"requests": requests, "median_ms": statistics.median(times),
            "p95_ms": sorted(times)[round(0.95 * (len(times) - 1))],
            "healthz_median_ms": statistics.median(control),
            "pool_median_ms": statistics.median(pool),
            "cached_query_mean_ms": 1000 * moved["cache_s"] / max(1.0, moved["cache_n"]),
            "hits": hits, "misses": misses, "hit_ratio": hits / max(1.0, hits + misses),
            "warm_runs": moved["warm_runs"], "warm_skips": moved["warm_skips"],
            "warm_s": moved["warm_s"], "answer": answer}


def _serve(data: Path, tmp: Path, args: argparse.Namespace, warm_sites: int
           ) -> dict[str, Any]:
    """Quiet and live phases against one `serve` (warming on `warm_sites` sites), then the
    Overview against the raw rows once ingest has stopped and the budget has passed."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("VITALSCOPE_")}
    env.update({"VITALSCOPE_HTTP__PROCESSES": "1",
                "VITALSCOPE_DASHBOARD__CACHE_FRESH_S": str(args.fresh_s),
                "VITALSCOPE_DASHBOARD__WARM_SITES": str(warm_sites)})
    log = open(tmp / f"serve-{warm_sites}.log", "w")  # noqa: SIM115 - closed below
    server = subprocess.Popen(
        [sys.executable, "-m", "vitalscope", "serve", "--data", str(data), "--port",
         str(port)], stdout=log, stderr=subprocess.STDOUT, env=env)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_http_ok(url + "/readyz", 300, lambda: server.poll() is None)
        token = (data / "secrets" / "admin-token").read_text().strip()
        headers = {"Authorization": f"Bearer {token}"}
        quiet = _phase(url, headers, args.requests)
        beacons = _Beacons(url, args.beacons_per_s)
        beacons.start()
        try:
            live = _phase(url, headers, args.requests)
        finally:
            beacons.stopping.set()
            beacons.join()
        time.sleep(args.fresh_s + 3)  # the flusher's last insert, then the budget
        final = _phase(url, headers, 1)["answer"]
    finally:
        server.terminate()
        server.wait(120)
        log.close()
    raw = _raw(data, final["window"])
    shown = {m["metric"]: (int(m["samples"]), m["p75"]) for m in final["metrics"]}
    worst = max(abs(shown[m][1] - p75) / p75 for m, (_, p75) in raw.items() if p75)
    counts_equal = all(shown[m][0] == n for m, (n, _) in raw.items())
    print(f"-- warm_sites {warm_sites}" + (" (warming off)" if warm_sites == 0 else ""))
    for name, phase in (("quiet", quiet), ("live ingest", live)):
        print(f"{name:12} {phase['requests']} requests at 1/s: hit ratio "
              f"{phase['hit_ratio']:.2f} ({phase['hits']:.0f} hits, {phase['misses']:.0f} "
              f"misses), median {phase['median_ms']:.1f} ms, p95 {phase['p95_ms']:.1f} ms; "
              f"cache lookup mean {phase['cached_query_mean_ms']:.1f} ms; /healthz median "
              f"{phase['healthz_median_ms']:.1f} ms, /api/v1/sites median "
              f"{phase['pool_median_ms']:.1f} ms; warm runs {phase['warm_runs']:.0f} "
              f"({phase['warm_s']:.1f} s), skips {phase['warm_skips']:.0f}")
    print(f"beacons accepted during the live phase: {beacons.accepted}")
    print(f"after ingest stopped and {args.fresh_s} s: samples equal raw: {counts_equal}; "
          f"worst p75 difference from quantileExact {worst:.3%}")
    ratio = live["median_ms"] / quiet["median_ms"]
    print(f"live/quiet median {ratio:.2f}x (goal <= 2), live hit ratio "
          f"{live['hit_ratio']:.2f} (goal >= 0.8)")
    return {"warm_sites": warm_sites, "beacons_accepted": beacons.accepted,
            "quiet": {k: v for k, v in quiet.items() if k != "answer"},
            "live": {k: v for k, v in live.items() if k != "answer"},
            "live_over_quiet_median": ratio, "samples_equal_raw": counts_equal,
            "worst_p75_rel_diff": worst}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench dashboard_live")
    parser.add_argument("--samples", type=int, default=500_000,
                        help="vital samples seeded over 30 days for 3 sites before serving")
    parser.add_argument("--requests", type=int, default=30, help="Overview requests per phase")
    parser.add_argument("--beacons-per-s", type=float, default=20.0)
    parser.add_argument("--fresh-s", type=int, default=30, help="dashboard.cache_fresh_s")
    parser.add_argument("--warm-sites", default="0,20",
                        help="dashboard.warm_sites of each run in turn on the same data, "
                        "comma-separated (0: warming off; the default compares off and on)")
    args = parser.parse_args(argv)
    runs: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        started = time.perf_counter()
        _seed(data, args.samples, datetime.now(UTC))
        print(f"seeded {args.samples:,} vital samples in {time.perf_counter() - started:.0f} s")
        for warm_sites in (int(n) for n in args.warm_sites.split(",")):
            runs.append(_serve(data, Path(tmp), args, warm_sites))
    emit({"fresh_s": args.fresh_s, "runs": runs})
    return 0 if all(r["samples_equal_raw"] and r["worst_p75_rel_diff"] < 0.005
                    for r in runs) else 1
