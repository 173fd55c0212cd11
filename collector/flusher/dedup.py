"""Flusher stage before the insert: drops the rows of events an earlier batch already stored.

A beacon whose answer was lost (a flaky mobile network, a page left mid-request) is kept by
the SDK and sent again with the same event ids; a backend may retry a server-timings batch
the same way. Each event id is claimed in Redis by the first batch that carries it. A batch
replayed after a crash finds its own claims and keeps its rows, so the replay rebuilds the
same insert (same deduplication token) and nothing is lost.

Claims live in hashes per window (current and previous are consulted, so an id is
recognised for one to two windows), sharded so that no single key grows large enough to
block Redis when it expires; a window also ends once it holds `dedup_max_events`, which
bounds their memory (collector/flusher/claims.py)."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any

import redis.asyncio as aioredis

from collector.flusher.claims import ClaimWindows
from collector.payload import Entry

# Events per Lua call: each call holds Redis for its duration, and the ingest path waits.
CHUNK = 2000


def _digest(site: str, table: str, scope: str, event_id: str) -> bytes:
    """An event's identity: event ids are unique only within their scope (a page view, a
    backend's request or batch source), so two page views that both send `st-1` are two
    events, and an id cannot be claimed ahead without the page view's random id."""
    key = f"{site}\x1f{table}\x1f{scope}\x1f{event_id}"
    return hashlib.blake2b(key.encode(), digest_size=12).digest()


class Deduplicator:
    def __init__(self, window_s: int, max_events: int = 500_000) -> None:
        self.window_s = window_s
        self.windows = ClaimWindows(window_s, max_events)

    async def drop_copies(self, redis: aioredis.Redis, batch_id: str,
                          entries: Sequence[Entry]) -> dict[str, int]:
        """Removes, in place, the rows of events already claimed by another batch; returns
        how many rows it dropped per table."""
        dropped: dict[str, int] = {}
        if self.window_s <= 0:
            return dropped
        # Within one batch the first copy wins, in entry order: a replay decides the same.
        first: dict[bytes, tuple[int, str, int]] = {}
        copies: set[tuple[int, str, int]] = set()
        for index, entry in enumerate(entries):
            for table, ids in entry.ids.items():
                scopes = entry.scopes.get(table) or [""] * len(ids)
                for row, (event_id, scope) in enumerate(zip(ids, scopes, strict=True)):
                    digest = _digest(entry.site, table, scope, event_id)
                    if digest in first:
                        copies.add((index, table, row))
                    else:
                        first[digest] = (index, table, row)
        if first:
            copies.update(await self._claimed_elsewhere(redis, batch_id, first))
        if not copies:
            return dropped
        by_table: dict[tuple[int, str], set[int]] = {}
        for index, table, row in copies:
            by_table.setdefault((index, table), set()).add(row)
        for (index, table), rows in by_table.items():
            entry = entries[index]
            lines = entry.tables[table].split(b"\n")[:-1]
            kept = [line for row, line in enumerate(lines) if row not in rows]
            entry.tables[table] = b"".join(line + b"\n" for line in kept)
            entry.ids[table] = [i for row, i in enumerate(entry.ids[table]) if row not in rows]
            if table in entry.scopes:
                entry.scopes[table] = [s for row, s in enumerate(entry.scopes[table])
                                       if row not in rows]
            dropped[table] = dropped.get(table, 0) + len(rows)
        return dropped

    async def _claimed_elsewhere(self, redis: aioredis.Redis, batch_id: str,
                                 events: dict[bytes, tuple[int, str, int]]
                                 ) -> list[tuple[int, str, int]]:
        owner = hashlib.blake2b(batch_id.encode(), digest_size=8).digest()
        digests = list(events)
        out: list[tuple[int, str, int]] = []
        for start in range(0, len(digests), CHUNK):
            chunk = digests[start:start + CHUNK]
            kept = await self.windows.claim(redis, owner, chunk)
            out += [events[d] for d, keep in zip(chunk, kept, strict=True) if not keep]
        return out

    def release(self, pipe: Any, events: list[tuple[str, str, str, str]]) -> None:
        """Queues, on `pipe`, the removal of the claims of events that were not stored (dead
        letters): otherwise their replay, or a resend, would be dropped as a copy."""
        if self.window_s <= 0 or not events:
            return
        self.windows.release(pipe, [_digest(*event) for event in events])
