"""Migration 0083 (the vital minute tiers keep 36 hours) on an install that already holds
data: minute rows older than that are dropped, recent ones stay, and every window shows the
same numbers before and after, a short window of two days ago from the hourly tier."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from clickhouse_connect.driver.client import Client

from dashboard.filters import parse_filters
from tests.support.merges import optimize_final
from tests.support.rum_seed import RECENT, VITAL_COLUMNS, vitals_rows
from tests.support.tdigest_reads import differences, tdigest_reads
from tests.support.upgrades import install_before, run_again, upgrade_to
from vitalscope.config import Settings

VERSION = 83
MINUTE_TABLES = ("vitals_dims_1m", "vitals_pages_1m")


def _rows_older_than(client: Client, table: str, hours: int) -> int:
    return int(client.query(f"SELECT count() FROM {table} "
                            f"WHERE bucket < now() - INTERVAL {hours} HOUR").result_rows[0][0])


def _merge(client: Client) -> None:
    # What background merges do (apply TTLs); t-digest merges depend on the order of states,
    # so both reads see merged tables.
    optimize_final(client, *MINUTE_TABLES, "vitals_dims_1h")


def _answers(client: Client, now: datetime) -> dict[str, Any]:
    """What the panels read (the t-digest tiers of before 0084) for the last hour (minute
    tier) and a 5-hour window of two days ago (hour tier)."""
    recent = parse_filters("shop", "1h", now=now)
    aged = parse_filters("shop", "custom", (now - timedelta(hours=45)).isoformat(),
                         (now - timedelta(hours=40)).isoformat(), now=now)
    assert recent.window(now).tier.name == "1m" and aged.window(now).tier.name == "1h"
    return {"recent": tdigest_reads(client, recent, now),
            "aged": tdigest_reads(client, aged, now)}


def test_minute_rows_past_36_hours_go_and_every_window_keeps_its_numbers(
        settings: Settings) -> None:
    with install_before(settings, VERSION) as client:
        now = datetime.now(UTC)
        for rows in (vitals_rows("shop", now, 200, age=(RECENT, timedelta(minutes=1)),
                                 slower=1.0, release="v2", tag="recent"),
                     vitals_rows("shop", now, 300, age=(timedelta(hours=44),
                                                        timedelta(hours=41)),
                                 slower=1.5, release="v1", tag="aged")):
            client.insert("vitals", rows, column_names=VITAL_COLUMNS)
        _merge(client)
        before = _answers(client, now)
        recent_rows = {t: _rows_older_than(client, t, 0) - _rows_older_than(client, t, 2)
                       for t in MINUTE_TABLES}
        assert all(_rows_older_than(client, t, 36) > 0 for t in MINUTE_TABLES)

        assert upgrade_to(client, VERSION) == [VERSION]
        run_again(client, {VERSION})  # an upgrade that died after it and was started again
        _merge(client)

        assert all(_rows_older_than(client, t, 36) == 0 for t in MINUTE_TABLES)
        assert recent_rows == {t: _rows_older_than(client, t, 0) - _rows_older_than(client, t, 2)
                               for t in MINUTE_TABLES}
        assert all(n > 0 for n in recent_rows.values())
        after = _answers(client, now)
        assert not list(differences(after, before))
        assert {row[1] for row in after["aged"]["overview"]} == {300}
        assert {row[1] for row in after["recent"]["overview"]} == {200}
