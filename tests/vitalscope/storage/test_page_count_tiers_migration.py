"""Migration 0089 (per page group counts for the Pages ranking) on an install at 0088
holding samples from minutes to 120 days old, the oldest no longer in the raw table: each
count tier holds what its page tier holds, summed over the vitals, also after a repeated run
and for days only the daily page tier still has; new samples reach it once; and the Pages
list ranks a window the raw table no longer covers from it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from clickhouse_connect.driver.client import Client

from dashboard.cache import QueryCache
from dashboard.filters import parse_filters
from dashboard.panels.pages import pages
from dashboard.querylayer import QueryLayer
from tests.support.merges import optimize_final
from tests.support.page_counts import PAGE_TIERS, page_counts
from tests.support.rum_seed import VITAL_COLUMNS, seed, vitals_rows
from tests.support.upgrades import install_before, run_again, upgrade_to, upgrade_to_head
from vitalscope.config import Settings

VERSION = 89


def _assert_counts_match_pages(client: Client) -> None:
    for tier in PAGE_TIERS:
        # Both merged, so both have applied their TTL (the oldest samples are past the 1m and
        # 1h tiers' and arrive in parts a background merge may not have reached yet).
        optimize_final(client, f"vitals_pages_{tier}", f"vitals_page_counts_{tier}")
        pages_tier = page_counts(client, f"vitals_pages_{tier}")
        assert pages_tier and page_counts(client, f"vitals_page_counts_{tier}") == pages_tier, tier


def test_the_count_tiers_hold_every_bucket_the_page_tiers_hold(settings: Settings) -> None:
    with install_before(settings, VERSION) as client:
        now = datetime.now(UTC)
        seed(client, now)  # recent, and 2-5 days old
        old = vitals_rows("shop", now, 200, age=(timedelta(days=120), timedelta(days=100)),
                          slower=1.1, release="v0", tag="old")
        client.insert("vitals", old, column_names=VITAL_COLUMNS)
        # The raw table keeps 90 days: the oldest samples are in vitals_pages_1d alone.
        optimize_final(client, "vitals")
        assert client.query("SELECT count() FROM vitals WHERE ts < now() - INTERVAL 95 DAY"
                            ).result_rows[0][0] == 0

        assert upgrade_to(client, VERSION) == [VERSION]
        run_again(client, {VERSION})  # an upgrade that died after it, started again
        _assert_counts_match_pages(client)

        client.insert("vitals", vitals_rows("shop", now, 40, age=(timedelta(minutes=30),
                                                                  timedelta(minutes=1)),
                                            slower=2.0, release="v3", tag="later"),
                      column_names=VITAL_COLUMNS)
        run_again(client, {VERSION})
        _assert_counts_match_pages(client)

        # A window 100-120 days back: the list ranks the samples no raw row holds any more.
        # Today's panels read the tables of later migrations too (0091's page tier counts).
        upgrade_to_head(client)
        layer = QueryLayer(lambda: client, QueryCache(None, 0))
        f = parse_filters("shop", "custom", (now - timedelta(days=121)).date().isoformat(),
                          (now - timedelta(days=99)).date().isoformat())
        listed = pages(layer, f, sort="samples", page_size=2)
        expected: dict[str, list[int]] = {}
        for row in old:
            counts = expected.setdefault(row[10], [0, 0])
            counts[0] += 1
            counts[1] += row[9] == "poor"
        # Descending by samples, then by name the same way round (pages_ranked).
        ranked = sorted(expected.items(), key=lambda kv: (kv[1][0], kv[0]), reverse=True)
        assert listed["total"] == len(expected) > 2
        assert [(r["page_group"], r["samples"], r["poor"]) for r in listed["rows"]] == [
            (group, n, poor) for group, (n, poor) in ranked[:2]]
        # Past the last page, the total still comes from the count tier (pages_total).
        beyond = pages(layer, f, sort="samples", page_size=2, page=50)
        assert beyond["rows"] == [] and beyond["total"] == len(expected)
