"""Alerting: (1) one evaluation cycle of 1,000 rules over 10 million vitals samples (time,
number of queries), against evaluating the same rules one query per rule, measured on a
subset in the same run; (2) detection quality of the regression rule at default settings on
generated series with known p75 step changes (+5 %..+50 %) and pure noise: precision, recall
and detection delay in evaluation intervals. Last line: one JSON object."""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from alerting.engine import Evaluator
from alerting.model import Observation
from alerting.state import advance
from alerting.stats import p75_regression
from bench.common import emit
from vitalscope.config import load_settings
from vitalscope.config.alerting import AlertingSettings, RuleConfig
from vitalscope.redisstore.client import sync_client
from vitalscope.redisstore.embedded import EmbeddedRedis
from vitalscope.storage.clickhouse import connect
from vitalscope.storage.migrator import Migrator

DAY_MS = 86_400_000
SITES = 50
METRICS = ("LCP", "INP", "CLS", "FCP", "TTFB")


def _seed(client: Any, now_ms: int, samples: int) -> None:
    # Every sample lands in the hour before `now` on one of the last 8 days: the current
    # window and the 7-day baseline of every rule, the worst case for the scan.
    client.command(f"""
        INSERT INTO vitals (site, metric, ts, received_at, event_id, value, page_group,
                            device, release)
        SELECT concat('site', toString(number % {SITES})) AS s,
               ['LCP','INP','CLS','FCP','TTFB'][1 + intDiv(number, {SITES}) % 5] AS m,
               fromUnixTimestamp64Milli(toInt64({now_ms} - (rand(1) % 8) * {DAY_MS}
                                        - rand(2) % 3600000), 'UTC') AS t,
               t, toString(number),
               exp(7.6 + randNormal(0, 0.5)) * if(s = 'site0' AND m = 'LCP'
                   AND t > fromUnixTimestamp64Milli({now_ms} - 1800000, 'UTC'), 1.5, 1.0),
               ['/', '/a', '/b', '/c'][1 + rand(3) % 4], 'mobile', 'r1'
        FROM numbers({samples})""")
    client.command(f"""
        INSERT INTO server_timings (site, source, ts, received_at, event_id, name, duration,
                                    cache_status)
        SELECT concat('site', toString(number % {SITES})), 'browser',
               fromUnixTimestamp64Milli(toInt64({now_ms} - (rand(1) % 8) * {DAY_MS}
                                        - rand(2) % 3600000), 'UTC') AS t,
               t, toString(number), ['cdn', 'app', 'db'][1 + rand(3) % 3],
               exp(3 + randNormal(0, 0.5)), if(rand(4) % 10 = 0, 'miss', 'hit')
        FROM numbers({samples // 10})""")
    client.command(f"""
        INSERT INTO page_views (site, started_at, received_at, page_view_id)
        SELECT concat('site', toString(number % {SITES})),
               fromUnixTimestamp64Milli(toInt64({now_ms} - (rand(1) % 8) * {DAY_MS}
                                        - rand(2) % 3600000), 'UTC') AS t,
               t, toString(number)
        FROM numbers({samples // 10})""")
    client.command(f"""
        INSERT INTO js_errors (site, ts, received_at, event_id, fingerprint, occurrences)
        SELECT concat('site', toString(number % {SITES})),
               fromUnixTimestamp64Milli(toInt64({now_ms} - (rand(1) % 8) * {DAY_MS}
                                        - rand(2) % 3600000), 'UTC') AS t,
               t, toString(number), rand(5) % 20, 1
        FROM numbers({samples // 100})""")


def _rules() -> list[dict[str, Any]]:
    rules: list[dict[str, Any]] = []
    for site in range(SITES):
        for metric in METRICS:
            base = {"site": f"site{site}", "metric": metric}
            rules.append({"name": f"reg-{site}-{metric.lower()}", "kind": "regression", **base})
            rules.append({"name": f"reg-a-{site}-{metric.lower()}", "kind": "regression",
                          "segment": {"page_group": "/a"}, **base})
            rules.append({"name": f"thr-{site}-{metric.lower()}", "kind": "threshold",
                          "value": 4000, **base})
        for cache in ("cdn", "app", "db"):
            rules.append({"name": f"cache-{site}-{cache}", "kind": "cache_hit_rate",
                          "site": f"site{site}", "cache_name": cache})
    for site in range(SITES):
        rules.append({"name": f"err-{site}", "kind": "error_rate", "site": f"site{site}"})
        rules.append({"name": f"traffic-{site}", "kind": "traffic_drop",
                      "site": f"site{site}"})
    return rules[:1000]


