"""Blocking calls run in a thread, at most one per name at a time: callers that come while it
runs wait for that same run. A thread cannot be cancelled, so a call that overruns its
caller's timeout goes on in its thread; without this, a probe asking every second while
ClickHouse hangs would take one more thread of the loop's pool each time, until nothing else
that needs a thread (stops, API queries) could run."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any


def _retrieve(future: asyncio.Future[Any]) -> None:
    # An overrun call whose callers all gave up: its outcome is read here so that asyncio
    # does not report it as never retrieved.
    if not future.cancelled():
        future.exception()


class SingleFlight:
    def __init__(self) -> None:
        self._running: dict[str, asyncio.Future[Any]] = {}

    async def run(self, name: str, call: Callable[[], Any], timeout_s: float) -> Any:
        """`call()`'s result, or TimeoutError after `timeout_s` (the run goes on, and the
        next caller waits for it rather than starting another)."""
        running = self._running.get(name)
        if running is None or running.done() \
                or running.get_loop() is not asyncio.get_running_loop():
            running = asyncio.ensure_future(asyncio.to_thread(call))
            running.add_done_callback(_retrieve)
            self._running[name] = running
        return await asyncio.wait_for(asyncio.shield(running), timeout_s)
