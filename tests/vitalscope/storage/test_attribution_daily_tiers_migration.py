"""Migration 0087 (daily tiers for the drill-down's attribution rollups; their hourly tables
keep 17 days) on an install at 0086 holding samples from minutes to 40 days old: every day
the hourly tables held is in the daily ones, a repeated run gives the same rows, the hourly
tables drop what is older than 17 days, new samples reach both tiers once, and the
drill-down and scripts panels read a window past the hourly tier from the daily one."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from clickhouse_connect.driver.client import Client

from dashboard.cache import QueryCache
from dashboard.filters import parse_filters
from dashboard.panels.pages import page_detail
from dashboard.panels.scripts import slow_scripts
from dashboard.querylayer import QueryLayer
from tests.support.log_buckets import ATTRIBUTION_FAMILIES
from tests.support.merges import optimize_final
from tests.support.rum_seed import VITAL_COLUMNS, seed, vitals_rows
from tests.support.upgrades import install_before, run_again, upgrade_to, upgrade_to_head
from vitalscope.config import Settings

VERSION = 87
FAMILIES = ATTRIBUTION_FAMILIES


def _per_day(client: Client, table: str, since_days: int = 400) -> list[tuple[Any, ...]]:
    family = table.rsplit("_", 1)[0]
    keys, column = FAMILIES[family]
    return [tuple(row) for row in client.query(
        f"SELECT {keys}, toStartOfDay(bucket) AS day, sum(samples), sum(poor), "
        f"sumMap({column}) FROM {table} WHERE bucket >= now() - INTERVAL {since_days} DAY "
        f"GROUP BY {keys}, day ORDER BY {keys}, day").result_rows]


def _merge(client: Client) -> None:
    optimize_final(client, *(f"{family}_{tier}" for family in FAMILIES for tier in ("1h", "1d")))


def test_the_daily_tiers_hold_every_day_the_hourly_ones_held(settings: Settings) -> None:
    with install_before(settings, VERSION) as client:
        now = datetime.now(UTC)
        seed(client, now)  # recent, and 2-5 days old
        old = vitals_rows("shop", now, 300, age=(timedelta(days=40), timedelta(days=30)),
                          slower=1.1, release="v0", tag="old")
        client.insert("vitals", old, column_names=VITAL_COLUMNS)
        hourly = {family: _per_day(client, f"{family}_1h") for family in FAMILIES}
        assert all(hourly.values())

        assert upgrade_to(client, VERSION) == [VERSION]
        run_again(client, {VERSION})  # an upgrade that died after it, started again
        _merge(client)
        for family in FAMILIES:
            assert _per_day(client, f"{family}_1d") == hourly[family], family
            # The hourly tables keep 17 days; the days before are the daily tier's alone.
            assert _per_day(client, f"{family}_1h") == _per_day(client, f"{family}_1d", 17)
            oldest = client.query(f"SELECT min(bucket) FROM {family}_1h").result_rows[0][0]
            assert oldest.replace(tzinfo=UTC) >= now - timedelta(days=18), family

        # New samples reach both tiers, once, also when the migration is run once more.
        client.insert("vitals", vitals_rows("shop", now, 40, age=(timedelta(minutes=30),
                                                                  timedelta(minutes=1)),
                                            slower=2.0, release="v3", tag="later"),
                      column_names=VITAL_COLUMNS)
        run_again(client, {VERSION})
        _merge(client)
        for family in FAMILIES:
            assert _per_day(client, f"{family}_1h") == _per_day(client, f"{family}_1d", 17)

        # A window 30-40 days back is past the hourly tables: the panels read the daily ones.
        # Today's panels read the tables of later migrations too (0091's page tier counts).
        upgrade_to_head(client)
        layer = QueryLayer(lambda: client, QueryCache(None, 0))
        f = parse_filters("shop", "custom", (now - timedelta(days=41)).date().isoformat(),
                          (now - timedelta(days=29)).date().isoformat())
        detail = page_detail(layer, f, "/product/:id")
        assert detail["attribution_window"]["resolution"] == "1d"
        product = [r for r in old if r[10] == "/product/:id"]
        shown = {(n["nav_type"], n["metric"]): n["samples"] for n in detail["navigation_types"]}
        expected: dict[tuple[str, str], int] = {}
        for row in product:
            expected[(row[12], row[1])] = expected.get((row[12], row[1]), 0) + 1
        assert shown == expected
        assert {e["target"] for e in detail["worst_elements"]} == {
            r[19] for r in product if r[19]}
        scripts = slow_scripts(layer, f)
        assert scripts["window"]["resolution"] == "1d"
        assert scripts["inp_samples"] == sum(1 for r in old if r[1] == "INP")
