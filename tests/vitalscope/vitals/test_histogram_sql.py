"""The overview histogram is drawn from the rollups' counts per logarithmic bucket (the
views of migrations 0084-0086 bucket in SQL, vitalscope.vitals.log_buckets reads the counts
back): the two must put every value in the same bucket, and the drawn bin must be the
catalogue's `hist_step` bin but for a value within half a bucket of a bin edge. Probed end to
end (rows into `vitals`, counts out of each tier of the migrated schema). Every other SQL
file that repeats the fixed-width bucketing or the thresholds is checked by evaluating its
expression in chDB."""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from clickhouse_connect.driver.client import Client

from tests.support.log_buckets import HALF_BUCKET
from tests.support.rum_seed import VITAL_COLUMNS
from vitalscope.vitals import HIST_BUCKETS, METRICS, Metric, log_buckets

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
    rows, values = [], {}
    for metric in METRICS:
        for i, value in enumerate(probes(metric)):
            release = f"p{i}"
            rows.append(["shop", metric.name, now, now, f"{metric.name}-{i}", f"pv-{i}", "s-1",
                         value, value, metric.rating(value), "/", "https://shop.example/",
                         "navigate", "mobile", "Chrome", "Android", "DE", "4g", release, "",
                         {}])
            values[(metric.name, release)] = value
    clickhouse.insert("vitals", rows, column_names=VITAL_COLUMNS)
    for tier in ("1m", "1h", "1d"):
        got = {(m, r): dict(lh) for m, r, lh in clickhouse.query(
            "SELECT metric, val, sumMap(vitalscope_lh_counts(value_lhMap.bucket, "
            "value_lhMap.count)) FROM {table:Identifier} "
            "WHERE site = 'shop' AND dim = 'release' GROUP BY metric, val",
            parameters={"table": f"vitals_dims_{tier}"}).result_rows}
        assert got == {key: {log_buckets.bucket(v): 1} for key, v in values.items()}, tier
    near_an_edge = 0
    for (name, _), value in values.items():
        metric = BY[name]
        drawn = log_buckets.linear_counts({log_buckets.bucket(value): 1}, metric.hist_step,
                                          HIST_BUCKETS).index(1)
        exact = metric.hist_bucket(value)
        edge = round(value / metric.hist_step) * metric.hist_step
        if abs(value - edge) <= edge * HALF_BUCKET:
            near_an_edge += 1
            assert abs(drawn - exact) <= 1, (name, value)
        else:
            assert drawn == exact, (name, value)
    # The probes sit on and beside the edges: the tolerance is exercised, not assumed.
    assert near_an_edge >= len(METRICS) * 9


@pytest.mark.parametrize("quantile", [0.5, 0.75, 0.9, 0.95])
def test_python_reads_the_counts_as_the_sql_function(clickhouse: Client,
                                                     quantile: float) -> None:
    """The p75 interval (Python) and the panels' quantiles (vitalscope_lh_quantiles) read one
    set of counts to the same value at the same rank."""
    values = [0.0, 0.00042, 0.1, 1.7, 37.0, 199.99, 2500.0, 2500.1, 4000.0, 61_234.5,
              *(1.37 ** k for k in range(-20, 35))]
    counts: dict[int, int] = {}
    for i, value in enumerate(values):
        key = log_buckets.bucket(value)
        counts[key] = counts.get(key, 0) + 1 + i % 3
    got = clickhouse.query(
        "SELECT vitalscope_lh_quantiles(mapFromArrays({keys:Array(UInt16)}, "
        "{counts:Array(UInt64)}))",
        # sorted by bucket, as sumMap leaves them
        parameters={"keys": sorted(counts),
                    "counts": [counts[k] for k in sorted(counts)]}).result_rows[0][0]
    n = sum(counts.values())
    rank = math.floor(quantile * n) + 1  # quantileExact's 0-based floor(level * n), 1-based
    expected = log_buckets.value_at_rank(counts, rank)
    assert expected is not None
    assert got[[0.5, 0.75, 0.9, 0.95].index(quantile)] == pytest.approx(expected, rel=1e-12)
    sql_buckets = [row[0] for row in clickhouse.query(
        "SELECT toUInt16(if(v <= 0, 0, greatest(1, least(65535, round(log(v * 1000) / "
        "log(1.005)) + 1)))) FROM (SELECT arrayJoin({values:Array(Float64)}) AS v)",
        parameters={"values": values}).result_rows]
    assert sql_buckets == [log_buckets.bucket(v) for v in values]


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
