"""The open-files budget of a server process: how many client sockets it may hold while
chDB, Redis, logs and browsers keep the handles they need. Past the limit, accept() and
chDB's file opens fail alike ("Too many open files"), so the connection cap comes out of
what the limit leaves, never the other way round."""

from __future__ import annotations

import os
import resource
from dataclasses import dataclass
from pathlib import Path

# Linux refuses a soft limit above fs.nr_open, even with an infinite hard limit.
NR_OPEN = Path("/proc/sys/fs/nr_open")
FD_DIRS = (Path("/proc/self/fd"), Path("/dev/fd"))


@dataclass(frozen=True)
class FileHandleBudget:
    limit: int  # the soft RLIMIT_NOFILE in force after start
    raised_from: int | None  # the soft limit before it was raised, if it was
    open_at_start: int
    reserve: int

    @property
    def connection_ceiling(self) -> int:
        return max(0, self.limit - self.open_at_start - self.reserve)


def open_file_handles() -> int:
    for folder in FD_DIRS:
        try:
            return len(os.listdir(folder))
        except OSError:
            continue
    return 0


def _settable(hard: int) -> int:
    try:
        nr_open = int(NR_OPEN.read_text())
    except (OSError, ValueError):
        nr_open = 1 << 20
    return nr_open if hard == resource.RLIM_INFINITY else min(hard, nr_open)


def file_handle_budget(reserve: int, wanted_connections: int) -> FileHandleBudget:
    """The budget, after raising the soft limit to the hard one when the soft limit cannot
    hold the wanted connections beside the reserve (a process may always do that)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    open_now = open_file_handles()
    raised_from: int | None = None
    needed = open_now + reserve + wanted_connections
    if soft != resource.RLIM_INFINITY and soft < needed:
        target = _settable(hard)
        if target > soft:
            try:
                resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
                raised_from, soft = soft, target
            except (OSError, ValueError):
                pass  # stay within the soft limit; the cap shrinks instead
    limit = _settable(soft) if soft == resource.RLIM_INFINITY else soft
    return FileHandleBudget(limit, raised_from, open_now, reserve)