def cycle_benchmark(samples: int, per_rule_subset: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        redis_server = EmbeddedRedis(Path(tmp) / "redis")
        redis_server.start()
        try:
            settings = load_settings(data=Path(tmp) / "data",
                                     clickhouse_url=f"chdb://{tmp}/clickhouse",
                                     clickhouse_database="bench")
            client = connect(settings, create_database=True)
            Migrator(client).apply()
            now_ms = int(time.time() * 1000) // 60000 * 60000
            started = time.perf_counter()
            _seed(client, now_ms, samples)
            print(f"seeded {samples:,} vitals (+ timings, page views, errors) in "
                  f"{time.perf_counter() - started:.1f} s")
            rules = _rules()
            alerting = AlertingSettings.model_validate({"rules": rules})
            redis_client = sync_client(redis_server.url)
            evaluator = Evaluator(alerting, redis_client, client)
            now = now_ms / 1000
            evaluator.cycle(now)  # warm caches the way a running service has them
            started = time.perf_counter()
            report = evaluator.cycle(now + 60)
            batched_s = time.perf_counter() - started
            print(f"one cycle: {report.rules} rules in {batched_s:.2f} s with {report.queries} "
                  f"queries, {len(report.firing)} alert(s) firing")
            # Baseline: the same evaluators with one rule per query, on a spread subset.
            step = max(1, len(alerting.rules) // per_rule_subset)
            subset = alerting.rules[::step][:per_rule_subset]
            started = time.perf_counter()
            queries = 0
            for rule in subset:
                queries += evaluator.evaluate([rule], now + 60)[2].count
            per_rule_s = (time.perf_counter() - started) / len(subset)
            naive_s = per_rule_s * len(alerting.rules)
            print(f"one query per rule: {per_rule_s * 1000:.0f} ms per rule -> "
                  f"{naive_s:.1f} s and ~{queries / len(subset) * len(alerting.rules):.0f} "
                  f"queries for {len(alerting.rules)} rules (measured on {len(subset)})")
            print(f"batched is {naive_s / batched_s:.1f}x faster")
            evaluator.close()
            redis_client.close()
            client.close()
            return {"rules": report.rules, "samples": samples, "cycle_s": batched_s,
                    "queries": report.queries, "per_rule_cycle_s": naive_s,
                    "speedup": naive_s / batched_s, "firing": len(report.firing)}
        finally:
            redis_server.stop()


def _series_fires(rng: np.random.Generator, rule: RuleConfig, shift: float, n: int,
                  evaluations: int) -> int | None:
    """Evaluations (one interval apart, each over a fresh window of n post-change samples)
    until the alert fires through the real state machine; None if it never does."""
    baseline = rng.lognormal(np.log(2000), 0.6, n * 7)
    previous: dict[str, Any] = {}
    for k in range(evaluations):
        current = rng.lognormal(np.log(2000), 0.6, n) * (1 + shift)
        result = p75_regression(baseline, current, alpha=rule.alpha,
                                min_samples=rule.effective_min_samples,
                                min_effect=rule.effective_min_effect)
        obs = Observation(rule, result.detected, result.current_p75, "")
        transition = advance(previous, [obs], {rule.name}, {rule.name: rule}, k * 60.0)
        if transition.firing:
            return k
        previous = transition.alerts
    return None


def quality_benchmark(series: int, evaluations: int, seed: int) -> dict[str, Any]:
    rng = np.random.default_rng(seed)
    rule = RuleConfig.model_validate({"name": "q", "kind": "regression", "site": "s",
                                      "metric": "LCP"})  # default settings
    shifts = (0.0, 0.05, 0.1, 0.2, 0.3, 0.5)
    sizes = (100, 500, 2000)
    table: dict[str, dict[str, Any]] = {}
    false_pos = true_pos = 0
    for n in sizes:
        for shift in shifts:
            delays = [_series_fires(rng, rule, shift, n, evaluations) for _ in range(series)]
            fired = [d for d in delays if d is not None]
            if shift == 0:
                false_pos += len(fired)
            else:
                true_pos += len(fired)
            table[f"n{n}_shift{int(shift * 100)}"] = {
                "fired": len(fired) / series,
                "delay_max": max(fired) if fired else None}
            mean = f"{np.mean(fired):.1f}" if fired else "-"
            print(f"  {n:>5} samples/side, shift {shift:+.0%}: fired {len(fired):>3}/{series}, "
                  f"delay (intervals) mean {mean} max {max(fired) if fired else '-'}")
    precision = true_pos / (true_pos + false_pos) if true_pos + false_pos else 1.0
    goal = [table[f"n{n}_shift{int(s * 100)}"] for n in (500, 2000) for s in (0.2, 0.3, 0.5)]
    recall = float(np.mean([g["fired"] for g in goal]))
    delay = max(g["delay_max"] or 0 for g in goal)
    noise = float(np.mean([table[f"n{n}_shift0"]["fired"] for n in sizes]))
    print(f"precision {precision:.3f} (goal >= 0.95), recall for >= +20 % with >= 500 "
          f"samples/side {recall:.3f} (goal >= 0.9), worst detection delay {delay} "
          f"interval(s) (goal <= 2), false alarms on noise {noise:.3f}")
    return {"precision": precision, "recall_ge20_ge500": recall, "max_delay_intervals": delay,
            "noise_fire_rate": noise, "table": table}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench alerting")
    parser.add_argument("--samples", type=int, default=10_000_000)
    parser.add_argument("--per-rule-subset", type=int, default=40)
    parser.add_argument("--series", type=int, default=100)
    parser.add_argument("--evaluations", type=int, default=5)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args(argv)
    print("== evaluation cycle")
    cycle = cycle_benchmark(args.samples, args.per_rule_subset)
    print(f"== detection quality (seed {args.seed}, {args.series} series per cell, "
          f"{args.evaluations} evaluations each)")
    quality = quality_benchmark(args.series, args.evaluations, args.seed)
    emit({"cycle": cycle, "quality": quality})
    return 0
