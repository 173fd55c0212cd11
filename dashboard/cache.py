"""Redis cache-aside for query results, keyed by site generation, query name and parameters,
with a freshness budget so that it still hits while a site's data keeps arriving.

The collector's flusher increments `keys.site_generation(site)` after every insert carrying
that site's data, so a result stored under the current generation holds every insert so far:
that is an exact hit. Under live ingest the generation moves every flush, so exact hits alone
would never happen (issue 18); the cache therefore also serves the newest stored result of an
older generation when

- it was computed less than `fresh_s` seconds ago (the freshness budget), and
- it is `live`: the generation had already moved within two budgets before it was computed.

So a result served is never more than `fresh_s` seconds behind the data, and the first new
data after a quiet spell shows at once, as it did before the budget (its result is not
`live`). `fresh_s = 0` turns the budget off: only exact hits."""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

import redis

from vitalscope.redisstore import keys

Outcome = Literal["hit", "stale", "miss"]


def params_digest(params: dict[str, Any]) -> str:
    return hashlib.sha256(
        json.dumps(params, sort_keys=True, default=str).encode()).hexdigest()[:32]


def result_key(site: str, generation: int, query: str, params: dict[str, Any]) -> str:
    return keys.dashboard_result(site, generation, query, params_digest(params))


@dataclass(frozen=True)
class Lookup:
    """What a lookup found: the rows (None on a miss) and where a fresh result goes."""

    outcome: Outcome
    rows: Any | None
    site: str
    query: str
    digest: str
    generation: int
    started: float  # when the lookup began: a fresh result holds at least this much data
    live: bool


class QueryCache:
    def __init__(self, client: redis.Redis | None, ttl_s: int, fresh_s: float = 0.0,
                 clock: Callable[[], float] = time.time) -> None:
        self.client = client if ttl_s > 0 else None
        self.ttl_s = ttl_s
        # Wall clock: the stamps are shared through Redis by every dashboard process.
        self.fresh_s = min(float(fresh_s), float(ttl_s))
        self.clock = clock

    @property
    def enabled(self) -> bool:
        return self.client is not None

    def generation(self, site: str) -> int:
        assert self.client is not None
        raw = self.client.get(keys.site_generation(site))
        return int(raw) if raw is not None else 0

    def get(self, key: str) -> Any | None:
        assert self.client is not None
        raw = self.client.get(key)
        return json.loads(raw) if raw is not None else None

    def put(self, key: str, value: Any) -> None:
        assert self.client is not None
        self.client.set(key, json.dumps(value), ex=self.ttl_s)

    def lookup(self, site: str, query: str, params: dict[str, Any],
               refresh: bool = False) -> Lookup:
        """Two round trips for a hit of either kind: the generation with the newest result's
        record, then the rows. `refresh` (warming, dashboard/warm.py): only an exact hit
        counts, a result within the budget is a miss to compute again."""
        assert self.client is not None
        now = self.clock()
        digest = params_digest(params)
        pipe = self.client.pipeline(transaction=False)
        pipe.get(keys.site_generation(site))
        if self.fresh_s > 0:
            pipe.get(keys.dashboard_latest(site, query, digest))
        found = pipe.execute()
        generation = int(found[0]) if found[0] is not None else 0
        live = False
        if self.fresh_s > 0 and found[1] is not None:
            latest = json.loads(found[1])
            if int(latest["g"]) != generation:
                age = now - float(latest["t"])
                if latest["live"] and 0 <= age < self.fresh_s and not refresh:
                    rows = self.get(keys.dashboard_result(site, int(latest["g"]), query,
                                                          digest))
                    if rows is not None:
                        return Lookup("stale", rows, site, query, digest, generation, now,
                                      True)
                # The generation moved soon after the last result: data is arriving.
                live = age < 2 * self.fresh_s
        # Looked up even when the record names another generation: another process may
        # have stored this one a moment ago.
        rows = self.get(keys.dashboard_result(site, generation, query, digest))
        if rows is not None:
            return Lookup("hit", rows, site, query, digest, generation, now, False)
        return Lookup("miss", None, site, query, digest, generation, now, live)

    def store(self, lookup: Lookup, rows: Any) -> None:
        assert self.client is not None
        pipe = self.client.pipeline(transaction=False)
        pipe.set(keys.dashboard_result(lookup.site, lookup.generation, lookup.query,
                                       lookup.digest), json.dumps(rows), ex=self.ttl_s)
        if self.fresh_s > 0:
            pipe.set(keys.dashboard_latest(lookup.site, lookup.query, lookup.digest),
                     json.dumps({"g": lookup.generation, "t": lookup.started,
                                 "live": lookup.live}), ex=self.ttl_s)
        pipe.execute()
