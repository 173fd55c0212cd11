"""Migration 0082 (a site's distinct page views per bucket as small uniqCombined states) on an
install holding page views of every tier's age, including days whose raw page views had
already expired when it ran: the Errors page's denominator answers what it answered from
page_views_site before, on every tier and on windows reaching past the raw retention; a
repeated run changes nothing; new page views arrive through the views."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from clickhouse_connect.driver.client import Client

from dashboard.cache import QueryCache
from dashboard.filters import Filters, parse_filters
from dashboard.panels import errors
from dashboard.querylayer import QueryLayer
from tests.support.rum_seed import PAGE_VIEW_COLUMNS
from tests.support.upgrades import install_before, run_again, upgrade_to
from vitalscope.config import Settings

VERSION = 82
# The page views of before 0082: what errors_page_views read until then.
OLD_QUERY = """SELECT uniqMerge(page_views) FROM {table:Identifier}
WHERE site = {site:String} AND bucket >= {from:DateTime('UTC')} AND bucket < {to:DateTime('UTC')}"""


def _seed(client: Client, site: str, at: datetime, tag: str, views: int) -> None:
    """`views` page views in the minutes after `at`, each sent twice (the raw table holds a
    row per beacon until it merges), over 2 page groups and 2 browsers."""
    rows = []
    for i in range(views):
        moment = at + timedelta(minutes=i % 3, seconds=i)
        group, browser = f"/g{i % 2}", ("Chrome", "Firefox")[i // 2 % 2]
        row = [site, moment, moment, f"pv-{tag}-{i}", "s", f"https://{site}.example{group}",
               group, browser, "r1"]
        rows += [row, [*row[:2], moment + timedelta(seconds=5), *row[3:]]]
    client.insert("page_views", rows, column_names=PAGE_VIEW_COLUMNS)


def _filters(now: datetime) -> list[Filters]:
    """A window on the 1m tier (the last hour), the 1h tier (2 to 4 days ago), and the 1d
    tier: 20 to 28 days ago, 110 to 80 days ago (across the oldest raw day left) and 105 to
    95 days ago (only days whose raw page views expired before the migration)."""
    spans = ((timedelta(hours=1), timedelta(0)), (timedelta(days=4), timedelta(days=2)),
             (timedelta(days=28), timedelta(days=20)), (timedelta(days=110), timedelta(days=80)),
             (timedelta(days=105), timedelta(days=95)))
    return [parse_filters("shop", "custom", (now - ago).isoformat(), (now - to).isoformat(),
                          now=now) for ago, to in spans]


def _old(client: Client, now: datetime) -> list[int]:
    out = []
    for f in _filters(now):
        window = f.window(now)
        out.append(int(client.query(OLD_QUERY, parameters={
            "table": window.table("page_views_site"), "site": "shop",
            **window.params()}).result_rows[0][0]))
    return out


def _new(layer: QueryLayer, now: datetime) -> list[int]:
    out = []
    for f in _filters(now):
        window = f.window(now)
        rows = layer.run("errors_page_views", "shop", {
            "reach_table": window.table("page_views_reach"),
            "table": window.table("page_views_site"), **window.params()})
        out.append(int(rows[0]["page_views"]))
    return out


def test_the_errors_denominator_keeps_its_numbers_across_the_raw_retention(
        settings: Settings) -> None:
    with install_before(settings, VERSION) as client:
        now = datetime.now(UTC).replace(second=0, microsecond=0)
        for site, views in (("shop", 1), ("blog", 2)):  # blog: another site, not counted
            _seed(client, site, now - timedelta(minutes=30), f"{site}-recent", 24 * views)
            _seed(client, site, now - timedelta(days=3), f"{site}-days", 30 * views)
            _seed(client, site, now - timedelta(days=25), f"{site}-weeks", 36 * views)
            _seed(client, site, now - timedelta(days=85), f"{site}-kept", 40 * views)
            _seed(client, site, now - timedelta(days=100), f"{site}-expired", 50 * views)
        # The raw table's TTL drops whole days: the oldest day leaves it, its rollups stay.
        expired = (now - timedelta(days=100)).strftime("%Y%m%d")
        client.command(f"ALTER TABLE page_views DROP PARTITION ID '{expired}'")
        assert client.command("SELECT count() FROM page_views WHERE site = 'shop'"
                              " AND started_at < now() - INTERVAL 90 DAY") == 0
        before = _old(client, now)
        assert before == [24, 30, 36, 40 + 50, 50]

        assert upgrade_to(client, VERSION) == [VERSION]
        layer = QueryLayer(lambda: client, QueryCache(None, 0))
        assert _new(layer, now) == before
        # Only what the raw table still held went into the reach tier.
        assert client.command("SELECT min(bucket) > now() - INTERVAL 90 DAY"
                              " FROM page_views_reach_1d WHERE site = 'shop'") == 1
        # A run that died after its refills is repeated whole: the same numbers again.
        run_again(client, [VERSION])
        assert _new(layer, now) == before

        # New page views reach the new tables through their views, as the Errors page shows.
        _seed(client, "shop", now - timedelta(minutes=20), "shop-after", 6)
        assert _new(layer, now)[0] == 24 + 6
        assert errors.groups(layer, parse_filters("shop", "1h", now=now))["page_views"] == 30
        assert _new(layer, now) == _old(client, now)
