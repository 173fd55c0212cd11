"""Migrations that rebuild tables (copy, EXCHANGE TABLES, drop) on an install just before
them, holding samples of every tier's age: 0088 (the dimension and page tiers with 256 kB
index granules) and 0090 (the page tiers keyed by bucket before metric, with 32 kB
granules). Every row is kept once, the views write into the rebuilt tables, and a repeated
run (also after one that died on either side of the swap) ends with every table rebuilt and
no copy left. What the granules and keys save is a benchmark figure (`python -m bench
dashboard`, read bytes)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from clickhouse_connect.driver.client import Client

from tests.support.merges import optimize_final
from tests.support.rum_seed import VITAL_COLUMNS, seed, vitals_rows
from tests.support.upgrades import install_before, run_again, upgrade_to
from vitalscope.config import Settings
from vitalscope.storage.migrator import load_migrations

TABLES = {"vitals_dims_1h": "site, dim, val, metric, bucket",
          "vitals_dims_1d": "site, dim, val, metric, bucket",
          "vitals_pages_1h": "site, page_group, metric, bucket",
          "vitals_pages_1d": "site, page_group, metric, bucket"}
# version -> (the tables it rebuilds, their sorting key and granule bytes after it)
REBUILDS = {
    88: (TABLES, 262144),
    90: ({"vitals_pages_1h": "site, page_group, bucket, metric",
          "vitals_pages_1d": "site, page_group, bucket, metric"}, 32768),
}


def _content(client: Client) -> dict[str, list[tuple[Any, ...]]]:
    """Every table merged per key: counts, the Float64 sum rounded (merge order), buckets."""
    out = {}
    for table, keys in TABLES.items():
        extra = ", round(sum(value_sum), 3)" if "dims" in table else ""
        out[table] = [tuple(r) for r in client.query(
            f"SELECT {keys}, sum(samples), sum(good), sum(poor), sumMap(value_lh){extra} "
            f"FROM {table} GROUP BY {keys} ORDER BY {keys}").result_rows]
    return out


def _samples(client: Client) -> dict[str, int]:
    return {t: int(client.query(f"SELECT sum(samples) FROM {t}").result_rows[0][0])
            for t in TABLES}


def _merge(client: Client) -> None:
    # Merged, so each table has applied its TTL (the hourly ones keep 17 days) either side.
    optimize_final(client, *TABLES)


def _layout(client: Client, tables: dict[str, str]) -> dict[str, tuple[str, str]]:
    """Each table's sorting key and granule bytes setting."""
    return {table: tuple(client.query(
        "SELECT sorting_key, extract(engine_full, 'index_granularity_bytes = \\\\d+') "
        "FROM system.tables WHERE database = currentDatabase() AND name = {t:String}",
        parameters={"t": table}).result_rows[0]) for table in tables}


def _statements(version: int) -> list[str]:
    return next(m for m in load_migrations() if m.version == version).statements()


@pytest.mark.parametrize("version", sorted(REBUILDS))
@pytest.mark.parametrize("died_after", [None, "INSERT", "EXCHANGE"])
def test_the_rebuilt_tables_keep_every_row_once(settings: Settings, version: int,
                                                died_after: str | None) -> None:
    rebuilt, granule_bytes = REBUILDS[version]
    with install_before(settings, version) as client:
        now = datetime.now(UTC)
        seed(client, now)  # recent, and 2-5 days old
        client.insert("vitals", vitals_rows("shop", now, 200, age=(timedelta(days=40),
                                                                   timedelta(days=20)),
                                            slower=1.1, release="v0", tag="old"),
                      column_names=VITAL_COLUMNS)
        _merge(client)
        before = _content(client)
        assert all(before.values())
        if died_after is not None:
            # A run that died after the first table's copy or swap, before its drop.
            statements = _statements(version)
            stop = next(i for i, s in enumerate(statements) if s.startswith(died_after))
            for statement in statements[:stop + 1]:
                client.command(statement)
        assert upgrade_to(client, version) == [version]
        run_again(client, {version})
        _merge(client)
        assert _content(client) == before
        assert _layout(client, rebuilt) == {
            t: (key, f"index_granularity_bytes = {granule_bytes}") for t, key in rebuilt.items()}
        leftovers = client.query(
            "SELECT name FROM system.tables WHERE database = currentDatabase() AND "
            "(name LIKE '%\\\\_fine' OR name LIKE '%\\\\_rekeyed')").result_rows
        assert leftovers == []

        # The views write into the rebuilt tables.
        samples = _samples(client)
        client.insert("vitals", vitals_rows("shop", now, 30, age=(timedelta(minutes=30),
                                                                  timedelta(minutes=1)),
                                            slower=2.0, release="v3", tag="later"),
                      column_names=VITAL_COLUMNS)
        after = _samples(client)
        # 30 page views x 5 vitals; the dimension tiers count each in 8 dimensions.
        assert {t: after[t] - samples[t] for t in TABLES} == {
            t: 150 * (8 if "dims" in t else 1) for t in TABLES}
