"""Beacons and server-timing batches for tests, valid unless a test breaks them on purpose."""

from __future__ import annotations

import itertools
import secrets
import time
from typing import Any

from vitalscope.vitals import METRIC_NAMES

IPHONE_UA = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
             "(KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1")
CHROME_UA = ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
             "Chrome/131.0.0.0 Safari/537.36")
_counter = itertools.count()


def new_id(prefix: str = "e") -> str:
    return f"{prefix}{next(_counter)}-{secrets.token_hex(6)}"


def beacon(n_vitals: int = 5, n_timings: int = 3, errors: int = 0, **context: Any
           ) -> dict[str, Any]:
    now = int(time.time() * 1000)
    events: list[dict[str, Any]] = []
    metrics = METRIC_NAMES
    for i in range(n_vitals):
        metric = metrics[i % len(metrics)]
        events.append({"t": "vital", "id": new_id("v"), "ts": now - 1000, "n": metric,
                       "val": 0.05 if metric == "CLS" else 1200.0 + i})
    names = [("cache", "HIT"), ("db", None), ("app", None), ("cdn-cache", "MISS")]
    for i in range(n_timings):
        name, desc = names[i % len(names)]
        entry: dict[str, Any] = {"t": "st", "id": new_id("s"), "ts": now - 3000, "n": name,
                                 "dur": 10.0 + i}
        if desc:
            entry["desc"] = desc
        events.append(entry)
    for _ in range(errors):
        events.append({"t": "err", "id": new_id("x"), "ts": now - 500,
                       "msg": "TypeError: x is undefined", "type": "TypeError",
                       "src": "https://shop.example/app.js:10:5", "stack": "at f (app.js:10:5)"})
    body: dict[str, Any] = {
        "v": 1, "pv": new_id("pv") + "pv", "sid": "session-" + secrets.token_hex(4),
        "url": "https://shop.example/product/42?utm=x#top", "nav": "navigate",
        "st": now - 4000, "sent": now, "e": events,
    }
    body.update(context)
    return body


def event_ids(body: dict[str, Any]) -> list[str]:
    return [e["id"] for e in body["e"]]
