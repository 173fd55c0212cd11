"""Stopping an APScheduler AsyncIOScheduler without cutting its running jobs short."""

from __future__ import annotations

import asyncio
from typing import Any

from apscheduler.schedulers.asyncio import AsyncIOScheduler


async def shutdown_after_running_jobs(scheduler: AsyncIOScheduler, timeout_s: float = 10.0
                                      ) -> None:
    """APScheduler 3's asyncio executor cannot wait on shutdown: it cancels the futures of
    jobs still running, which logs each as failed with a traceback while its thread goes on
    using resources the service is about to close. Pausing first and waiting for those
    futures lets running jobs finish (within `timeout_s`) before the scheduler stops."""
    scheduler.pause()
    running: list[asyncio.Future[Any]] = [
        future
        for executor in scheduler._executors.values()  # no public way to see running jobs
        for future in getattr(executor, "_pending_futures", ())
        if not future.done()
    ]
    if running:
        await asyncio.wait(running, timeout=timeout_s)
    scheduler.shutdown(wait=False)
