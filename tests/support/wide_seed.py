"""A high-cardinality site ("wide") written straight into the raw tables: thousands of page
groups and server-timing names, hundreds of browsers, countries and releases, as a site
sending whatever it likes would leave over a day (before the collector's caps, or over
several days of them), and the raw-table answers the bounded dashboard must match.

`python -m tests.support.wide_seed --data DIR --out expected.json` seeds the data folder of
a `vitalscope serve` that is not running yet."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from clickhouse_connect.driver.client import Client

SITE = "wide"
PAGE_GROUPS = 3000
NAMES = 5000
SPREAD = 300  # distinct browsers, countries, releases
VITALS = 60_000
TIMINGS = 50_000
SPAN_S = 20 * 3600

_VITALS = """
INSERT INTO vitals (site, metric, ts, received_at, event_id, page_view_id, session_id, value,
                    delta, rating, page_group, url, browser, country, release)
SELECT {site:String}, metric, ts, ts, toString(number), toString(intDiv(number, 5)), 's',
       value, value, if(value <= 2500, 'good', if(value <= 4000, 'needs-improvement', 'poor')),
       concat('/g/', toString(cityHash64(number, 1) % {groups:UInt32})), 'https://wide.example/',
       concat('browser-', toString(cityHash64(number, 2) % {spread:UInt32})),
       concat('C', toString(cityHash64(number, 3) % {spread:UInt32})),
       concat('r', toString(cityHash64(number, 4) % {spread:UInt32}))
FROM
(
    SELECT number, ['LCP', 'INP', 'CLS', 'FCP', 'TTFB'][number % 5 + 1] AS metric,
           toDateTime64({end:DateTime('UTC')} - 60 - cityHash64(number) % {span:UInt32}, 3,
                        'UTC') AS ts,
           if(metric = 'CLS', (cityHash64(number, 5) % 300) / 1000,
              toFloat64(100 + cityHash64(number, 5) % 6000)) AS value
    FROM numbers({count:UInt64})
)
"""
_TIMINGS = """
INSERT INTO server_timings (site, source, ts, received_at, event_id, page_view_id, page_group,
                            name, duration, cache_status)
SELECT {site:String}, if(number % 3 = 0, 'api', 'rum'), ts, ts, concat('t', toString(number)),
       'pv', '/g/0', concat('name-', toString(cityHash64(number, 6) % {names:UInt32})),
       toFloat64(cityHash64(number, 7) % 500), if(number % 4 = 0, 'hit', '')
FROM
(
    SELECT number, toDateTime64({end:DateTime('UTC')} - 60 - cityHash64(number) % {span:UInt32},
                                3, 'UTC') AS ts
    FROM numbers({count:UInt64})
)
"""


def seed(client: Client, now: datetime) -> None:
    end = now.replace(tzinfo=None)
    common = {"site": SITE, "end": end, "span": SPAN_S}
    client.command(_VITALS, parameters={**common, "groups": PAGE_GROUPS, "spread": SPREAD,
                                        "count": VITALS})
    client.command(_TIMINGS, parameters={**common, "names": NAMES, "count": TIMINGS})


def _top(client: Client, sql: str) -> list[list[Any]]:
    return [list(row) for row in client.query(sql, parameters={"site": SITE}).result_rows]


def expected(client: Client) -> dict[str, Any]:
    """Exact raw answers: per dimension every value's LCP count, ordered as the dashboard
    ranks them (most samples first, then by value); every server-timing (source, name)
    count; every page group's samples and poor samples."""
    out: dict[str, Any] = {}
    for dim in ("browser", "country", "release"):
        out[dim] = _top(client, f"SELECT {dim}, count() AS n FROM vitals WHERE site = "
                        "{site:String} AND metric = 'LCP' GROUP BY " + dim +
                        f" ORDER BY n DESC, {dim}")
    out["names"] = _top(client, "SELECT source, name, count() AS n FROM server_timings WHERE "
                        "site = {site:String} GROUP BY source, name "
                        "ORDER BY n DESC, source, name")
    out["pages"] = _top(client, "SELECT page_group, count(), countIf(rating = 'poor') FROM "
                        "vitals WHERE site = {site:String} GROUP BY page_group")
    return out


def main(argv: list[str]) -> int:
    from vitalscope.config import load_settings
    from vitalscope.runtime import Role, Runtime
    from vitalscope.sites import SiteRepository

    parser = argparse.ArgumentParser()
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    runtime = Runtime.open(load_settings(data=args.data), Role.CLI, migrate=True)
    try:
        client = runtime.require_clickhouse()
        SiteRepository(client).add(SITE, [f"https://{SITE}.example"])
        seed(client, datetime.now(UTC))
        args.out.write_text(json.dumps(expected(client)))
    finally:
        runtime.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
