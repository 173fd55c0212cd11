"""Migration 0070 (vital rollups sized for their readers) on an install that already holds
data: every panel shows the same numbers after the upgrade, the rewritten columns use the
new codec, and history the hourly tiers no longer keep is still answered from the daily
tier."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from typing import Any

from clickhouse_connect.driver.client import Client

from dashboard.cache import QueryCache
from dashboard.filters import parse_filters
from dashboard.panels.breakdowns import breakdown
from dashboard.panels.overview import overview, series
from dashboard.panels.pages import pages
from dashboard.querylayer import QueryLayer
from tests.support.rum_seed import VITAL_COLUMNS, seed, vitals_rows
from tests.support.upgrades import install_before, upgrade_to
from vitalscope.config import Settings

VERSION = 70
# The spans of the preset ranges (1m, 1h, 1h and 1d tier), as fixed custom windows so the
# two reads see the same window.
SPANS = (timedelta(hours=1), timedelta(hours=24), timedelta(days=7), timedelta(days=30))


def _panels(layer: QueryLayer, now: datetime) -> list[Any]:
    out: list[Any] = []
    end = now.replace(second=0, microsecond=0)
    for span in SPANS:
        window = ((end - span).isoformat(), end.isoformat())
        f = parse_filters("shop", "custom", *window, now=now)
        mobile = parse_filters("shop", "custom", *window, segment="device:mobile", now=now)
        out.append((overview(layer, f), series(layer, f), overview(layer, mobile),
                    breakdown(layer, f, "device", "LCP"), pages(layer, f)))
    return out


def _old_custom(layer: QueryLayer, now: datetime) -> Any:
    start, end = now - timedelta(days=29), now - timedelta(days=19)
    f = parse_filters("shop", "custom", start.isoformat(), end.isoformat(), now=now)
    assert f.window(now).tier.name == "1d"
    return overview(layer, f)


def _differences(a: Any, b: Any, path: str = "") -> Any:
    """Where two panel answers differ: counts and names exactly, floats but for the last bits
    (sums of floats depend on the order parts are read in)."""
    if isinstance(a, dict) and isinstance(b, dict):
        for key in sorted(a.keys() | b.keys(), key=str):
            yield from _differences(a.get(key), b.get(key), f"{path}.{key}")
    elif isinstance(a, list | tuple) and isinstance(b, list | tuple) and len(a) == len(b):
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            yield from _differences(x, y, f"{path}[{i}]")
    elif isinstance(a, float) and isinstance(b, float):
        if not math.isclose(a, b, rel_tol=1e-12):
            yield path, a, b
    elif a != b or type(a) is not type(b):
        yield path, a, b


def _count(client: Client, sql: str) -> int:
    return int(client.query(sql).result_rows[0][0])


def _merge(client: Client) -> None:
    for table in ("vitals_1m", "vitals_dims_1m", "vitals_dims_1h", "vitals_dims_1d",
                  "vitals_pages_1m", "vitals_pages_1h", "vitals_pages_1d"):
        client.command(f"OPTIMIZE TABLE {table} FINAL")


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
        layer = QueryLayer(lambda: client, QueryCache(None, 0))
        before, old_before = _panels(layer, now), _old_custom(layer, now)
        hourly_old = ("SELECT count() FROM vitals_dims_1h "
                      "WHERE bucket < now() - INTERVAL 17 DAY")
        assert _count(client, hourly_old) > 0

        assert upgrade_to(client, VERSION) == [VERSION]
        _merge(client)  # what background merges do: apply the new TTLs and codecs
        after = _panels(layer, now)
        assert not list(_differences(after, before))
        assert not list(_differences(_old_custom(layer, now), old_before))
        assert old_before["metrics"][0]["samples"] == 300
        assert _count(client, hourly_old) == 0
        codecs = {str(column): str(codec) for column, codec in client.query(
            "SELECT column, compression_codec FROM system.columns "
            "WHERE database = currentDatabase() AND table = 'vitals_dims_1h'").result_rows}
        assert codecs["value_q"] == codecs["hist"] == codecs["samples"] == "CODEC(ZSTD(3))"
