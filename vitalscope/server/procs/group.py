"""The child processes of a run: started with their spec on stdin, restarted when they crash,
stopped with SIGTERM (then SIGKILL past the grace period) when the parent stops.

A child's stdin stays open for its life: when the parent goes away, even by SIGKILL, the
child reads end-of-file and stops (`child.watch_parent`), so no process is left behind.
A child that exits with status 0 was asked to (SIGTERM or SIGINT, e.g. Ctrl-C reaching the
whole process group) and is not restarted; any other exit is a crash, logged as an error
and restarted after a backoff that doubles up to `MAX_BACKOFF_S` while crashes follow
each other, and starts again from `FIRST_BACKOFF_S` once a child has run `STABLE_S`."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import struct
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass

log = logging.getLogger("vitalscope.processes")
FIRST_BACKOFF_S = 0.5
MAX_BACKOFF_S = 30.0
STABLE_S = 60.0
POLL_S = 0.2
STOP_GRACE_S = 20.0  # the children's graceful shutdown (10 s) and their services' stop
SPEC_HEADER = struct.Struct(">Q")


@dataclass
class _Child:
    index: int
    process: subprocess.Popen[bytes] | None = None
    started: float = 0.0
    backoff: float = FIRST_BACKOFF_S
    restart_at: float | None = None  # a crashed child waits for its restart until then
    gone: bool = False  # exited on request: not restarted


def cpu_count() -> int:
    """The CPU cores this process may run on (its affinity, which containers narrow)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def process_count(setting: int) -> int:
    """The `http.processes` setting made a number: 0 means one per core."""
    return setting if setting > 0 else cpu_count()


class ProcessGroup:
    """A background service of the parent: `count` children running `command`."""

    def __init__(self, label: str, count: int, command: list[str],
                 spec: Callable[[int], bytes]) -> None:
        self.name = f"{label}-processes"
        self.label = label
        self.command = command
        self.spec = spec
        self.children = [_Child(index) for index in range(count)]
        self.stopping = False
        self._task: asyncio.Task[None] | None = None

    def pids(self) -> list[int]:
        return [child.process.pid for child in self.children
                if child.process is not None and child.process.poll() is None]

    def _spawn(self, child: _Child) -> None:
        # The command is this program's own (vitalscope/app/processes.py), never input.
        process = subprocess.Popen(self.command, stdin=subprocess.PIPE)  # noqa: S603
        assert process.stdin is not None
        payload = self.spec(child.index)
        process.stdin.write(SPEC_HEADER.pack(len(payload)) + payload)
        process.stdin.flush()
        child.process, child.started, child.restart_at = process, time.monotonic(), None
        log.info("%s process %d started (pid %d)", self.label, child.index, process.pid)

    async def start(self) -> None:
        for child in self.children:
            self._spawn(child)
        self._task = asyncio.create_task(self._watch(), name=self.name)

    async def _watch(self) -> None:
        while True:
            await asyncio.sleep(POLL_S)
            now = time.monotonic()
            for child in self.children:
                if child.gone or self.stopping:
                    continue
                if child.restart_at is not None:
                    if now >= child.restart_at:
                        self._spawn(child)
                    continue
                assert child.process is not None
                code = child.process.poll()
                if code is None:
                    continue
                self._close_pipe(child)
                if code == 0:
                    child.gone = True
                    log.warning("%s process %d (pid %d) stopped on request; not restarted",
                                self.label, child.index, child.process.pid)
                    continue
                if now - child.started >= STABLE_S:
                    child.backoff = FIRST_BACKOFF_S
                how = f"signal {-code}" if code < 0 else f"status {code}"
                log.error("%s process %d (pid %d) exited with %s; restarting in %.1f s",
                          self.label, child.index, child.process.pid, how, child.backoff)
                child.restart_at = now + child.backoff
                child.backoff = min(MAX_BACKOFF_S, child.backoff * 2)

    @staticmethod
    def _close_pipe(child: _Child) -> None:
        if child.process is not None and child.process.stdin is not None:
            with contextlib.suppress(OSError):
                child.process.stdin.close()

    async def stop(self) -> None:
        self.stopping = True
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        running = [c.process for c in self.children
                   if c.process is not None and c.process.poll() is None]
        for process in running:
            with contextlib.suppress(ProcessLookupError):
                process.send_signal(signal.SIGTERM)
        await asyncio.to_thread(self._reap, running)
        for child in self.children:
            self._close_pipe(child)

    def _reap(self, running: list[subprocess.Popen[bytes]]) -> None:
        deadline = time.monotonic() + STOP_GRACE_S
        for process in running:
            try:
                process.wait(max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                log.error("%s process (pid %d) did not stop within %.0f s: killed",
                          self.label, process.pid, STOP_GRACE_S)
                process.kill()
                process.wait()
