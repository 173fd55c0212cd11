"""Migrations 0091 and 0092 (the page and dimension tiers' counts per logarithmic bucket as
UInt32 arrays summed by a SummingMergeTree) on an install just before each, holding samples
from minutes to 120 days old, the oldest in the daily tier alone: every row's counts and
sums are kept once, also after a run that died on either side of a swap; the views write
the arrays; merges sum them per bucket; and the panels that read them show quantiles
within half a bucket of quantileExact. What the narrower counts save is a benchmark figure
(`python -m bench dashboard`, read bytes)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from clickhouse_connect.driver.client import Client

from dashboard.cache import QueryCache
from dashboard.filters import Filters, parse_filters
from dashboard.panels.breakdowns import breakdown
from dashboard.panels.overview import overview
from dashboard.panels.pages import pages
from dashboard.querylayer import QueryLayer
from tests.support.log_buckets import HALF_BUCKET, merged_counts
from tests.support.rum_seed import VITAL_COLUMNS, seed, vitals_rows
from tests.support.upgrades import install_before, run_again, upgrade_to
from vitalscope.config import Settings
from vitalscope.storage.migrator import load_migrations

GRANULES = "index_granularity_bytes = "


@dataclass(frozen=True)
class Narrowed:
    family: str
    keys: str
    sums: str  # the columns merged besides the counts
    layout: dict[str, tuple[str, str]]  # tier -> sorting key, granule setting
    per_sample: int  # rows a sample is counted in per tier (the dimensions: 8)


NARROWED = {
    91: Narrowed("vitals_pages", "site, page_group, metric, bucket",
                 "sum(samples), sum(good), sum(needs_improvement), sum(poor)",
                 {"1m": ("site, page_group, metric, bucket", ""),
                  "1h": ("site, page_group, bucket, metric", f"{GRANULES}32768"),
                  "1d": ("site, page_group, bucket, metric", f"{GRANULES}32768")}, 1),
    92: Narrowed("vitals_dims", "site, dim, val, metric, bucket",
                 "sum(samples), sum(good), sum(needs_improvement), sum(poor), "
                 "round(sum(value_sum), 3), sumMap(parts_sum)",
                 {"1m": ("site, dim, val, metric, bucket", ""),
                  "1h": ("site, dim, val, metric, bucket", f"{GRANULES}32768"),
                  "1d": ("site, dim, val, metric, bucket", f"{GRANULES}32768")}, 8),
}


def _tables(n: Narrowed) -> list[str]:
    return [f"{n.family}_{tier}" for tier in n.layout]


def _merge(client: Client, n: Narrowed) -> None:
    # Merged, so each table has applied its TTL and summed its rows per key either side.
    for table in _tables(n):
        client.command(f"OPTIMIZE TABLE {table} FINAL")


def _content(client: Client, n: Narrowed) -> dict[str, list[tuple[Any, ...]]]:
    """Every tier per key: sums, and the counts per bucket from whichever column holds them
    at the install's version."""
    return {table: [tuple(r) for r in client.query(
        f"SELECT {n.keys}, {n.sums}, {merged_counts(client, table, 'value_lh')} "
        f"FROM {table} GROUP BY {n.keys} ORDER BY {n.keys}").result_rows]
        for table in _tables(n)}


def _layout(client: Client, n: Narrowed) -> dict[str, tuple[str, str, str]]:
    return {tier: tuple(client.query(
        "SELECT engine, sorting_key, extract(engine_full, 'index_granularity_bytes = \\\\d+') "
        "FROM system.tables WHERE database = currentDatabase() AND name = {t:String}",
        parameters={"t": f"{n.family}_{tier}"}).result_rows[0]) for tier in n.layout}


def _exact_p75(client: Client, f: Filters, by: str) -> dict[str, float]:
    return {str(k): float(q) for k, q in client.query(
        f"SELECT {by}, quantileExact(0.75)(value) FROM vitals WHERE site = 'shop' "
        "AND metric = 'LCP' AND ts >= {from:DateTime('UTC')} AND ts < {to:DateTime('UTC')} "
        f"GROUP BY {by}", parameters=f.window().params()).result_rows}


def _assert_within_half_a_bucket(shown: dict[str, float], exact: dict[str, float]) -> None:
    assert shown.keys() == exact.keys() and shown
    for key, p75 in shown.items():
        assert math.isclose(p75, exact[key], rel_tol=HALF_BUCKET), (key, p75, exact[key])


