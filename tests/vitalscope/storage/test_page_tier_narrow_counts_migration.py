"""Migration 0091 (the page tiers' counts per logarithmic bucket as UInt32 arrays summed by
a SummingMergeTree) on an install at 0090 holding samples from minutes to 120 days old, the
oldest in the daily tier alone: every row's counts are kept once, also after a run that died
on either side of a swap; the views write the arrays; merges sum them per bucket; and the
Pages list shows quantiles within half a bucket of quantileExact from them, sorted by a p75
too. What the narrower counts save is a benchmark figure (`python -m bench dashboard`)."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from clickhouse_connect.driver.client import Client

from dashboard.cache import QueryCache
from dashboard.filters import parse_filters
from dashboard.panels.pages import pages
from dashboard.querylayer import QueryLayer
from tests.support.log_buckets import HALF_BUCKET, merged_counts
from tests.support.page_counts import PAGE_TIERS
from tests.support.rum_seed import VITAL_COLUMNS, seed, vitals_rows
from tests.support.upgrades import install_before, run_again, upgrade_to
from vitalscope.config import Settings
from vitalscope.storage.migrator import load_migrations

VERSION = 91
TABLES = [f"vitals_pages_{tier}" for tier in PAGE_TIERS]
KEYS = "site, page_group, metric, bucket"


def _merge(client: Client) -> None:
    # Merged, so each table has applied its TTL and summed its rows per key either side.
    for table in TABLES:
        client.command(f"OPTIMIZE TABLE {table} FINAL")


def _content(client: Client) -> dict[str, list[tuple[Any, ...]]]:
    """Every page tier per key: counts and the counts per bucket, whichever column holds
    them at the install's version."""
    return {table: [tuple(r) for r in client.query(
        f"SELECT {KEYS}, sum(samples), sum(good), sum(needs_improvement), sum(poor), "
        f"{merged_counts(client, table, 'value_lh')} FROM {table} GROUP BY {KEYS} "
        f"ORDER BY {KEYS}").result_rows] for table in TABLES}


def _layout(client: Client) -> dict[str, tuple[str, str, str]]:
    return {table: tuple(client.query(
        "SELECT engine, sorting_key, extract(engine_full, 'index_granularity_bytes = \\\\d+') "
        "FROM system.tables WHERE database = currentDatabase() AND name = {t:String}",
        parameters={"t": table}).result_rows[0]) for table in TABLES}


@pytest.mark.parametrize("died_after", [None, "INSERT", "EXCHANGE"])
def test_the_counts_are_kept_once_as_uint32_arrays(settings: Settings,
                                                   died_after: str | None) -> None:
    with install_before(settings, VERSION) as client:
        now = datetime.now(UTC)
        seed(client, now)  # recent, and 2-5 days old
        for age, tag in (((timedelta(days=40), timedelta(days=20)), "old"),
                         ((timedelta(days=120), timedelta(days=100)), "history")):
            client.insert("vitals", vitals_rows("shop", now, 200, age=age, slower=1.1,
                                                release="v0", tag=tag),
                          column_names=VITAL_COLUMNS)
        client.command("OPTIMIZE TABLE vitals FINAL")  # the history is in the daily tier alone
        _merge(client)
        before = _content(client)
        assert all(before.values())
        if died_after is not None:
            statements = next(m for m in load_migrations() if m.version == VERSION).statements()
            stop = next(i for i, s in enumerate(statements) if s.startswith(died_after))
            for statement in statements[:stop + 1]:
                client.command(statement)

        assert upgrade_to(client, VERSION) == [VERSION]
        run_again(client, {VERSION})
        _merge(client)
        assert _content(client) == before
        assert _layout(client) == {
            "vitals_pages_1m": ("SummingMergeTree", "site, page_group, metric, bucket", ""),
            "vitals_pages_1h": ("SummingMergeTree", "site, page_group, bucket, metric",
                                "index_granularity_bytes = 32768"),
            "vitals_pages_1d": ("SummingMergeTree", "site, page_group, bucket, metric",
                                "index_granularity_bytes = 32768")}
        for table in TABLES:
            kept = client.query(
                f"SELECT toTypeName(value_lhMap.count), countIf(notEmpty(value_lh)) "
                f"FROM {table} GROUP BY 1").result_rows
            assert kept == [("Array(UInt32)", 0)], table  # no UInt64 copy left behind
        leftovers = client.query("SELECT name FROM system.tables WHERE database = "
                                 "currentDatabase() AND name LIKE '%\\\\_narrow'").result_rows
        assert leftovers == []

        # New samples reach every tier through the switched views, once, and a merge sums
        # them into the rows of the buckets they share: one row per key, every sample counted.
        client.insert("vitals", vitals_rows("shop", now, 30, age=(timedelta(minutes=30),
                                                                  timedelta(minutes=1)),
                                            slower=2.0, release="v3", tag="later"),
                      column_names=VITAL_COLUMNS)
        client.insert("vitals", vitals_rows("shop", now, 30, age=(timedelta(minutes=30),
                                                                  timedelta(minutes=1)),
                                            slower=1.5, release="v3", tag="again"),
                      column_names=VITAL_COLUMNS)
        _merge(client)
        for table in TABLES:
            rows, keys, samples, counted = client.query(
                f"SELECT count(), uniqExact({KEYS}), sum(samples), "
                f"sum(arraySum(value_lhMap.count)) FROM {table}").result_rows[0]
            added = sum(r[4] for r in before[table])
            assert (rows, samples, counted) == (keys, added + 300, added + 300), table

        # The Pages list reads them: each group's p75 within half a bucket of quantileExact,
        # and the list sorted by the LCP p75 shown.
        layer = QueryLayer(lambda: client, QueryCache(None, 0))
        f = parse_filters("shop", "7d", now=now)
        window = f.window(now)
        exact = {str(g): float(q) for g, q in client.query(
            "SELECT page_group, quantileExact(0.75)(value) FROM vitals WHERE site = 'shop' "
            "AND metric = 'LCP' AND ts >= {from:DateTime('UTC')} AND ts < {to:DateTime('UTC')} "
            "GROUP BY page_group", parameters=window.params()).result_rows}
        listed = pages(layer, f)["rows"]
        shown = {str(r["page_group"]): float(r["p75_LCP"] or "nan") for r in listed}
        assert shown.keys() == exact.keys()
        for group, p75 in shown.items():
            assert math.isclose(p75, exact[group], rel_tol=HALF_BUCKET), (group, p75)
        by_p75 = pages(layer, f, sort="p75_LCP", descending=False)["rows"]
        assert [r["page_group"] for r in by_p75] == sorted(shown, key=lambda g: (shown[g], g))
