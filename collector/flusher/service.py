"""The flusher: reads the ingest stream in a consumer group, inserts batches into ClickHouse
and acknowledges only after the insert.

Order per batch: manifest -> insert every table (same token on every retry; a table whose
rows ClickHouse refuses is split until the refused rows are found, see bisect.py) -> one
MULTI: dead letters (one per refused row), XACK, INCR of each site's data generation,
manifest removed. A crash at any point leaves the entries pending with their manifest, and
whoever picks them up (this consumer after a restart, or another through XAUTOCLAIM) replays
the same batch."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import redis.asyncio as aioredis
from clickhouse_connect.driver.client import Client
from redis.exceptions import RedisError, ResponseError

from collector import metrics
from collector.flusher import bisect, deadtrim, failures
from collector.flusher.batch_read import batches, entry_bytes, read_count
from collector.flusher.dedup import Deduplicator
from collector.flusher.inserter import Inserter
from collector.flusher.manifest import Manifest, batch_id_of, load_all, save
from collector.flusher.queue_bytes import ByteCount
from collector.payload import BadEntry, Entry, decode_entry, row_entry
from vitalscope.config.collector import CollectorSettings
from vitalscope.redisstore import keys, replicas
from vitalscope.redisstore.client import async_client

log = logging.getLogger("vitalscope.flusher")
STOP_DEADLINE_S = 9.0
CLAIM_EVERY_S = 5.0
TRIM_EVERY_S = 1.0
READ_BLOCK_S = 0.25


@dataclass
class _Entry:
    id: str
    data: bytes | None


@dataclass
class _DeadLetter:
    id: str  # of the stream entry it came from
    data: bytes  # a stream entry: the whole entry, or the one row ClickHouse refused
    reason: str
    site: str = ""
    table: str = ""
    event: str = ""
    scope: str = ""  # the event id's scope (its page view, ...), for releasing its claim

    @classmethod
    def of_row(cls, table: str, row: bisect.Refused) -> _DeadLetter:
        return cls(row.entry_id, row_entry(row.site, table, row.line, row.event_id, row.scope),
                   f"{table}: {row.reason}", row.site, table, row.event_id or "", row.scope)


class _Abandoned(Exception):
    """The batch stays pending (shutting down while ClickHouse fails); it is replayed later."""


def _entries(raw: list[Any]) -> list[_Entry]:
    out = []
    for item in raw:
        entry_id, fields = item[0], item[1]
        ident = entry_id.decode() if isinstance(entry_id, bytes) else str(entry_id)
        out.append(_Entry(ident, fields.get(b"b") if fields else None))
    return out


class Flusher:
    name = "flusher"

    def __init__(self, redis_url: str, clickhouse: Callable[[], Client],
                 settings: CollectorSettings, cluster: str | None = None,
                 on_stage: Callable[[str], None] | None = None) -> None:
        self.redis_url = redis_url
        self.settings = settings
        self.inserter = Inserter(clickhouse, cluster)
        self.dedup = Deduplicator(settings.dedup_window_s, settings.dedup_max_events)
        self.consumer = settings.consumer_name or socket.gethostname()
        self.on_stage = on_stage or (lambda stage: None)
        self.redis: aioredis.Redis | None = None
        self._stopping = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._last_claim = 0.0
        self._last_trim = 0.0
        self._last_dead_trim = 0.0

    # -- lifecycle -----------------------------------------------------------------------

    async def start(self) -> None:
        self._stopping.clear()
        self.redis = async_client(self.redis_url, socket_timeout=5.0, connect_timeout=2.0)
        self.byte_count = ByteCount(self.redis)
        self._task = asyncio.create_task(self.run(), name=self.name)

    async def stop(self) -> None:
        """Finishes the batch in flight (insert + ack) within the deadline, then returns."""
        self._stopping.set()
        if self._task is not None:
            try:
                await asyncio.wait_for(asyncio.shield(self._task), STOP_DEADLINE_S)
            except TimeoutError:
                log.warning("flusher did not finish within %.0f s; entries stay pending",
                            STOP_DEADLINE_S)
                self._task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await self._task
        if self.redis is not None:
            await self.redis.aclose()
        await asyncio.to_thread(self.inserter.close)

    @property
    def _r(self) -> aioredis.Redis:
        assert self.redis is not None
        return self.redis

    async def run(self) -> None:
        backoff = 0.1
        while not self._stopping.is_set():
            try:
                await self._ensure_group()
                await self._replay(await self._own_pending())
                while not self._stopping.is_set():
                    await self.cycle()
                    backoff = 0.1
            except _Abandoned:
                return
            except (RedisError, OSError) as exc:
                log.warning("flusher: Redis unavailable (%s); retrying", type(exc).__name__)
                await self._sleep(backoff)
                backoff = min(backoff * 2, self.settings.retry_max_backoff_s)

    async def cycle(self) -> None:
        """One round: reclaim from dead consumers when due, read and flush one batch, trim."""
        now = time.monotonic()
        if now - self._last_claim >= CLAIM_EVERY_S:
            self._last_claim = now
            await self._replay(await self._autoclaim())
            await self._forget_finished_manifests()
        entries = await self._read()
        if entries:
            await self._flush(entries)
        if time.monotonic() - self._last_trim >= TRIM_EVERY_S:
            self._last_trim = time.monotonic()
            await self._trim()
        if time.monotonic() - self._last_dead_trim >= deadtrim.EVERY_S:
            self._last_dead_trim = time.monotonic()
            await deadtrim.trim(self._r, self.settings)

    async def _sleep(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stopping.wait(), seconds)

    # -- reading -------------------------------------------------------------------------

    async def _ensure_group(self) -> None:
        try:
            await self._r.xgroup_create(keys.STREAM, keys.GROUP, id="0", mkstream=True)
        except ResponseError as exc:
            if "BUSYGROUP" not in str(exc):
                raise

    async def _read(self) -> list[_Entry]:
        wanted = self.settings.flush_max_entries
        max_bytes = self.settings.flush_max_bytes
        deadline = time.monotonic() + self.settings.flush_interval_s
        batch: list[_Entry] = []
        size = 0
        while len(batch) < wanted and size < max_bytes and not self._stopping.is_set():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            block = max(1, int(min(remaining, READ_BLOCK_S) * 1000))
            count = read_count(wanted - len(batch), max_bytes - size,
                               self.settings.max_entry_bytes)
            reply: Any = await self._r.xreadgroup(keys.GROUP, self.consumer, {keys.STREAM: ">"},
                                             count=count, block=block)
            for _stream, items in reply or []:
                for entry in _entries(items):
                    batch.append(entry)
                    size += entry_bytes(entry.data)
        return batch

    async def _own_pending(self) -> list[_Entry]:
        """Entries this consumer read before a restart and never acknowledged."""
        out: list[_Entry] = []
        last = "0"
        while True:
            reply: Any = await self._r.xreadgroup(keys.GROUP, self.consumer, {keys.STREAM: last},
                                             count=1000)
            items = reply[0][1] if reply else []
            if not items:
                return out
            chunk = _entries(items)
            out.extend(chunk)
            last = chunk[-1].id

    async def _autoclaim(self) -> list[_Entry]:
        """Pending entries of consumers silent for claim_idle_s (XAUTOCLAIM)."""
        out: list[_Entry] = []
        start = "0-0"
        idle_ms = int(self.settings.claim_idle_s * 1000)
        for _ in range(100):
            reply: Any = await self._r.xautoclaim(keys.STREAM, keys.GROUP, self.consumer, idle_ms,
                                             start_id=start, count=1000)
            start = reply[0].decode() if isinstance(reply[0], bytes) else str(reply[0])
            out.extend(_entries(reply[1]))
            if start == "0-0":
                break
        if out:
            log.info("reclaimed %d pending entries of a silent flusher", len(out))
        return out

    # -- replaying -----------------------------------------------------------------------

    async def _replay(self, entries: list[_Entry]) -> None:
        """Pending entries: batches with a manifest are replayed exactly as they were."""
        if not entries:
            return
        by_id = {entry.id: entry for entry in entries}
        for manifest in await load_all(self._r):
            if not any(i in by_id for i in manifest.ids):
                continue
            missing: list[Any] = [i for i in manifest.ids if i not in by_id]
            if missing:
                claimed = await self._r.xclaim(keys.STREAM, keys.GROUP, self.consumer, 0,
                                               missing)
                by_id.update({e.id: e for e in _entries(claimed)})
            batch = [by_id.pop(i) for i in manifest.ids if i in by_id]
            await self._flush(batch, manifest)
        rest = sorted(by_id.values(), key=lambda e: tuple(int(p) for p in e.id.split("-")))
        for batch in batches(rest, lambda e: e.data, self.settings.flush_max_entries,
                             self.settings.flush_max_bytes):
            await self._flush(batch)

    async def _forget_finished_manifests(self) -> None:
        """Manifests whose batch was acknowledged (a crash between EXEC and nothing else
        cannot leave one, but an older version or a manual XACK could)."""
        for manifest in await load_all(self._r):
            first = manifest.ids[0]
            pending = await self._r.xpending_range(keys.STREAM, keys.GROUP, min=first,
                                                   max=first, count=1)
            if not pending:
                await self._r.hdel(keys.BATCHES, manifest.batch_id)

    # -- flushing ------------------------------------------------------------------------

    async def _flush(self, entries: list[_Entry], manifest: Manifest | None = None) -> None:
        ids = [e.id for e in entries]
        if manifest is None:
            manifest = Manifest(batch_id_of(ids), ids)
            await save(self._r, manifest)
        tables: dict[str, list[bisect.Part]] = {}
        dead: list[_DeadLetter] = []
        batch: list[tuple[_Entry, Entry]] = []
        for entry in entries:
            if entry.data is None:  # deleted from the stream by hand; nothing to insert
                continue
            try:
                batch.append((entry, decode_entry(entry.data)))
            except BadEntry as exc:
                dead.append(_DeadLetter(entry.id, entry.data, str(exc)))
        duplicates = await self.dedup.drop_copies(self._r, manifest.batch_id,
                                                  [decoded for _, decoded in batch])
        for table, rows in duplicates.items():
            metrics.DUPLICATES.labels(table).inc(rows)
        # The manifest and the claims on replicas before ClickHouse has the rows: a failover
        # then cannot forget a batch ClickHouse stored (its replay is the same insert, which
        # ClickHouse drops by its token) nor the claims that keep copies out.
        await replicas.barrier(self._r, self.settings.replica_acks,
                               self.settings.replica_ack_timeout_ms)
        for entry, decoded in batch:
            for table, lines in decoded.tables.items():
                if lines:
                    tables.setdefault(table, []).append(bisect.Part(
                        entry.id, decoded.site, lines, decoded.ids.get(table),
                        decoded.scopes.get(table)))
        self.on_stage("before_insert")
        for table in sorted(tables):
            refused = await self._insert(manifest, table, tables[table])
            dead.extend(_DeadLetter.of_row(table, row) for row in refused)
        self.on_stage("after_insert")
        await self._finish(manifest, ids, dead, {e.id: entry_bytes(e.data) for e in entries},
                           {entry.id: decoded.site for entry, decoded in batch})

    async def _finish(self, manifest: Manifest, ids: list[str], dead: list[_DeadLetter],
                      sizes: dict[str, int], entry_sites: dict[str, str]) -> None:
        """`entry_sites`: the site of each entry decoded (an undecodable one has none)."""
        async with self._r.pipeline(transaction=True) as pipe:
            # Uncapped here: deadtrim.py enforces retention and the cap, and counts what
            # they drop.
            for letter in dead:
                pipe.xadd(keys.DEAD_LETTERS, {"id": letter.id, "reason": letter.reason,
                                              "b": letter.data, "site": letter.site,
                                              "table": letter.table, "event": letter.event})
            self.dedup.release(pipe, [(d.site, d.table, d.scope, d.event)
                                      for d in dead if d.event])
            await self.byte_count.ack(pipe, ids, sizes, entry_sites)  # XACK, bytes taken off
            for site in sorted(set(entry_sites.values())):
                pipe.incr(keys.site_generation(site))
            pipe.hdel(keys.BATCHES, manifest.batch_id)
            await pipe.execute()
        for letter in dead:
            # By table (or `entry`): a reason's text could make any number of labels.
            metrics.DEAD_LETTERS.labels(letter.table or "entry").inc()
            log.warning("entry %s dead-lettered: %s", letter.id, letter.reason[:200])

    async def _insert(self, manifest: Manifest, table: str, parts: list[bisect.Part]
                      ) -> list[bisect.Refused]:
        """Inserts until it works, splitting what ClickHouse refuses; returns the rows it
        refuses one by one."""
        if table in manifest.split:
            return await self._insert_each(manifest, table, parts)

        async def record() -> None:
            await save(self._r, manifest)

        async def attempt(data: bytes, token: str) -> str | None:
            return await self._attempt(manifest, table, data, token)

        return await bisect.insert_table(manifest, table, parts, attempt, record,
                                         lambda: self.on_stage("range_inserted"))

    async def _attempt(self, manifest: Manifest, table: str, data: bytes, token: str
                       ) -> str | None:
        """One insert, retried while ClickHouse is out; why ClickHouse refuses the rows."""
        attempt = 0
        while True:
            try:
                await asyncio.to_thread(self.inserter.insert, table, data, token)
                return None
            except Exception as exc:  # every failure is retried or reported
                attempt += 1
                kind = failures.classify(exc)
                metrics.INSERT_FAILURES.labels(table, kind).inc()
                log.warning("insert into %s failed (attempt %d, %s): %s", table, attempt,
                            kind, failures.reason(exc)[:300])
                if kind == failures.REJECTED and attempt >= self.settings.dead_letter_after:
                    return failures.reason(exc)
                await self._wait_retry(attempt, manifest)

    async def _insert_each(self, manifest: Manifest, table: str, parts: list[bisect.Part]
                           ) -> list[bisect.Refused]:
        """A batch an earlier version began inserting entry by entry: finished with its
        tokens, so what it stored is not stored again. The rows of an entry refused whole
        become dead letters (a replay of them is split like any batch)."""
        refused: list[bisect.Refused] = []
        for part in parts:
            why = await self._attempt(manifest, table, part.lines,
                                      f"{manifest.batch_id}:{table}:{part.entry_id}")
            if why is not None:
                for index, line in enumerate(part.lines.split(b"\n")[:-1]):
                    event = part.ids[index] if part.ids is not None else None
                    scope = part.scopes[index] if part.scopes else ""
                    refused.append(bisect.Refused(part.entry_id, part.site, line + b"\n",
                                                  event, why, scope))
        return refused

    async def _wait_retry(self, attempt: int, manifest: Manifest) -> None:
        await asyncio.to_thread(self.inserter.reset)
        if self._stopping.is_set():
            raise _Abandoned
        # Keeps the entries ours while we retry, so no other flusher reclaims them.
        with contextlib.suppress(RedisError, OSError):
            ids: list[Any] = list(manifest.ids)
            await self._r.xclaim(keys.STREAM, keys.GROUP, self.consumer, 0, ids, justid=True)
        await self._sleep(min(0.2 * 2 ** (attempt - 1), self.settings.retry_max_backoff_s))
        if self._stopping.is_set():
            raise _Abandoned

    # -- trimming ------------------------------------------------------------------------

    async def _trim(self) -> None:
        """Drops acknowledged entries; never one still pending."""
        summary = await self._r.xpending(keys.STREAM, keys.GROUP)
        groups = await self._r.xinfo_groups(keys.STREAM)
        if len(groups) != 1:
            return  # another group reads this stream: its progress is not ours to judge
        last = groups[0]["last-delivered-id"]
        oldest = summary["min"] if summary["pending"] else last
        if isinstance(oldest, bytes):
            oldest = oldest.decode()
        await self._r.xtrim(keys.STREAM, minid=oldest, approximate=False)
        metrics.QUEUE_DEPTH.set(await self._r.xlen(keys.STREAM))
        metrics.QUEUE_PENDING.set(int(summary["pending"]))
