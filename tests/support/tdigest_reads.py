"""What the dashboard read from the vital rollups while they kept t-digest states (before
migration 0084): counts and merged quantiles per metric of a segment, per bucket, per device
and per page group, straight from the tables. The tests of migrations before 0084 compare
an install's answers before and after them with these, since the dashboard's queries now
read the columns 0084 adds."""

from __future__ import annotations

import math
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from clickhouse_connect.driver.client import Client

from dashboard.filters import Filters

# A t-digest's quantiles depend on the order its states are merged in, and ClickHouse's
# parallel reading hands parts to threads as they free up: two reads of the same states
# differed by up to 0.09 % on a loaded CI machine (320.28 against 320.0). Lost or wrong
# states move them by far more.
TDIGEST_REL_TOL = 1e-2
_QUANTILES = "quantilesTDigestMerge(0.5, 0.75, 0.9, 0.95)(value_q)"
_WINDOW = ("WHERE site = {site:String} AND bucket >= {from:DateTime('UTC')} "
           "AND bucket < {to:DateTime('UTC')}")
READS = {
    "overview": ("vitals_dims", "metric", "dim = 'all'"),
    "mobile": ("vitals_dims", "metric", "dim = 'device' AND val = 'mobile'"),
    "series": ("vitals_dims", "metric, bucket", "dim = 'all'"),
    "devices": ("vitals_dims", "val, metric", "dim = 'device'"),
    "pages": ("vitals_pages", "page_group, metric", "1"),
}


def tdigest_reads(client: Client, f: Filters, now: datetime) -> dict[str, list[Any]]:
    window = f.window(now)
    out: dict[str, list[Any]] = {"window": [str(window.start), str(window.end), window.tier.name]}
    for name, (family, by, where) in READS.items():
        sql = (f"SELECT {by}, sum(samples), sum(good), sum(needs_improvement), sum(poor), "
               f"{_QUANTILES} FROM {{table:Identifier}} {_WINDOW} AND {where} "
               f"GROUP BY {by} ORDER BY {by}")
        out[name] = [list(row) for row in client.query(sql, parameters={
            "table": window.table(family), "site": f.site, **window.params()}).result_rows]
    return out


def differences(a: Any, b: Any, path: str = "") -> Iterator[tuple[str, Any, Any]]:
    """Where two answers differ: counts and names exactly, floats (the reads' only floats
    are t-digest quantiles) within TDIGEST_REL_TOL."""
    if isinstance(a, dict) and isinstance(b, dict):
        for key in sorted(a.keys() | b.keys(), key=str):
            yield from differences(a.get(key), b.get(key), f"{path}.{key}")
    elif isinstance(a, list | tuple) and isinstance(b, list | tuple) and len(a) == len(b):
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            yield from differences(x, y, f"{path}[{i}]")
    elif isinstance(a, float) and isinstance(b, float):
        both_nan = math.isnan(a) and math.isnan(b)
        if not both_nan and not math.isclose(a, b, rel_tol=TDIGEST_REL_TOL):
            yield path, a, b
    elif a != b or type(a) is not type(b):
        yield path, a, b
