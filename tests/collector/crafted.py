"""Stream entries crafted by a test and queued straight into the ingest stream (XADD), past
the collector's checks: what a flusher must survive whatever the request path lets in."""

from __future__ import annotations

import time
from typing import Any

import redis

from collector.payload import ch_time, encode_entry
from tests.collector.beacons import new_id
from vitalscope.redisstore import keys

DAY_MS = 86_400_000


def vital_row(ts_ms: int, value: Any = 1200.0, event_id: str | None = None,
              site: str = "shop") -> list[Any]:
    """A vitals row in the column order of collector/tables.py."""
    now = ch_time(int(time.time() * 1000))
    return [site, "LCP", ch_time(ts_ms), now, event_id or new_id("v"), "pv-crafted", "s",
            value, value, "good", "/", "https://shop.example/", "navigate", "desktop",
            "Chrome", "131", "Linux", "", "", "", "", "", "", {}, {},
            "", "", "", "", "", 0.0, "", "", ""]


def event_ids(rows: list[list[Any]]) -> list[str]:
    return [str(row[4]) for row in rows]


def spanning_days(days: int, first_day: int = -80) -> list[list[Any]]:
    """One row per day from `first_day` (days from now; the raw tables keep 90 days)."""
    now = int(time.time() * 1000)
    return [vital_row(now + (first_day + day) * DAY_MS) for day in range(days)]


def queue(client: redis.Redis, rows: list[list[Any]], site: str = "shop") -> str:
    """XADDs one entry holding `rows` (vitals); returns its stream id."""
    try:  # the flusher may not have made its group yet: it must see this entry too
        client.xgroup_create(keys.STREAM, keys.GROUP, id="0", mkstream=True)
    except redis.ResponseError as exc:
        if "BUSYGROUP" not in str(exc):
            raise
    entry_id = client.xadd(keys.STREAM, {"b": encode_entry(site, {"vitals": rows})})
    return entry_id.decode() if isinstance(entry_id, bytes) else str(entry_id)
