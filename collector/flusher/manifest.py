"""Batch manifests in Redis: which entries form a batch, written before its insert.

A batch that is retried after a crash (by this flusher after a restart, or by another one
through XAUTOCLAIM) is rebuilt from exactly the same entries in the same order, so its
insert carries the same deduplication token and ClickHouse stores it once. A table whose
insert ClickHouse refused is split into row ranges (see bisect.py); every range that was
split is recorded before its halves are inserted, so a replay never inserts the whole range
again under another token."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import msgspec
import redis.asyncio as aioredis

from vitalscope.redisstore import keys


class _Stored(msgspec.Struct):
    ids: list[str]
    split: list[str] = []
    ranges: dict[str, list[tuple[int, int]]] = {}


@dataclass
class Manifest:
    batch_id: str
    ids: list[str]
    # Tables an earlier version inserted entry by entry (replayed the same way).
    split: list[str] = field(default_factory=list)
    # Per table, the row ranges [start, end) whose insert was refused and split in two.
    ranges: dict[str, list[tuple[int, int]]] = field(default_factory=dict)

    def was_split(self, table: str, start: int, end: int) -> bool:
        return (start, end) in self.ranges.get(table, ())


def batch_id_of(ids: list[str]) -> str:
    return f"{ids[0]}.{ids[-1]}.{len(ids)}"


async def save(redis: aioredis.Redis, manifest: Manifest) -> None:
    await redis.hset(keys.BATCHES, manifest.batch_id, msgspec.json.encode(
        _Stored(manifest.ids, manifest.split, manifest.ranges)))


async def load_all(redis: aioredis.Redis) -> list[Manifest]:
    raw: dict[Any, Any] = await redis.hgetall(keys.BATCHES)
    out = []
    for batch_id, data in raw.items():
        try:
            stored = msgspec.json.decode(data, type=_Stored)
        except msgspec.DecodeError:
            continue
        name = batch_id.decode() if isinstance(batch_id, bytes) else str(batch_id)
        out.append(Manifest(name, stored.ids, stored.split,
                            {t: [(a, b) for a, b in r] for t, r in stored.ranges.items()}))
    return out
