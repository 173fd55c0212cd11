"""Migrations 0091, 0092 and 0093 (the page, dimension and attribution tiers' counts per
logarithmic bucket as UInt32 arrays summed by a SummingMergeTree) on an install just before
each, holding samples from minutes to 120 days old, the oldest in the daily tier alone:
every row's counts and sums are kept once, also after a run that died on either side of a
swap; the views write the arrays; merges sum them per bucket; and the panels that read them
show quantiles within half a bucket of quantileExact. What the narrower counts save is a
benchmark figure (`python -m bench dashboard`, read bytes)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from clickhouse_connect.driver.client import Client

from dashboard.cache import QueryCache
from dashboard.filters import Filters, Window, parse_filters
from dashboard.panels.breakdowns import breakdown
from dashboard.panels.overview import overview
from dashboard.panels.pages import attribution_window, page_detail, pages
from dashboard.querylayer import QueryLayer
from tests.support.log_buckets import HALF_BUCKET, merged_counts
from tests.support.merges import optimize_final
from tests.support.rum_seed import VITAL_COLUMNS, seed, vitals_rows
from tests.support.upgrades import install_before, run_again, upgrade_to, upgrade_to_head
from vitalscope.config import Settings
from vitalscope.storage.migrator import load_migrations

GRANULES = "index_granularity_bytes = "
PAGE = "/product/:id"  # a page group of the seed, with elements and navigation types


@dataclass(frozen=True)
class Narrowed:
    """A tier a migration rebuilds: its key columns, what else it sums, its sorting key and
    granule setting after the rebuild, and how many of its rows count each sample."""
    keys: str
    sums: str
    sorting_key: str
    granules: str
    per_sample: int
    counts: str = "1"  # which raw samples it counts


_COUNTS = "sum(samples), sum(good), sum(needs_improvement), sum(poor)"
_PAGES = "site, page_group, metric, bucket"
_DIMS = "site, dim, val, metric, bucket"
_NAVS = "site, page_group, nav_type, metric, bucket"
_TARGETS = "site, page_group, metric, target, bucket"
_FINE = f"{GRANULES}32768"
NARROWED: dict[int, dict[str, Narrowed]] = {
    91: {"vitals_pages_1m": Narrowed(_PAGES, _COUNTS, _PAGES, "", 1),
         "vitals_pages_1h": Narrowed(_PAGES, _COUNTS, "site, page_group, bucket, metric",
                                     _FINE, 1),
         "vitals_pages_1d": Narrowed(_PAGES, _COUNTS, "site, page_group, bucket, metric",
                                     _FINE, 1)},
    92: {f"vitals_dims_{tier}": Narrowed(
        _DIMS, f"{_COUNTS}, round(sum(value_sum), 3), sumMap(parts_sum)", _DIMS,
        "" if tier == "1m" else _FINE, 8) for tier in ("1m", "1h", "1d")},
    93: {**{f"vitals_navs_{tier}": Narrowed(_NAVS, _COUNTS, _NAVS, _FINE, 1)
            for tier in ("1h", "1d")},
         **{f"vitals_targets_{tier}": Narrowed(_TARGETS, "sum(samples), sum(poor)", _TARGETS,
                                               _FINE, 1, "attr_target != ''")
            for tier in ("1h", "1d")}},
}


def _merge(client: Client, version: int) -> None:
    # Merged, so each table has applied its TTL and summed its rows per key either side.
    optimize_final(client, *NARROWED[version])


def _content(client: Client, version: int) -> dict[str, list[tuple[Any, ...]]]:
    """Every tier per key: sums, and the counts per bucket from whichever column holds them
    at the install's version."""
    return {table: [tuple(r) for r in client.query(
        f"SELECT {n.keys}, {n.sums}, {merged_counts(client, table, 'value_lh')} "
        f"FROM {table} GROUP BY {n.keys} ORDER BY {n.keys}").result_rows]
        for table, n in NARROWED[version].items()}


def _layout(client: Client, version: int) -> dict[str, tuple[str, str, str]]:
    return {table: tuple(client.query(
        "SELECT engine, sorting_key, extract(engine_full, 'index_granularity_bytes = \\\\d+') "
        "FROM system.tables WHERE database = currentDatabase() AND name = {t:String}",
        parameters={"t": table}).result_rows[0]) for table in NARROWED[version]}


def _samples(client: Client, table: str, n: Narrowed) -> tuple[int, int]:
    """The table's samples, and the raw samples it counts times the rows each is in."""
    held, raw = client.query(
        f"SELECT (SELECT sum(samples) FROM {table}), "
        f"(SELECT count() FROM vitals WHERE {n.counts})").result_rows[0]
    return int(held), int(raw) * n.per_sample


def _exact_p75(client: Client, window: Window, by: str, where: str = "1") -> dict[str, float]:
    return {str(k): float(q) for k, q in client.query(
        f"SELECT {by}, quantileExact(0.75)(value) FROM vitals WHERE site = 'shop' "
        "AND metric = 'LCP' AND ts >= {from:DateTime('UTC')} AND ts < {to:DateTime('UTC')} "
        f"AND {where} GROUP BY {by}", parameters=window.params()).result_rows}


