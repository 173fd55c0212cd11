"""Results to ClickHouse in batches (runs, steps, lab vitals), flushed on size, on a timer
and at shutdown; a failed insert is retried with the same deduplication token, so a batch is
stored once."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import threading
from collections.abc import Callable
from typing import Any

from clickhouse_connect.driver.client import Client

from synthetics.model import RunResult
from vitalscope.storage.cluster import insert_table

log = logging.getLogger("vitalscope.synthetics")

MAX_PENDING = 10_000

RUN_COLUMNS = [
    "run_id", "check", "location", "started_at", "finished_at", "status", "duration_ms",
    "attempts", "error", "failed_step", "trigger", "site", "tags", "console_errors",
    "failed_requests", "screenshot", "trace",
]
STEP_COLUMNS = [
    "run_id", "check", "location", "started_at", "attempt", "step", "action", "name",
    "status", "offset_ms", "duration_ms", "url", "error",
]
VITAL_COLUMNS = [
    "run_id", "check", "location", "site", "ts", "attempt", "page_group", "url", "metric",
    "value",
]


def rows(result: RunResult) -> dict[str, list[list[Any]]]:
    """The rows of one run, per table."""
    last = result.last
    failed = [a for a in result.attempts if not a.passed]
    evidence = failed[-1] if failed else last
    run = [
        result.run_id, result.check, result.location, result.started_at,
        result.finished_at, result.status, result.duration_ms, len(result.attempts),
        result.error, evidence.failed_step if failed else 0, result.trigger, result.site,
        result.tags, evidence.console_errors, evidence.failed_requests,
        evidence.screenshot or last.screenshot, evidence.trace,
    ]
    steps = [
        [result.run_id, result.check, result.location, result.started_at, a.attempt, s.step,
         s.action, s.name, s.status, s.offset_ms, s.duration_ms, s.url, s.error]
        for a in result.attempts for s in a.steps
    ]
    vitals = [
        [result.run_id, result.check, result.location, result.site, a.started_at, a.attempt,
         v.page_group, v.url, v.metric, v.value]
        for a in result.attempts for v in a.vitals
    ]
    return {"synthetic_runs": [run], "synthetic_steps": steps, "synthetic_vitals": vitals}


COLUMNS = {"synthetic_runs": RUN_COLUMNS, "synthetic_steps": STEP_COLUMNS,
           "synthetic_vitals": VITAL_COLUMNS}


class ResultsWriter:
    """Collects run results and inserts them in batches from a thread of its own."""

    def __init__(self, client_factory: Callable[[], Client], cluster: str | None,
                 batch_size: int = 50, interval_s: float = 1.0) -> None:
        self.client_factory = client_factory
        self.cluster = cluster
        self.batch_size = batch_size
        self.interval_s = interval_s
        self._pending: list[RunResult] = []
        self._lock = threading.Lock()
        self._insert_lock = threading.Lock()
        self._client: Client | None = None
        self._task: asyncio.Task[None] | None = None
        self._wake = asyncio.Event()

    def add(self, result: RunResult) -> None:
        with self._lock:
            self._pending.append(result)
            if len(self._pending) > MAX_PENDING:
                # ClickHouse has been away for long: keep the newest results.
                lost = self._pending.pop(0)
                log.error("synthetic result of %s (run %s) dropped: ClickHouse unreachable "
                          "for %d runs", lost.check, lost.run_id, MAX_PENDING)
            full = len(self._pending) >= self.batch_size
        if full:
            self._wake.set()

    def flush_sync(self) -> int:
        """Inserts everything pending; on failure the batch stays pending. Returns runs
        written."""
        with self._insert_lock:
            with self._lock:
                batch = list(self._pending)
            if not batch:
                return 0
            if self._client is None:
                self._client = self.client_factory()
            token = hashlib.sha256(",".join(r.run_id for r in batch).encode()).hexdigest()
            tables: dict[str, list[list[Any]]] = {name: [] for name in COLUMNS}
            for result in batch:
                for name, table_rows in rows(result).items():
                    tables[name].extend(table_rows)
            # Steps and vitals first: a run row visible to readers has its details.
            for name in ("synthetic_steps", "synthetic_vitals", "synthetic_runs"):
                if tables[name]:
                    self._client.insert(
                        insert_table(name, self.cluster), tables[name],
                        column_names=COLUMNS[name],
                        settings={"insert_deduplication_token": f"{name}:{token}"})
            with self._lock:
                del self._pending[:len(batch)]
            return len(batch)

    async def flush(self) -> int:
        return await asyncio.to_thread(self.flush_sync)

    async def _loop(self) -> None:
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.interval_s)
            self._wake.clear()
            try:
                await self.flush()
            except Exception as exc:
                log.warning("storing synthetic results failed (kept for the next try): %s",
                            str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__)

    def start(self) -> None:
        self._wake = asyncio.Event()
        self._task = asyncio.get_running_loop().create_task(self._loop())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        try:
            await self.flush()
        except Exception as exc:
            log.error("synthetic results lost at shutdown: %s", str(exc)[:200])
        if self._client is not None:
            self._client.close()
            self._client = None
