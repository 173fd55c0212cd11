"""Migrations 0084 and 0085 (the vital rollups' distributions as counts per logarithmic
bucket) on an install holding samples of every tier's age, some of them past the raw table's
retention: counts stay exact, quantiles come within a bucket's half-width of quantileExact
where the raw samples were still there and within a band of ranks around the exact quantile
(as the old t-digest answers were) where they were not, a repeated run adds nothing twice,
and new samples arrive through the switched views."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

from clickhouse_connect.driver.client import Client

from dashboard.cache import QueryCache
from dashboard.filters import Filters, parse_filters
from dashboard.panels.breakdowns import breakdown
from dashboard.panels.overview import overview, series
from dashboard.panels.pages import page_detail, pages
from dashboard.querylayer import QueryLayer
from tests.support.log_buckets import HALF_BUCKET, LOG_BUCKET_TABLES, merged_counts
from tests.support.merges import optimize_final
from tests.support.rum_seed import VITAL_COLUMNS, seed, vitals_rows
from tests.support.tdigest_reads import tdigest_reads
from tests.support.upgrades import install_before, run_again, upgrade_to, upgrade_to_head
from vitalscope.config import Settings

FIRST, VERSION = 84, 85
LEVELS = (0.5, 0.75, 0.9, 0.95)
# History past the raw table: its counts come from t-digests, read at 100 levels.
RANK_SLACK = 0.02
TABLES = LOG_BUCKET_TABLES


def _window(now: datetime, ago: timedelta, to: timedelta) -> Filters:
    return parse_filters("shop", "custom", (now - ago).isoformat(), (now - to).isoformat(),
                         now=now)


def _recent(now: datetime) -> list[Filters]:
    """The minute, hour and day tiers, over samples the raw table holds."""
    return [_window(now, timedelta(hours=1), timedelta(0)),
            _window(now, timedelta(days=6), timedelta(0)),
            _window(now, timedelta(days=30), timedelta(0))]


def _exact(client: Client, f: Filters, now: datetime) -> dict[str, tuple[int, list[float]]]:
    rows = client.query(
        "SELECT metric, count(), [quantileExact(0.5)(value), quantileExact(0.75)(value), "
        "quantileExact(0.9)(value), quantileExact(0.95)(value)] FROM vitals "
        "WHERE site = 'shop' AND ts >= {from:DateTime('UTC')} AND ts < {to:DateTime('UTC')} "
        "GROUP BY metric", parameters=f.window(now).params()).result_rows
    return {str(m): (int(n), [float(x) for x in q]) for m, n, q in rows}


def _shown(layer: QueryLayer, f: Filters) -> dict[str, tuple[int, list[float]]]:
    out = {}
    for m in overview(layer, f)["metrics"]:
        if m["samples"]:
            quantiles = [m["p50"], m["p75"], m["p90"], m["p95"]]
            out[m["metric"]] = (int(m["samples"]), [float(q) for q in quantiles if q is not None])
    return out


def _short_rows(client: Client) -> dict[str, int]:
    """Per table, the groups of rows whose counts do not hold exactly their samples."""
    out = {}
    for table, column in TABLES.items():
        keys = client.query("SELECT sorting_key FROM system.tables WHERE database = "
                            "currentDatabase() AND name = {t:String}",
                            parameters={"t": table}).result_rows[0][0]
        out[table] = int(client.query(
            f"SELECT count() FROM (SELECT sum(samples) AS n, arraySum(mapValues("
            f"{merged_counts(client, table, column)})) AS counted FROM {table} "
            f"GROUP BY {keys}) "
            "WHERE n != counted").result_rows[0][0])
    return out


def _samples(client: Client) -> dict[str, int]:
    return {t: int(client.query(f"SELECT sum(samples) FROM {t}").result_rows[0][0])
            for t in TABLES}


def _merge(client: Client) -> None:
    optimize_final(client, "vitals", *TABLES)


def _rank_band(values: list[float], level: float, slack: float) -> tuple[float, float]:
    """The values `slack` of the samples either side of quantileExact's rank, widened by
    half a bucket."""
    rank, spread = math.floor(level * len(values)), math.ceil(slack * len(values))
    return (values[max(0, rank - spread)] * (1 - HALF_BUCKET),
            values[min(len(values) - 1, rank + spread)] * (1 + HALF_BUCKET))


def _close(shown: list[float], expected: list[float], rel: float) -> bool:
    return all(math.isclose(a, b, rel_tol=rel, abs_tol=1e-9)
               for a, b in zip(shown, expected, strict=True))


def test_upgrading_keeps_counts_and_brings_quantiles_within_a_bucket(
        settings: Settings) -> None:
    with install_before(settings, FIRST) as client:
        now = datetime.now(UTC)
        seed(client, now)  # recent, and 2-5 days old
        # Past the raw table's 90 days: only the daily tier keeps these once merges run.
        old_rows = vitals_rows("shop", now, 400, age=(timedelta(days=110), timedelta(days=100)),
                               slower=1.4, release="v0", tag="history")
        client.insert("vitals", old_rows, column_names=VITAL_COLUMNS)
        _merge(client)
        assert int(client.query("SELECT count() FROM vitals WHERE ts < now() - INTERVAL "
                                "91 DAY").result_rows[0][0]) == 0
        history = _window(now, timedelta(days=112), timedelta(days=98))
        # What the Overview read before: samples and merged t-digest per metric.
        tdigest = {str(row[0]): (int(row[1]), [float(q) for q in row[5]])
                   for row in tdigest_reads(client, history, now)["overview"]}
        samples = _samples(client)

        assert upgrade_to(client, VERSION) == [FIRST, VERSION]
        run_again(client, {FIRST, VERSION})  # an upgrade that died after them, started again
        _merge(client)
        assert _short_rows(client) == dict.fromkeys(TABLES, 0)
        assert _samples(client) == samples

        # Today's panels read tables of later migrations too (0087's daily attribution tiers).
        upgrade_to_head(client)
        layer = QueryLayer(lambda: client, QueryCache(None, 0))
        for f in _recent(now):
            shown, exact = _shown(layer, f), _exact(client, f, now)
            assert shown.keys() == exact.keys()
            for metric, (n, quantiles) in exact.items():
                assert shown[metric][0] == n
                assert _close(shown[metric][1], quantiles, HALF_BUCKET), (
                    f.window(now), metric, shown[metric], quantiles)
            for panel in (series(layer, f), breakdown(layer, f, "device", "LCP"),
                          pages(layer, f), page_detail(layer, f, "/product/:id")):
                assert panel  # every reader of the switched tables answers
        # History the raw table no longer held: read once from its t-digests.
        shown = _shown(layer, history)
        assert {n for n, _ in shown.values()} == {400} and shown.keys() == tdigest.keys()
        for metric, (_, quantiles) in tdigest.items():
            values = sorted(row[7] for row in old_rows if row[1] == metric)
            for level, got, before in zip(LEVELS, shown[metric][1], quantiles, strict=True):
                # The counts filled from each daily row's t-digest estimate the sample at
                # quantileExact's rank, as the merged t-digest did; how a t-digest
                # interpolates depends on which day each sample falls on, which moves with
                # the clock, so the check is a band of ranks, not the old figure.
                low, high = _rank_band(values, level, RANK_SLACK)
                assert low <= got <= high, (metric, level, got, before, (low, high))

        # New samples go through the switched views, counted in buckets only.
        client.insert("vitals", vitals_rows("shop", now, 50, age=(timedelta(minutes=30),
                                                                  timedelta(minutes=1)),
                                            slower=2.0, release="v3", tag="later"),
                      column_names=VITAL_COLUMNS)
        assert _short_rows(client) == dict.fromkeys(TABLES, 0)
        assert {n for n, _ in _shown(layer, _recent(now)[0]).values()} == {650}
