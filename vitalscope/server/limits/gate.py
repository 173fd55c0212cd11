"""The count of open client connections of a process, shared by every server in it (file
handles are a per-process resource). Over the cap a connection is refused at once."""

from __future__ import annotations

import logging
import time

log = logging.getLogger("vitalscope.http")
WARN_EVERY_S = 10.0


class ConnectionGate:
    __slots__ = ("_warned_at", "cap", "open", "refused")

    def __init__(self, cap: int) -> None:
        self.cap = cap
        self.open = 0
        self.refused = 0
        self._warned_at = -WARN_EVERY_S

    def enter(self) -> bool:
        if self.open >= self.cap:
            self.refused += 1
            now = time.monotonic()
            if now - self._warned_at >= WARN_EVERY_S:  # a flood must not flood the log
                self._warned_at = now
                log.warning("connection cap %d reached: new connections get 503 "
                            "(%d refused so far)", self.cap, self.refused)
            return False
        self.open += 1
        return True

    def leave(self) -> None:
        self.open -= 1
