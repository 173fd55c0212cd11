"""Beacons built to cost the collector as much memory as the wire format allows, shared by
the memory benchmark and the tests of the memory bounds.

The most a beacon can expand: rows repeat the page's context (URL, page group, tags, release)
on every event, so the context is as long as the schema allows and made of one repeated
character (gzip takes it to almost nothing), and the events are the smallest there are, as
many as a beacon may hold."""

from __future__ import annotations

import gzip
import json
import secrets
import time
from typing import Any

MAX_EVENTS = 200  # collector/wire.py


def expanding_beacon(events: int = MAX_EVENTS, now_ms: int | None = None) -> dict[str, Any]:
    now = now_ms if now_ms is not None else int(time.time() * 1000)
    base = "https://bench.example/"
    # Event ids unique across beacons too: deduplication must not hide what was stored.
    prefix = secrets.token_hex(4)
    tags = {f"{chr(97 + i // 26)}{chr(97 + i % 26)}" + "k" * 62: "v" * 256 for i in range(20)}
    return {
        "v": 1, "pv": "pv" + secrets.token_hex(8), "sid": "sid" + secrets.token_hex(8),
        "url": base + "p" * (2048 - len(base)), "grp": "g" * 256, "rel": "r" * 128,
        "nav": "navigate", "st": now - 1000, "sent": now, "tags": tags,
        "e": [{"t": "vital", "id": f"{prefix}{i}", "ts": now - 500, "n": "CLS", "val": 0}
              for i in range(events)],
    }


def typical_beacon(now_ms: int | None = None) -> dict[str, Any]:
    """5 vitals + 3 server timings, a short URL and no tags: what the benchmarks send."""
    now = now_ms if now_ms is not None else int(time.time() * 1000)
    events: list[dict[str, Any]] = [
        {"t": "vital", "id": f"v{i}-{secrets.token_hex(5)}", "ts": now - 800, "n": metric,
         "val": value, "r": "good"}
        for i, (metric, value) in enumerate([("LCP", 1830.5), ("INP", 120.0), ("CLS", 0.04),
                                             ("FCP", 900.0), ("TTFB", 180.0)])]
    events += [{"t": "st", "id": f"s{i}-{secrets.token_hex(5)}", "ts": now - 900, "n": name,
                "dur": 12.5 + i} for i, name in enumerate(("cache", "db", "app"))]
    return {"v": 1, "pv": "pv" + secrets.token_hex(8), "sid": "sid" + secrets.token_hex(8),
            "url": "https://bench.example/product/42", "grp": "/product/:id",
            "nav": "navigate", "st": now - 1000, "sent": now, "dev": "desktop", "ect": "4g",
            "vw": 1280, "vh": 800, "rel": "bench", "sdk": "0.1.0", "e": events}


def gzipped(body: dict[str, Any]) -> bytes:
    return gzip.compress(json.dumps(body, separators=(",", ":")).encode(), 9)
