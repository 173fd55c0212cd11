"""The rollup histogram is bucketed in SQL (migration 0040, never edited) and read back with
the catalogue's `hist_step`: the two must put every value in the same bucket. Probed end to
end (rows into `vitals`, buckets out of each rollup tier of the migrated schema) and, for
every other SQL file that repeats the bucketing or the thresholds, by evaluating its
expression in chDB."""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime
from pathlib import Path

from clickhouse_connect.driver.client import Client

from tests.support.rum_seed import VITAL_COLUMNS
from vitalscope.vitals import HIST_BUCKETS, METRICS, Metric

ROOT = Path(__file__).resolve().parents[3]
MIGRATIONS = ROOT / "vitalscope" / "storage" / "migrations"
# Migrations are history (a later one may redefine a view): the first test checks the views
# they leave; every other SQL file must agree as written.
SQL_FILES = sorted(p for folder in ("vitalscope", "collector", "dashboard", "alerting",
                                    "synthetics", "bench", "tests")
                   for p in (ROOT / folder).rglob("*.sql") if MIGRATIONS not in p.parents)
HIST = re.compile(r"least\((\d+),\s*floor\(value\s*/\s*(multiIf\(metric\s*=[^()]*\))\)\)")
THRESHOLD = re.compile(r"(multiIf\(metric\s*=[^()]*\))\s+AS\s+(good|poor)\b")


def probes(metric: Metric) -> list[float]:
    """Bucket edges and the values either side, thresholds, the open last bucket."""
    step = metric.hist_step
    edges = [step * k for k in (1, 2, 3, 7, 10, 33, 100, HIST_BUCKETS - 1, HIST_BUCKETS)]
    return sorted({0.0, metric.good, metric.poor, step * HIST_BUCKETS * 50,
                   *edges, *(math.nextafter(e, 0) for e in edges),
                   *(math.nextafter(e, math.inf) for e in edges),
                   *(metric.good * f for f in (0.3, 0.7, 1.1, 1.3))})


def test_the_rollup_tiers_bucket_as_the_catalogue(clickhouse: Client) -> None:
    now = datetime.now(UTC)
    rows, expected = [], {}
    for metric in METRICS:
        for i, value in enumerate(probes(metric)):
            release = f"p{i}"
            rows.append(["shop", metric.name, now, now, f"{metric.name}-{i}", f"pv-{i}", "s-1",
                         value, value, metric.rating(value), "/", "https://shop.example/",
                         "navigate", "mobile", "Chrome", "Android", "DE", "4g", release, "",
                         {}])
            expected[(metric.name, release)] = {metric.hist_bucket(value): 1}
    clickhouse.insert("vitals", rows, column_names=VITAL_COLUMNS)
    for tier in ("1m", "1h", "1d"):
        got = {(m, r): dict(h) for m, r, h in clickhouse.query(
            "SELECT metric, val, sumMap(hist) FROM {table:Identifier} "
            "WHERE site = 'shop' AND dim = 'release' GROUP BY metric, val",
            parameters={"table": f"vitals_dims_{tier}"}).result_rows}
        assert got == expected, tier


def test_every_sql_copy_buckets_and_rates_as_the_catalogue(clickhouse: Client) -> None:
    found = {"hist": 0, "threshold": 0}
    cases = [(m.name, v) for m in METRICS for v in probes(m)]
    for path in SQL_FILES:
        text = path.read_text(encoding="utf-8")
        for last, divisor in HIST.findall(text):
            found["hist"] += 1
            assert int(last) == HIST_BUCKETS - 1, path
            got = _evaluate(clickhouse, f"toUInt16(least({last}, floor(value / {divisor})))",
                            cases)
            assert got == [BY[m].hist_bucket(v) for m, v in cases], path
        for expression, bound in THRESHOLD.findall(text):
            found["threshold"] += 1
            got = _evaluate(clickhouse, f"toFloat64({expression})", cases)
            assert got == [getattr(BY[m], bound) for m, _ in cases], (path, bound)
    # At least the bench's raw copy of the histogram and its seed's good and poor.
    assert found["hist"] >= 1 and found["threshold"] >= 2, found


BY = {m.name: m for m in METRICS}


def _evaluate(client: Client, expression: str, cases: list[tuple[str, float]]) -> list[float]:
    return [row[0] for row in client.query(
        f"SELECT {expression} FROM (SELECT c.1 AS metric, c.2 AS value, n "
        "FROM (SELECT arrayJoin(arrayZip({cases:Array(Tuple(String, Float64))}, "
        "range(length({cases:Array(Tuple(String, Float64))})))) AS z, z.1 AS c, z.2 AS n)) "
        "ORDER BY n", parameters={"cases": cases}).result_rows]
