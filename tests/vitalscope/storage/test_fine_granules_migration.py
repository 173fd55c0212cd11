"""Migration 0088 (the dimension and page tiers rebuilt with 256 kB index granules) on an
install at 0087 holding samples of every tier's age: every row is kept once, the views
write into the rebuilt tables, and a repeated run (also after one that died on either side
of the swap) ends with every table rebuilt and no copy left. What the granules save is a
benchmark figure (`python -m bench dashboard`, read bytes)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from clickhouse_connect.driver.client import Client

from tests.support.rum_seed import VITAL_COLUMNS, seed, vitals_rows
from tests.support.upgrades import install_before, run_again, upgrade_to
from vitalscope.config import Settings
from vitalscope.storage.migrator import load_migrations

VERSION = 88
TABLES = {"vitals_dims_1h": "site, dim, val, metric, bucket",
          "vitals_dims_1d": "site, dim, val, metric, bucket",
          "vitals_pages_1h": "site, page_group, metric, bucket",
          "vitals_pages_1d": "site, page_group, metric, bucket"}


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
    for table in TABLES:
        client.command(f"OPTIMIZE TABLE {table} FINAL")


def _granule_bytes(client: Client) -> dict[str, str]:
    return {table: str(client.query(
        "SELECT extract(engine_full, 'index_granularity_bytes = \\\\d+') FROM system.tables "
        "WHERE database = currentDatabase() AND name = {t:String}",
        parameters={"t": table}).result_rows[0][0]) for table in TABLES}


def _statements(version: int) -> list[str]:
    return next(m for m in load_migrations() if m.version == version).statements()


@pytest.mark.parametrize("died_after", [None, "INSERT", "EXCHANGE"])
def test_the_rebuilt_tables_keep_every_row_once(settings: Settings,
                                                died_after: str | None) -> None:
    with install_before(settings, VERSION) as client:
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
            statements = _statements(VERSION)
            stop = next(i for i, s in enumerate(statements) if s.startswith(died_after))
            for statement in statements[:stop + 1]:
                client.command(statement)
        assert upgrade_to(client, VERSION) == [VERSION]
        run_again(client, {VERSION})
        _merge(client)
        assert _content(client) == before
        assert set(_granule_bytes(client).values()) == {"index_granularity_bytes = 262144"}
        leftovers = client.query("SELECT name FROM system.tables WHERE database = "
                                 "currentDatabase() AND name LIKE '%\\\\_fine'").result_rows
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
