"""What the rollups cost next to the raw data they summarise: for each raw table, every
rollup table its materialized views fill, with rows and bytes per raw row and bytes over the
raw table's bytes (issue 18's goal for the vitals rollups together: <= 0.3x raw on a
Zipf-like dataset, <= 1x on the uniform one)."""

from __future__ import annotations

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


def rollup_figures(targets: dict[str, list[str]], sizes: dict[str, tuple[int, int]]
                   ) -> dict[str, Any]:
    """Per raw table: its rows and bytes, each rollup's rows and bytes per raw row and bytes
    over raw, and the same for its rollups together."""
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
        out[raw] = {"raw_rows": raw_rows, "raw_bytes": raw_bytes,
                    "raw_bytes_per_row": round(raw_bytes / raw_rows, 2),
                    "tables": tables, "total": ratios(total_rows, total_bytes)}
    return out


def print_rollup_figures(figures: dict[str, Any]) -> None:
    print(f"{'table':34} {'rows':>12} {'MB':>9} {'rows/raw':>9} {'B/raw':>8} {'x raw':>7}")
    for raw, entry in figures.items():
        print(f"{raw:34} {entry['raw_rows']:>12,} {entry['raw_bytes'] / 1e6:9.1f} "
              f"{1:9.4f} {entry['raw_bytes_per_row']:8.1f} {1:7.3f}")
        for title, row in [*((f"  {t}", v) for t, v in entry["tables"].items()),
                           (f"  {raw} rollups together", entry["total"])]:
            print(f"{title:34} {row['rows']:>12,} {row['bytes'] / 1e6:9.1f} "
                  f"{row['rows_per_raw_row']:9.4f} {row['bytes_per_raw_row']:8.1f} "
                  f"{row['bytes_over_raw']:7.3f}")
