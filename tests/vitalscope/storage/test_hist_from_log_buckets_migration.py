"""Migration 0086 (the dimension tiers stop writing `hist`; every log-bucket column gets a
delta codec) on an install at 0085 holding samples of every tier's age: the codec rewrite
keeps every count, the panels draw the same histogram and interval from old and new rows,
and new samples are counted in buckets only."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from clickhouse_connect.driver.client import Client

from dashboard.cache import QueryCache
from dashboard.filters import parse_filters
from dashboard.panels.breakdowns import breakdown
from dashboard.panels.overview import overview
from dashboard.querylayer import QueryLayer
from tests.support.log_buckets import LOG_BUCKET_TABLES
from tests.support.merges import optimize_final
from tests.support.rum_seed import VITAL_COLUMNS, seed, vitals_rows
from tests.support.upgrades import install_before, run_again, upgrade_to, upgrade_to_head
from vitalscope.config import Settings
from vitalscope.storage.migrator import load_migrations

VERSION = 86
TABLES = LOG_BUCKET_TABLES
DIMS = ("vitals_dims_1m", "vitals_dims_1h", "vitals_dims_1d")


def _counts(client: Client) -> dict[str, dict[int, int]]:
    """Per table, every bucket's count summed over the table."""
    return {table: {int(k): int(v) for k, v in client.query(
        f"SELECT sumMap({column}) FROM {table}").result_rows[0][0].items()}
        for table, column in TABLES.items()}


def _codecs(client: Client) -> dict[str, str]:
    return {f"{table}.{column}": str(client.query(
        "SELECT compression_codec FROM system.columns WHERE database = currentDatabase() "
        "AND table = {t:String} AND name = {c:String}",
        parameters={"t": table, "c": column}).result_rows[0][0])
        for table, column in TABLES.items()}


def _drawn(layer: QueryLayer, now: datetime) -> object:
    """What the overview and a breakdown show of every tier's windows (floats to 10 digits:
    a merge adds the Float64 sums behind the means in another order)."""
    out: list[object] = []
    for range_ in ("1h", "24h", "7d", "30d"):
        f = parse_filters("shop", range_, now=now)
        out.append(overview(layer, f)["metrics"])
        out.append(breakdown(layer, f, "device", "LCP")["rows"])
    return _rounded(out)


def _rounded(value: object) -> object:
    if isinstance(value, float):
        return float(f"{value:.10g}")
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_rounded(v) for v in value]
    return value


def _merge(client: Client) -> None:
    optimize_final(client, "vitals", *TABLES)


def test_upgrading_keeps_every_count_and_what_the_panels_draw(settings: Settings) -> None:
    now = datetime.now(UTC)
    with install_before(settings, VERSION) as client:
        seed(client, now)  # recent, and 2-5 days old: the minute, hour and day tiers
        _merge(client)
        counts = _counts(client)
        assert all(counts.values())
        assert set(_codecs(client).values()) == {"CODEC(ZSTD(3))"}

        assert upgrade_to(client, VERSION) == [VERSION]
        run_again(client, {VERSION})  # an upgrade that died after it, started again
        _merge(client)
        assert set(_codecs(client).values()) == {"CODEC(Delta(2), ZSTD(3))"}
        assert _counts(client) == counts

        # Today's panels read the columns of later migrations (0092): upgraded to the head,
        # the install draws what one installed at the head draws of the same samples.
        upgrade_to_head(client)
        _merge(client)
        upgraded = _drawn(QueryLayer(lambda: client, QueryCache(None, 0)), now)
    with install_before(settings, load_migrations()[-1].version + 1) as client:
        seed(client, now)
        _merge(client)
        assert _drawn(QueryLayer(lambda: client, QueryCache(None, 0)), now) == upgraded


def test_new_samples_are_counted_in_buckets_only(settings: Settings) -> None:
    with install_before(settings, VERSION) as client:
        now = datetime.now(UTC)
        assert upgrade_to(client, VERSION) == [VERSION]
        client.insert("vitals", vitals_rows("shop", now, 50, age=(timedelta(minutes=30),
                                                                  timedelta(minutes=1)),
                                            slower=2.0, release="v3", tag="later"),
                      column_names=VITAL_COLUMNS)
        for table in DIMS:
            written = client.query(
                f"SELECT sum(samples), countIf(length(hist) > 0), "
                f"arraySum(mapValues(sumMap(value_lh))) FROM {table} WHERE val = 'v3'"
            ).result_rows[0]
            assert written == (250, 0, 250), table