def _assert_within_half_a_bucket(shown: dict[str, float], exact: dict[str, float]) -> None:
    assert shown.keys() == exact.keys() and shown
    for key, p75 in shown.items():
        assert math.isclose(p75, exact[key], rel_tol=HALF_BUCKET), (key, p75, exact[key])


def _assert_panels(client: Client, version: int, f: Filters) -> None:
    layer = QueryLayer(lambda: client, QueryCache(None, 0))
    window = f.window()
    if version == 91:
        listed = pages(layer, f)["rows"]
        shown = {str(r["page_group"]): float(r["p75_LCP"] or "nan") for r in listed}
        _assert_within_half_a_bucket(shown, _exact_p75(client, window, "page_group"))
        by_p75 = pages(layer, f, sort="p75_LCP", descending=False)["rows"]
        assert [r["page_group"] for r in by_p75] == sorted(shown, key=lambda g: (shown[g], g))
    elif version == 92:
        cards = {m["metric"]: m for m in overview(layer, f)["metrics"]}
        _assert_within_half_a_bucket({"all": float(cards["LCP"]["p75"] or "nan")},
                                     _exact_p75(client, window, "'all'"))
        devices = breakdown(layer, f, "device", "LCP")["rows"]
        _assert_within_half_a_bucket({str(r["value"]): float(r["p75"] or "nan")
                                      for r in devices},
                                     _exact_p75(client, window, "toString(device)"))
    else:
        detail = page_detail(layer, f, PAGE)
        attribution = attribution_window(window)
        group = f"page_group = '{PAGE}'"
        _assert_within_half_a_bucket(
            {str(n["nav_type"]): float(n["p75"] or "nan") for n in detail["navigation_types"]
             if n["metric"] == "LCP"},
            _exact_p75(client, attribution, "toString(nav_type)", group))
        shown = {str(e["target"]): float(e["p75"] or "nan") for e in detail["worst_elements"]
                 if e["metric"] == "LCP"}
        exact = _exact_p75(client, attribution, "attr_target", f"{group} AND attr_target != ''")
        assert shown and shown.keys() <= exact.keys()  # the worst 5
        _assert_within_half_a_bucket(shown, {t: exact[t] for t in shown})


@pytest.mark.parametrize("version", sorted(NARROWED))
@pytest.mark.parametrize("died_after", [None, "INSERT", "EXCHANGE"])
def test_the_counts_are_kept_once_as_uint32_arrays(settings: Settings, version: int,
                                                   died_after: str | None) -> None:
    with install_before(settings, version) as client:
        now = datetime.now(UTC)
        seed(client, now)  # recent, and 2-5 days old
        for age, tag in (((timedelta(days=40), timedelta(days=20)), "old"),
                         ((timedelta(days=120), timedelta(days=100)), "history")):
            client.insert("vitals", vitals_rows("shop", now, 200, age=age, slower=1.1,
                                                release="v0", tag=tag),
                          column_names=VITAL_COLUMNS)
        optimize_final(client, "vitals")  # the history is in the daily tier alone
        _merge(client, version)
        before = _content(client, version)
        assert all(before.values())
        if died_after is not None:
            statements = next(m for m in load_migrations() if m.version == version).statements()
            stop = next(i for i, s in enumerate(statements) if s.startswith(died_after))
            for statement in statements[:stop + 1]:
                client.command(statement)

        assert upgrade_to(client, version) == [version]
        run_again(client, {version})
        _merge(client, version)
        assert _content(client, version) == before
        assert _layout(client, version) == {
            table: ("SummingMergeTree", n.sorting_key, n.granules)
            for table, n in NARROWED[version].items()}
        for table in NARROWED[version]:
            kept = client.query(
                f"SELECT toTypeName(value_lhMap.count), countIf(notEmpty(value_lh)) "
                f"FROM {table} GROUP BY 1").result_rows
            assert kept == [("Array(UInt32)", 0)], table  # no UInt64 copy left behind
        leftovers = client.query("SELECT name FROM system.tables WHERE database = "
                                 "currentDatabase() AND name LIKE '%\\\\_narrow'").result_rows
        assert leftovers == []

        # New samples reach every tier through the switched views, once, and a merge sums
        # them into the rows of the buckets they share: one row per key, every sample counted.
        held = {t: _samples(client, t, n) for t, n in NARROWED[version].items()}
        for slower, tag in ((2.0, "later"), (1.5, "again")):
            client.insert("vitals", vitals_rows("shop", now, 30, age=(
                timedelta(minutes=30), timedelta(minutes=1)), slower=slower, release="v3",
                tag=tag), column_names=VITAL_COLUMNS)
        _merge(client, version)
        for table, n in NARROWED[version].items():
            rows, keys, samples, counted = client.query(
                f"SELECT count(), uniqExact({n.keys}), sum(samples), "
                f"sum(arraySum(value_lhMap.count)) FROM {table}").result_rows[0]
            added = _samples(client, table, n)[1] - held[table][1]
            assert added > 0, table
            assert (rows, samples, counted) == (keys, held[table][0] + added,
                                                held[table][0] + added), table

        # Today's panels read them (after the later migrations too): quantiles within half a
        # bucket of quantileExact, in the minute, hour and day tiers.
        upgrade_to_head(client)
        for range_ in ("1h", "7d", "30d"):
            _assert_panels(client, version, parse_filters("shop", range_, now=now))
