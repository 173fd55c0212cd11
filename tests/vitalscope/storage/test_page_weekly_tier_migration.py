"""Migration 0091 (a weekly page tier) on an install at 0090 holding samples from minutes to
120 days old, the oldest no longer in the raw table: the weekly tier holds each week the
daily tier holds, also after a repeated run, and new samples reach it once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from clickhouse_connect.driver.client import Client

from tests.support.rum_seed import VITAL_COLUMNS, seed, vitals_rows
from tests.support.upgrades import install_before, run_again, upgrade_to
from vitalscope.config import Settings

VERSION = 91
KEYS = "site, page_group, metric"


def _per_week(client: Client, table: str) -> list[tuple[Any, ...]]:
    client.command(f"OPTIMIZE TABLE {table} FINAL")
    return [tuple(row) for row in client.query(
        f"SELECT {KEYS}, toDateTime(toMonday(bucket), 'UTC') AS week, sum(samples), "
        f"sum(good), sum(needs_improvement), sum(poor), sumMap(value_lh) FROM {table} "
        f"GROUP BY {KEYS}, week ORDER BY {KEYS}, week").result_rows]


def test_the_weekly_tier_holds_every_week_the_daily_tier_holds(settings: Settings) -> None:
    with install_before(settings, VERSION) as client:
        now = datetime.now(UTC)
        seed(client, now)  # recent, and 2-5 days old
        client.insert("vitals", vitals_rows("shop", now, 200, age=(timedelta(days=120),
                                                                   timedelta(days=100)),
                                            slower=1.1, release="v0", tag="old"),
                      column_names=VITAL_COLUMNS)
        client.command("OPTIMIZE TABLE vitals FINAL")  # past the raw table's 90 days
        daily = _per_week(client, "vitals_pages_1d")
        assert any(row[3].replace(tzinfo=UTC) < now - timedelta(days=95) for row in daily)

        assert upgrade_to(client, VERSION) == [VERSION]
        run_again(client, {VERSION})  # an upgrade that died after it, started again
        assert _per_week(client, "vitals_pages_1w") == daily

        client.insert("vitals", vitals_rows("shop", now, 40, age=(timedelta(minutes=30),
                                                                  timedelta(minutes=1)),
                                            slower=2.0, release="v3", tag="later"),
                      column_names=VITAL_COLUMNS)
        run_again(client, {VERSION})
        assert _per_week(client, "vitals_pages_1w") == _per_week(client, "vitals_pages_1d")
