"""The vital rollups' quantile state (migration 0084: counts per logarithmic bucket, 0.5 %
wide) against the t-digest state it replaced (issue 18: the t-digest states were most of the
rollups' bytes). On a fresh chDB folder seeded like `python -m bench dashboard` (Zipf page
popularity), the tiers whose states weighed most are rebuilt with the old t-digest state from
the same raw samples with the same keys, and compared: compressed bytes of the state columns,
and p75/p95 merged from the daily tier against `quantileExact` over the raw samples (site-wide
and per device, every metric and site)."""

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
# product table -> (its state columns, the query rebuilding it with a t-digest, parameters).
# The daily dims last: the t-digest answers are read from the tdigest_dims table it leaves.
NARROW = ["value_lhMap.bucket", "value_lhMap.count"]  # UInt32 counts since 0092 and 0093
TIERS: dict[str, tuple[list[str], str, dict[str, Any]]] = {
    "vitals_dims_1h": (NARROW, "tdigest_dims", {"grain_s": 3600}),
    "vitals_navs_1h": (NARROW, "tdigest_navs", {}),
    "vitals_dims_1d": (NARROW, "tdigest_dims", {"grain_s": 86400}),
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
    """Worst and median relative error (%) of the bucket and t-digest answers (rows: site,
    dim, val, metric, buckets, t-digest, exact)."""
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
    args = parser.parse_args(argv)
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
        buckets = {t: _column_bytes(client, [t], columns)[t]
                   for t, (columns, _, _) in TIERS.items()}
        since = {"vitals_dims_1h": end - timedelta(days=HOUR_TIER_DAYS)}
        tdigest: dict[str, int] = {}
        accuracy = {}
        for table, (_, query, params) in TIERS.items():
            start = since.get(table, datetime(1970, 1, 1, tzinfo=UTC))
            _build(client, query, {**params, "since": start.replace(tzinfo=None)})
            tdigest[table] = _column_bytes(client, [query], ["value_q"])[query]
        for q in QUANTILES:
            rows: list[tuple[Any, ...]] = []
            for site in SITES:
                rows += [(site, *r) for r in client.query(
                    named_query("bench.quantile_accuracy"),
                    parameters={"site": site, "q": q}).result_rows]
            accuracy[f"p{round(q * 100)}"] = _errors(rows)
        print(f"{args.samples:,} samples, Zipf page popularity; state bytes (compressed)")
        print(f"{'table':16} {'t-digest':>10} {'buckets':>10} {'smaller':>8}")
        for table in TIERS:
            print(f"{table:16} {tdigest[table] / 1e6:9.2f}M {buckets[table] / 1e6:9.2f}M "
                  f"{tdigest[table] / max(1, buckets[table]):7.1f}x")
        print("quantile error against quantileExact (daily tier, site-wide and per device, "
              "every metric and site): worst / median %")
        for name, acc in accuracy.items():
            print(f"  {name} buckets: {acc['loghist_worst_pct']:.2f} / "
                  f"{acc['loghist_median_pct']:.2f}   t-digest: {acc['tdigest_worst_pct']:.2f}"
                  f" / {acc['tdigest_median_pct']:.2f}   ({acc['answers']} answers)")
    emit({"samples": args.samples, "distribution": "zipf", "bucket_state_bytes": buckets,
          "tdigest_state_bytes": tdigest,
          "smaller_by": {t: round(tdigest[t] / max(1, buckets[t]), 2) for t in TIERS},
          "accuracy_vs_quantile_exact": accuracy})
    return 0
