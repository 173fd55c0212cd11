"""A bounded quantile state for the vital rollups, measured against today's t-digest (issue
18: the t-digest states are most of the rollups' bytes). On a fresh chDB folder seeded like
`python -m bench dashboard` (Zipf page popularity), the tiers whose states weigh most are
rebuilt with one sumMap of counts per logarithmic bucket (`--ratio` wide, in place of the
t-digest state and the fixed-width histogram), from the same raw samples with the same keys,
and compared: compressed bytes of the state columns, and quantiles merged from the daily
tier against `quantileExact` over the raw samples, next to today's t-digest answers.
A measurement for the design of a new state, not a product path."""

from __future__ import annotations

import argparse
import statistics
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import clickhouse_connect
from clickhouse_connect.driver.client import Client

from bench.common import emit
from bench.dashboard_seed import DISTRIBUTIONS, SITES, seed
from vitalscope.storage.migrator import Migrator
from vitalscope.storage.sql import named_query

DATABASE = "bench"
HOUR_TIER_DAYS = 17  # what vitals_dims_1h keeps (migration 0070)
# today's table -> (its state columns, how the prototype rebuilds it: query and parameters).
# The daily dims last: the quantiles are read from the loghist_dims table it leaves.
TIERS: dict[str, tuple[tuple[str, ...], str, dict[str, Any]]] = {
    "vitals_dims_1h": (("value_q", "hist"), "loghist_dims", {"grain_s": 3600}),
    "vitals_navs_1h": (("value_q",), "loghist_navs", {}),
    "vitals_dims_1d": (("value_q", "hist"), "loghist_dims", {"grain_s": 86400}),
}
QUANTILES = (0.75, 0.95)


def _column_bytes(client: Client, tables: list[str], columns: list[str]) -> dict[str, int]:
    out: dict[str, int] = {}
    for table, _, size in client.query(named_query("bench.column_bytes"), parameters={
            "db": DATABASE, "tables": tables, "columns": columns}).result_rows:
        out[str(table)] = out.get(str(table), 0) + int(size)
    return out


def _build(client: Client, query: str, params: dict[str, Any]) -> None:
    client.command(f"DROP TABLE IF EXISTS {query}")
    client.command(named_query(f"bench.{query}"), parameters=params)
    client.command(f"OPTIMIZE TABLE {query} FINAL")


def _errors(rows: list[tuple[Any, ...]]) -> dict[str, float]:
    """Worst and median relative error (%) of the loghist and t-digest answers (rows: site,
    dim, val, metric, loghist, t-digest, exact)."""
    def rel(value: float, exact: float) -> float:
        return abs(value - exact) / exact * 100 if exact else 0.0

    loghist = [rel(float(r[4]), float(r[6])) for r in rows]
    tdigest = [rel(float(r[5]), float(r[6])) for r in rows]
    return {"loghist_worst_pct": max(loghist), "loghist_median_pct": statistics.median(loghist),
            "tdigest_worst_pct": max(tdigest), "tdigest_median_pct": statistics.median(tdigest),
            "answers": len(rows)}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench quantile_state")
    parser.add_argument("--samples", type=int, default=2_000_000)
    parser.add_argument("--ratio", type=float, action="append",
                        help="log bucket width, e.g. 0.02 (repeatable; default 0.02 and 0.01)")
    args = parser.parse_args(argv)
    ratios = args.ratio or [0.02, 0.01]
    with tempfile.TemporaryDirectory() as tmp:
        client = clickhouse_connect.get_client(dsn=f"chdb://{Path(tmp) / 'clickhouse'}")
        client.command(f"CREATE DATABASE IF NOT EXISTS {DATABASE}")
        client.database = DATABASE
        Migrator(client).apply()
        end = datetime.now(UTC)
        seed(client, end, args.samples, 0, 500_000, lambda table, n: None,
             skew=DISTRIBUTIONS["zipf"])
        for table in TIERS:
            # Wide parts at any size: compact ones do not account bytes per column.
            client.command(f"ALTER TABLE {table} MODIFY SETTING min_bytes_for_wide_part = 0")
            client.command(f"OPTIMIZE TABLE {table} FINAL")
        columns = sorted({c for cols, _, _ in TIERS.values() for c in cols})
        today = _column_bytes(client, list(TIERS), columns)
        since = {"vitals_dims_1h": end - timedelta(days=HOUR_TIER_DAYS)}
        figures: dict[str, Any] = {"samples": args.samples, "distribution": "zipf",
                                   "today_state_bytes": today, "ratios": {}}
        print(f"{args.samples:,} samples, Zipf page popularity; state bytes (compressed)")
        print(f"{'table':16} {'today':>10} " + " ".join(
            f"{'loghist ' + str(r):>14} {'smaller':>7}" for r in ratios))
        by_ratio: dict[float, dict[str, int]] = {}
        for ratio in ratios:
            sizes: dict[str, int] = {}
            for table, (_, query, params) in TIERS.items():
                start = since.get(table, datetime(1970, 1, 1, tzinfo=UTC))
                _build(client, query, {**params, "ratio": ratio,
                                       "since": start.replace(tzinfo=None)})
                sizes[table] = _column_bytes(client, [query], ["lh"])[query]
            by_ratio[ratio] = sizes
            accuracy = {}  # from the daily loghist_dims just built
            for q in QUANTILES:
                rows: list[tuple[Any, ...]] = []
                for site in SITES:
                    rows += [(site, *r) for r in client.query(
                        named_query("bench.loghist_quantile"),
                        parameters={"site": site, "q": q, "ratio": ratio}).result_rows]
                accuracy[f"p{round(q * 100)}"] = _errors(rows)
            figures["ratios"][str(ratio)] = {
                "state_bytes": sizes,
                "smaller_by": {t: round(today[t] / max(1, sizes[t]), 2) for t in TIERS},
                "accuracy_vs_quantile_exact": accuracy}
        for table in TIERS:
            cells = [f"{by_ratio[r][table] / 1e6:13.2f}M "
                     f"{today[table] / max(1, by_ratio[r][table]):6.1f}x" for r in ratios]
            print(f"{table:16} {today[table] / 1e6:9.2f}M " + " ".join(cells))
        print("quantile error against quantileExact (daily tier, site-wide and per device, "
              "every metric and site): worst / median %")
        for ratio in ratios:
            for name, acc in figures["ratios"][str(ratio)]["accuracy_vs_quantile_exact"].items():
                print(f"  {name} loghist {ratio}: {acc['loghist_worst_pct']:.2f} / "
                      f"{acc['loghist_median_pct']:.2f}   t-digest: "
                      f"{acc['tdigest_worst_pct']:.2f} / {acc['tdigest_median_pct']:.2f}"
                      f"   ({acc['answers']} answers)")
    emit(figures)
    return 0
