"""Deterministic RUM rows written straight into the raw tables of 0001 (the materialized
views fill the rollups, as after a collector flush), and the raw-table answers the
dashboard must match.

`python -m tests.support.rum_seed --data DIR --out expected.json` seeds the data folder of a
`vitalscope serve` that is not running yet (chDB allows one process per folder)."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from clickhouse_connect.driver.client import Client

from vitalscope.vitals import METRIC_NAMES, rating

METRICS = METRIC_NAMES
GROUPS = ("/", "/product/:id", "/cart", "/search", "/blog/:slug")
VITAL_COLUMNS = ["site", "metric", "ts", "received_at", "event_id", "page_view_id",
                 "session_id", "value", "delta", "rating", "page_group", "url", "nav_type",
                 "device", "browser", "os", "country", "connection", "release", "attr_target",
                 "attr_parts"]
TIMING_COLUMNS = ["site", "source", "ts", "received_at", "event_id", "page_view_id",
                  "page_group", "name", "duration", "cache_status"]
PAGE_VIEW_COLUMNS = ["site", "started_at", "received_at", "page_view_id", "session_id", "url",
                     "page_group", "browser", "release"]
RECENT = timedelta(minutes=40)


def _value(metric: str, i: int, slower: float) -> float:
    step = (i * 37) % 300  # 300 distinct values, each seen many times: dense like real ms
    base = {"LCP": 1200 + step * 10, "INP": 40 + step, "CLS": step / 1000,
            "FCP": 800 + step * 6, "TTFB": 200 + step * 4}[metric]
    return round(base * slower, 3) if metric == "CLS" else round(base * slower)


def vitals_rows(site: str, now: datetime, count: int, *, age: tuple[timedelta, timedelta],
                slower: float, release: str, tag: str) -> list[list[Any]]:
    rows = []
    oldest, newest = age
    span = (oldest - newest).total_seconds()
    for i in range(count):
        ts = now - newest - timedelta(seconds=span * ((i * 7919) % count) / count)
        group = GROUPS[i % len(GROUPS)]
        for metric in METRICS:
            value = _value(metric, i, slower * (1.3 if group == "/product/:id" else 1.0))
            parts = ({"waitingDuration": value * 0.1, "requestDuration": value * 0.6,
                      "dnsDuration": value * 0.3} if metric == "TTFB" else {})
            rows.append([
                site, metric, ts, ts, f"{tag}-{site}-{i}-{metric}", f"pv-{tag}-{i}",
                f"s-{i % 50}", value, value, rating(metric, value), group,
                f"https://{site}.example{group}", ("navigate", "reload", "back-forward")[i % 3],
                ("mobile", "desktop", "tablet")[i % 3 if i % 10 else 2],
                ("Chrome", "Firefox", "Safari")[(i // 3) % 3], ("Android", "Windows", "iOS")[i % 3],
                ("DE", "US", "FR", "JP")[i % 4], ("4g", "3g", "wifi")[i % 3], release,
                ("img.hero", "button#buy", "div.banner")[i % 3] if metric in ("LCP", "INP", "CLS")
                else "", parts,
            ])
    return rows


def timing_rows(site: str, now: datetime, count: int, tag: str, db: str = "db"
                ) -> list[list[Any]]:
    rows = []
    for i in range(count):
        ts = now - timedelta(minutes=5 + (i * 13) % 2000)
        group = GROUPS[i % len(GROUPS)]
        for name, source, status in ((db, "rum", ""), ("app", "backend", ""),
                                     ("cdn-cache", "rum", "hit" if i % 4 else "miss")):
            rows.append([site, source, ts, ts, f"{tag}-{site}-{i}-{name}", f"pv-{i}", group,
                         name, float(10 + (i * 31) % 90), status])
    return rows


def seed(client: Client, now: datetime, tag: str = "a", release: str = "v2",
         db: str = "db") -> None:
    """shop: 600 page views in the last 40 minutes, 1500 two to five days ago (slower, an
    older release); blog: a few, much faster, so a leak between sites shows. `release` (of
    the recent views) and `db` (a server-timing name) can be set to what a page sends."""
    batches = [
        vitals_rows("shop", now, 600, age=(RECENT, timedelta(minutes=1)), slower=1.0,
                    release=release, tag=tag + "r"),
        vitals_rows("shop", now, 1500, age=(timedelta(days=5), timedelta(days=2)),
                    slower=1.25, release="v1", tag=tag + "o"),
        vitals_rows("blog", now, 40, age=(RECENT, timedelta(minutes=1)), slower=0.2,
                    release="b1", tag=tag + "b"),
    ]
    for rows in batches:
        client.insert("vitals", rows, column_names=VITAL_COLUMNS)
    client.insert("server_timings", timing_rows("shop", now, 400, tag, db),
                  column_names=TIMING_COLUMNS)


def raw_p75(client: Client, site: str, since: datetime,
            page_group: str | None = None) -> dict[str, float]:
    rows = client.query(
        "SELECT metric, quantileExact(0.75)(value) FROM vitals "
        "WHERE site = {site:String} AND ts >= {since:DateTime64(3, 'UTC')} "
        "AND ({group:String} = '' OR page_group = {group:String}) GROUP BY metric",
        parameters={"site": site, "since": since.replace(tzinfo=None),
                    "group": page_group or ""}).result_rows
    return {metric: float(value) for metric, value in rows}


def raw_values(client: Client, site: str, since: datetime, by: str = "metric",
               metric: str = "") -> dict[str, list[float]]:
    """Every value per metric (or per another column, of one metric), sorted: what a
    histogram or an order statistic of the API is checked against."""
    rows = client.query(
        "SELECT toString({by:Identifier}) AS key, arraySort(groupArray(value)) FROM vitals "
        "WHERE site = {site:String} AND ts >= {since:DateTime64(3, 'UTC')} "
        "AND ({metric:String} = '' OR metric = {metric:String}) GROUP BY key",
        parameters={"site": site, "since": since.replace(tzinfo=None), "by": by,
                    "metric": metric}).result_rows
    return {key: [float(v) for v in values] for key, values in rows}


def expected(client: Client, now: datetime) -> dict[str, Any]:
    recent = now - RECENT - timedelta(minutes=1)
    old = now - timedelta(days=6)
    return {"now": now.isoformat(),
            "shop": {"recent": raw_p75(client, "shop", recent),
                     "all": raw_p75(client, "shop", old),
                     "product_all": raw_p75(client, "shop", old, "/product/:id")},
            "blog": {"recent": raw_p75(client, "blog", recent),
                     "lcp_by_device": raw_values(client, "blog", recent, "device", "LCP")},
            "shop_values_all": raw_values(client, "shop", old)}


def main(argv: list[str]) -> int:
    from vitalscope.config import load_settings
    from vitalscope.runtime import Role, Runtime
    from vitalscope.sites import SiteRepository

    parser = argparse.ArgumentParser()
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--release", default="v2")
    parser.add_argument("--timing-name", default="db")
    args = parser.parse_args(argv)
    runtime = Runtime.open(load_settings(data=args.data), Role.CLI, migrate=True)
    try:
        client = runtime.require_clickhouse()
        for site in ("shop", "blog"):
            SiteRepository(client).add(site, [f"https://{site}.example"])
        now = datetime.now(UTC)
        seed(client, now, release=args.release, db=args.timing_name)
        args.out.write_text(json.dumps(expected(client, now)))
    finally:
        runtime.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