def _assert_panels(client: Client, version: int, f: Filters) -> None:
    layer = QueryLayer(lambda: client, QueryCache(None, 0))
    if version == 91:
        listed = pages(layer, f)["rows"]
        shown = {str(r["page_group"]): float(r["p75_LCP"] or "nan") for r in listed}
        _assert_within_half_a_bucket(shown, _exact_p75(client, f, "page_group"))
        by_p75 = pages(layer, f, sort="p75_LCP", descending=False)["rows"]
        assert [r["page_group"] for r in by_p75] == sorted(shown, key=lambda g: (shown[g], g))
    else:
        cards = {m["metric"]: m for m in overview(layer, f)["metrics"]}
        _assert_within_half_a_bucket({"all": float(cards["LCP"]["p75"] or "nan")},
                                     _exact_p75(client, f, "'all'"))
        devices = breakdown(layer, f, "device", "LCP")["rows"]
        _assert_within_half_a_bucket({str(r["value"]): float(r["p75"] or "nan") for r in devices},
                                     _exact_p75(client, f, "toString(device)"))


@pytest.mark.parametrize("version", sorted(NARROWED))
@pytest.mark.parametrize("died_after", [None, "INSERT", "EXCHANGE"])
def test_the_counts_are_kept_once_as_uint32_arrays(settings: Settings, version: int,
                                                   died_after: str | None) -> None:
    n = NARROWED[version]
    with install_before(settings, version) as client:
        now = datetime.now(UTC)
        seed(client, now)  # recent, and 2-5 days old
        for age, tag in (((timedelta(days=40), timedelta(days=20)), "old"),
                         ((timedelta(days=120), timedelta(days=100)), "history")):
            client.insert("vitals", vitals_rows("shop", now, 200, age=age, slower=1.1,
                                                release="v0", tag=tag),
                          column_names=VITAL_COLUMNS)
        client.command("OPTIMIZE TABLE vitals FINAL")  # the history is in the daily tier alone
        _merge(client, n)
        before = _content(client, n)
        assert all(before.values())
        if died_after is not None:
            statements = next(m for m in load_migrations() if m.version == version).statements()
            stop = next(i for i, s in enumerate(statements) if s.startswith(died_after))
            for statement in statements[:stop + 1]:
                client.command(statement)

        assert upgrade_to(client, version) == [version]
        run_again(client, {version})
        _merge(client, n)
        assert _content(client, n) == before
        assert _layout(client, n) == {tier: ("SummingMergeTree", *layout)
                                      for tier, layout in n.layout.items()}
        for table in _tables(n):
            kept = client.query(
                f"SELECT toTypeName(value_lhMap.count), countIf(notEmpty(value_lh)) "
                f"FROM {table} GROUP BY 1").result_rows
            assert kept == [("Array(UInt32)", 0)], table  # no UInt64 copy left behind
        leftovers = client.query("SELECT name FROM system.tables WHERE database = "
                                 "currentDatabase() AND name LIKE '%\\\\_narrow'").result_rows
        assert leftovers == []

        # New samples reach every tier through the switched views, once, and a merge sums
        # them into the rows of the buckets they share: one row per key, every sample counted.
        for slower, tag in ((2.0, "later"), (1.5, "again")):
            client.insert("vitals", vitals_rows("shop", now, 30, age=(
                timedelta(minutes=30), timedelta(minutes=1)), slower=slower, release="v3",
                tag=tag), column_names=VITAL_COLUMNS)
        _merge(client, n)
        added = 60 * 5 * n.per_sample  # page views x vitals x rows each
        for table in _tables(n):
            rows, keys, samples, counted = client.query(
                f"SELECT count(), uniqExact({n.keys}), sum(samples), "
                f"sum(arraySum(value_lhMap.count)) FROM {table}").result_rows[0]
            held = sum(r[len(n.keys.split(","))] for r in before[table])
            assert (rows, samples, counted) == (keys, held + added, held + added), table

        # Today's panels read them (after the later migrations too): quantiles within half a
        # bucket of quantileExact, in the minute, hour and day tiers.
        upgrade_to(client, load_migrations()[-1].version)
        for range_ in ("1h", "7d", "30d"):
            _assert_panels(client, version, parse_filters("shop", range_, now=now))
