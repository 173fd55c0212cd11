"""Batches sized in bytes as well as entries: the flusher's reads go through read.lua, which
stops right after the entry that passes `flush_max_bytes`, so a batch's memory (in Redis's
reply, in the flusher, in the insert) is bounded whatever the entries weigh."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from importlib.resources import files
from typing import Any, TypeVar

import redis.asyncio as aioredis

from collector import keys

T = TypeVar("T")
_READ = files("collector.flusher").joinpath("read.lua").read_text()


class BatchReader:
    def __init__(self, redis: aioredis.Redis, consumer: str) -> None:
        self.script = redis.register_script(_READ)
        self.consumer = consumer

    async def read(self, max_entries: int, max_bytes: int) -> list[Any]:
        """New entries for this consumer, without waiting: [(id, {field: value}), ...]."""
        if max_entries <= 0 or max_bytes <= 0:
            return []
        reply: list[Any] = await self.script(
            keys=[keys.STREAM], args=[keys.GROUP, self.consumer, max_entries, max_bytes])
        return [(entry_id, dict(zip(fields[::2], fields[1::2], strict=True)))
                for entry_id, fields in reply]


def entry_bytes(data: bytes | None) -> int:
    return len(data) if data is not None else 0


def batches(entries: list[T], data: Callable[[T], bytes | None], max_entries: int,
               max_bytes: int) -> Iterator[list[T]]:
    """Consecutive batches of at most `max_entries`, each ending with the entry that passes
    `max_bytes` (the same bound as a read)."""
    batch: list[T] = []
    size = 0
    for entry in entries:
        batch.append(entry)
        size += entry_bytes(data(entry))
        if len(batch) >= max_entries or size >= max_bytes:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch
