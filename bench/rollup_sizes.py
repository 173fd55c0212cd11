"""What the rollups cost next to the raw data they summarise: for each raw table, every
rollup table its materialized views fill, with rows and bytes per raw row and bytes over the
raw table's bytes (issue 18's goal for the vitals rollups together: <= 0.3x raw on a
Zipf-like dataset, <= 1x on the uniform one)."""

from __future__ import annotations

import re
from typing import Any

from clickhouse_connect.driver.client import Client

from vitalscope.storage.sql import named_query

RAW_TABLES = ("vitals", "server_timings", "page_views", "js_errors")


def rollup_targets(client: Client, database: str) -> dict[str, list[str]]:
    """raw table -> the rollup tables its materialized views write to."""
    rows = client.query(named_query("bench.rollup_targets"),
                        parameters={"db": database, "raw_tables": list(RAW_TABLES)}).result_rows
    out: dict[str, list[str]] = {raw: [] for raw in RAW_TABLES}
    for raw, target in rows:
        out[str(raw)].append(str(target))
    return out


def table_sizes(client: Client, database: str) -> dict[str, tuple[int, int]]:
    """table -> (rows, bytes on disk) over its active parts."""
    rows = client.query(named_query("bench.table_sizes"), parameters={"db": database})
    return {str(t): (int(r), int(b)) for t, r, b in rows.result_rows}


_TTL = re.compile(r"\bTTL\b[^,]*?toInterval(Day|Hour)\((\d+)\)")


def retention_days(client: Client, database: str) -> dict[str, float]:
    """table -> days its TTL keeps a row (tables without a TTL are left out)."""
    out: dict[str, float] = {}
    for table, engine in client.query(named_query("bench.table_retention"),
                                      parameters={"db": database}).result_rows:
        if match := _TTL.search(str(engine)):
            out[str(table)] = int(match.group(2)) / (24 if match.group(1) == "Hour" else 1)
    return out


def steady_bytes(size: int, kept_days: float | None, span_days: float) -> float:
    """A table's bytes once it holds all its TTL keeps, from a dataset spanning `span_days`
    (a table keeping less holds only its TTL of it; one without a TTL, the span)."""
    if kept_days is None:
        return float(size)
    return size / min(kept_days, span_days) * kept_days


def rollup_figures(targets: dict[str, list[str]], sizes: dict[str, tuple[int, int]],
                   kept: dict[str, float] | None = None, span_days: float = 30.0
                   ) -> dict[str, Any]:
    """Per raw table: its rows and bytes, each rollup's rows and bytes per raw row and bytes
    over raw, and the same for its rollups together; with `kept` (retention_days), also
    every table's bytes over the raw table's at steady state, once each holds all its TTL
    keeps (the dataset spans `span_days`): the rollups keeping 400 days outlive raw rows
    kept 90, which a dataset of a few weeks does not show."""
    kept = kept or {}
    out: dict[str, Any] = {}
    for raw, rollups in targets.items():
        raw_rows, raw_bytes = sizes.get(raw, (0, 0))
        if not raw_rows:
            continue

        def ratios(rows: int, size: int, raw_rows: int = raw_rows,
                   raw_bytes: int = raw_bytes) -> dict[str, float | int]:
            return {"rows": rows, "bytes": size,
                    "rows_per_raw_row": round(rows / raw_rows, 4),
                    "bytes_per_raw_row": round(size / raw_rows, 2),
                    "bytes_over_raw": round(size / raw_bytes, 4)}

        tables = {t: ratios(*sizes.get(t, (0, 0))) for t in rollups}
        total_rows = sum(int(v["rows"]) for v in tables.values())
        total_bytes = sum(int(v["bytes"]) for v in tables.values())
        total = ratios(total_rows, total_bytes)
        if kept:
            raw_steady = steady_bytes(raw_bytes, kept.get(raw), span_days)
            for t, v in tables.items():
                v["steady_over_raw"] = round(
                    steady_bytes(int(v["bytes"]), kept.get(t), span_days) / raw_steady, 4)
            total["steady_over_raw"] = round(
                sum(float(v["steady_over_raw"]) for v in tables.values()), 4)
        out[raw] = {"raw_rows": raw_rows, "raw_bytes": raw_bytes,
                    "raw_bytes_per_row": round(raw_bytes / raw_rows, 2),
                    "tables": tables, "total": total}
    return out


def print_rollup_figures(figures: dict[str, Any]) -> None:
    print(f"{'table':34} {'rows':>12} {'MB':>9} {'rows/raw':>9} {'B/raw':>8} {'x raw':>7} "
          f"{'steady':>7}")
    for raw, entry in figures.items():
        print(f"{raw:34} {entry['raw_rows']:>12,} {entry['raw_bytes'] / 1e6:9.1f} "
              f"{1:9.4f} {entry['raw_bytes_per_row']:8.1f} {1:7.3f} {1:7.3f}")
        for title, row in [*((f"  {t}", v) for t, v in entry["tables"].items()),
                           (f"  {raw} rollups together", entry["total"])]:
            steady = row.get("steady_over_raw")
            print(f"{title:34} {row['rows']:>12,} {row['bytes'] / 1e6:9.1f} "
                  f"{row['rows_per_raw_row']:9.4f} {row['bytes_per_raw_row']:8.1f} "
                  f"{row['bytes_over_raw']:7.3f} "
                  f"{'' if steady is None else format(steady, '7.3f')}")
