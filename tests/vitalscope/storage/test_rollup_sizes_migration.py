"""Migration 0070 (vital rollups sized for their readers) on an install that already holds
data: what every panel read (the t-digest tiers of then, tests/support/tdigest_reads.py) has
the same numbers after the upgrade, the rewritten columns use the
new codec, and history the hourly tiers no longer keep is still answered from the daily
tier."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from clickhouse_connect.driver.client import Client

from dashboard.filters import parse_filters
from tests.support.merges import optimize_final
from tests.support.rum_seed import VITAL_COLUMNS, seed, vitals_rows
from tests.support.tdigest_reads import differences, tdigest_reads
from tests.support.upgrades import install_before, upgrade_to
from vitalscope.config import Settings

VERSION = 70
# The spans of the preset ranges (1m, 1h, 1h and 1d tier), as fixed custom windows so the
# two reads see the same window.
SPANS = (timedelta(hours=1), timedelta(hours=24), timedelta(days=7), timedelta(days=30))


def _panels(client: Client, now: datetime) -> list[Any]:
    out: list[Any] = []
    end = now.replace(second=0, microsecond=0)
    for span in SPANS:
        f = parse_filters("shop", "custom", (end - span).isoformat(), end.isoformat(), now=now)
        out.append(tdigest_reads(client, f, now))
    return out


def _old_custom(client: Client, now: datetime) -> Any:
    start, end = now - timedelta(days=29), now - timedelta(days=19)
    f = parse_filters("shop", "custom", start.isoformat(), end.isoformat(), now=now)
    assert f.window(now).tier.name == "1d"
    return tdigest_reads(client, f, now)


def _count(client: Client, sql: str) -> int:
    return int(client.query(sql).result_rows[0][0])


def _merge(client: Client) -> None:
    optimize_final(client, "vitals_1m", "vitals_dims_1m", "vitals_dims_1h", "vitals_dims_1d",
                   "vitals_pages_1m", "vitals_pages_1h", "vitals_pages_1d")


def test_upgrading_an_install_with_data_keeps_every_panels_numbers(settings: Settings) -> None:
    with install_before(settings, VERSION) as client:
        now = datetime.now(UTC)
        seed(client, now)  # recent and 2-5 days old
        client.insert("vitals", vitals_rows("shop", now, 300,
                                            age=(timedelta(days=28), timedelta(days=20)),
                                            slower=1.5, release="v0", tag="old"),
                      column_names=VITAL_COLUMNS)
        # t-digest merges depend on the order of states: compare merged tables both times.
        _merge(client)
        before, old_before = _panels(client, now), _old_custom(client, now)
        hourly_old = ("SELECT count() FROM vitals_dims_1h "
                      "WHERE bucket < now() - INTERVAL 17 DAY")
        assert _count(client, hourly_old) > 0

        assert upgrade_to(client, VERSION) == [VERSION]
        _merge(client)  # what background merges do: apply the new TTLs and codecs
        after = _panels(client, now)
        assert not list(differences(after, before))
        assert not list(differences(_old_custom(client, now), old_before))
        assert {row[1] for row in old_before["overview"]} == {300}
        assert _count(client, hourly_old) == 0
        codecs = {str(column): str(codec) for column, codec in client.query(
            "SELECT column, compression_codec FROM system.columns "
            "WHERE database = currentDatabase() AND table = 'vitals_dims_1h'").result_rows}
        assert codecs["value_q"] == codecs["hist"] == codecs["samples"] == "CODEC(ZSTD(3))"
