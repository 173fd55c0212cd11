"""Pages sorted by a p75 over a site with very many page groups (issue 12): the
`/api/v1/pages?sort=p75_LCP` panel, cold (no cache), on a fresh chDB folder seeded with
`--groups` page groups x `--per-group` samples of each vital in the last 23 hours."""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import clickhouse_connect

from bench.common import emit
from dashboard.cache import QueryCache
from dashboard.filters import parse_filters
from dashboard.panels import pages
from dashboard.querylayer import QueryLayer
from vitalscope.storage.migrator import Migrator
from vitalscope.storage.sql import named_query

DATABASE = "bench"
SITE = "wide"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench pages_sort")
    parser.add_argument("--groups", type=int, default=20_000)
    parser.add_argument("--per-group", type=int, default=4)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        dsn = f"chdb://{Path(tmp) / 'clickhouse'}"
        client = clickhouse_connect.get_client(dsn=dsn)
        client.command(f"CREATE DATABASE IF NOT EXISTS {DATABASE}")
        client.database = DATABASE
        Migrator(client).apply()
        started = time.perf_counter()
        client.command(named_query("bench.seed_wide_pages"), parameters={
            "site": SITE, "end": datetime.now(UTC).replace(tzinfo=None), "span_s": 23 * 3600,
            "groups": args.groups, "count": args.groups * args.per_group * 5})
        print(f"seeded {args.groups:,} page groups in {time.perf_counter() - started:.1f} s")

        def new_client() -> Any:
            c = clickhouse_connect.get_client(dsn=dsn)
            c.database = DATABASE
            return c

        layer = QueryLayer(new_client, QueryCache(None, 0))
        filters = parse_filters(SITE, "24h")
        figures: dict[str, Any] = {"groups": args.groups, "per_group": args.per_group}
        for sort in ("impact", "p75_LCP"):
            times: list[float] = []
            answer: pages.PageList | None = None
            for _ in range(args.runs):
                begun = time.perf_counter()
                answer = pages.pages(layer, filters, sort=sort, page_size=25)
                times.append(time.perf_counter() - begun)
            assert answer is not None
            rows = len(answer["rows"])
            figures[sort] = {"median_s": round(statistics.median(times), 3),
                             "max_s": round(max(times), 3), "rows": rows,
                             "total": answer["total"]}
            print(f"pages sort={sort:8} median {statistics.median(times):7.3f} s "
                  f"max {max(times):7.3f} s rows {rows} total {answer['total']}")
    emit(figures)
    return 0
