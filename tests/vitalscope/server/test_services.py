"""Services stop in reverse order, and one whose stop fails or hangs keeps no other from
stopping (vitalscope/server/services.py)."""

from __future__ import annotations

import asyncio
import logging
import time

import pytest

from vitalscope.server.services import ServiceGroup


class Recording:
    def __init__(self, name: str, log: list[str], stop_takes_s: float = 0.0,
                 stop_fails: bool = False) -> None:
        self.name = name
        self.log = log
        self.stop_takes_s = stop_takes_s
        self.stop_fails = stop_fails

    async def start(self) -> None:
        self.log.append(f"start {self.name}")

    async def stop(self) -> None:
        await asyncio.sleep(self.stop_takes_s)
        if self.stop_fails:
            raise RuntimeError("cannot stop")
        self.log.append(f"stop {self.name}")


def test_a_stuck_or_failing_stop_is_passed_over_within_the_bound(
        caplog: pytest.LogCaptureFixture) -> None:
    events: list[str] = []
    group = ServiceGroup([Recording("flusher", events),
                          Recording("synthetics", events, stop_takes_s=3600),
                          Recording("alerting", events, stop_fails=True),
                          Recording("warmer", events)], stop_bound_s=0.5)

    async def run() -> float:
        await group.start()
        started = time.monotonic()
        await group.stop()
        return time.monotonic() - started

    with caplog.at_level(logging.INFO, "vitalscope.services"):
        took = asyncio.run(run())
    assert events == ["start flusher", "start synthetics", "start alerting", "start warmer",
                      "stop warmer", "stop flusher"]
    assert took < 5  # the bound (0.5 s), not the hour the stuck stop would take
    messages = [r.getMessage() for r in caplog.records]
    assert any(m.startswith("stopping synthetics took over") and
               m.endswith("went on without it") for m in messages)
    assert any(m == "stopping alerting failed" for m in messages)
