"""Redis cache-aside for query results, keyed by site generation, query name and parameters.

The collector's flusher increments `keys.site_generation(site)` after every insert carrying
that site's data, so a key built with the current generation can never return rows older
than the last insert: new data means a new key, and old keys age out by their TTL."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import redis

from vitalscope.redisstore import keys


def result_key(site: str, generation: int, query: str, params: dict[str, Any]) -> str:
    digest = hashlib.sha256(
        json.dumps(params, sort_keys=True, default=str).encode()).hexdigest()[:32]
    return keys.dashboard_result(site, generation, query, digest)

class QueryCache:
    def __init__(self, client: redis.Redis | None, ttl_s: int) -> None:
        self.client = client if ttl_s > 0 else None
        self.ttl_s = ttl_s

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

