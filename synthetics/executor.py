"""The executor: takes run requests from the queue, at most `concurrency` at a time, runs
them in the shared browser, stores the results and releases the check. Every run is bounded
in time, so nothing a page does can hold a slot forever."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
import uuid
from datetime import UTC, datetime

from synthetics.model import AttemptResult, CheckPlan, RunResult
from synthetics.runner import Runner
from synthetics.runqueue import QUEUE_SLACK_S, RunQueue, RunRequest
from synthetics.writer import ResultsWriter

log = logging.getLogger("vitalscope.synthetics")

CANCEL_GRACE_S = 5.0
STALE_CHECK_EVERY_S = 60.0
STOP_WAIT_S = 5.0


async def run_bounded(runner: Runner, plan: CheckPlan, trigger: str, run_id: str) -> RunResult:
    """The run, or a failed result when it outlives every timeout it was given."""
    started_at = datetime.now(UTC)
    task = asyncio.get_running_loop().create_task(runner.run(plan, trigger, run_id))
    done, _ = await asyncio.wait({task}, timeout=plan.max_duration_s + CANCEL_GRACE_S)
    if task in done and not task.cancelled() and task.exception() is None:
        return task.result()
    if task in done:
        problem = "cancelled" if task.cancelled() else repr(task.exception())
        error = f"run crashed: {problem}"
    else:
        task.cancel()
        await asyncio.wait({task}, timeout=CANCEL_GRACE_S)  # abandoned if it will not end
        error = f"run exceeded its limit of {plan.max_duration_s:g} s and was stopped"
    log.error("check %s: %s", plan.name, error)
    finished_at = datetime.now(UTC)
    attempt = AttemptResult(1, started_at, (finished_at - started_at).total_seconds() * 1000,
                            passed=False, error=error[:500])
    return RunResult(run_id, plan.name, plan.location, plan.config.site or "",
                     list(plan.config.tags), trigger, started_at, finished_at, [attempt])


class Executor:
    def __init__(self, queue: RunQueue, runner: Runner, writer: ResultsWriter,
                 plans: dict[str, CheckPlan], concurrency: int) -> None:
        self.queue = queue
        self.runner = runner
        self.writer = writer
        self.plans = plans
        self.consumer = f"{socket.gethostname()}-{uuid.uuid4().hex[:8]}"
        self._slots = asyncio.Semaphore(concurrency)
        self._task: asyncio.Task[None] | None = None
        self._stale: asyncio.Task[None] | None = None
        self._running: set[asyncio.Task[None]] = set()

    async def _loop(self) -> None:
        while True:
            await self._slots.acquire()
            try:
                requests = await self.queue.take(self.consumer, 1)
            except asyncio.CancelledError:
                self._slots.release()
                raise
            except Exception as exc:
                self._slots.release()
                log.warning("reading synthetic run requests failed: %s", exc)
                await asyncio.sleep(1.0)
                continue
            if not requests:
                self._slots.release()
                continue
            task = asyncio.get_running_loop().create_task(self._execute(requests[0]))
            self._running.add(task)
            task.add_done_callback(self._running.discard)

    async def _execute(self, request: RunRequest) -> None:
        try:
            plan = self.plans.get(request.check)
            if plan is None:
                log.warning("run request for unknown check %r dropped", request.check)
                await self.queue.done(request, {"error": f"unknown check {request.check!r}"})
                return
            await self.queue.started(request, plan.max_duration_s)
            result = await run_bounded(self.runner, plan, request.trigger, request.run_id)
            self.writer.add(result)
            if request.reply:
                await self.writer.flush()  # whoever waits reads it from ClickHouse next
            await self.queue.done(request, result.as_dict())
        except Exception:
            log.exception("synthetic run %s of %s failed to complete", request.run_id,
                          request.check)
        finally:
            self._slots.release()

    async def _drop_stale(self) -> None:
        # Runs are bounded, so a request pending longer than any run can take was taken by a
        # worker that died.
        longest = max((p.max_duration_s for p in self.plans.values()), default=60.0)
        while True:
            await asyncio.sleep(STALE_CHECK_EVERY_S)
            try:
                for request in await self.queue.drop_stale(
                        self.consumer, longest + QUEUE_SLACK_S + CANCEL_GRACE_S):
                    log.warning("dropped run %s of %s: its worker died while running it",
                                request.run_id, request.check)
            except Exception as exc:
                log.warning("checking for abandoned synthetic runs failed: %s", exc)

    def start(self) -> None:
        loop = asyncio.get_running_loop()
        self._task = loop.create_task(self._loop())
        self._stale = loop.create_task(self._drop_stale())

    async def stop(self) -> None:
        if self._stale is not None:
            self._stale.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._stale
            self._stale = None
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        if self._running:
            # Runs in progress get a moment to finish; the rest are cancelled, their requests
            # stay pending and are dropped later by a live worker.
            _, unfinished = await asyncio.wait(set(self._running), timeout=STOP_WAIT_S)
            for task in unfinished:
                task.cancel()
            if unfinished:
                await asyncio.wait(unfinished, timeout=CANCEL_GRACE_S)
