"""A blocking call that overruns its callers' timeout keeps one thread, not one per caller
(vitalscope/server/single_flight.py): what keeps /readyz's probes from taking the loop's
thread pool while a store hangs."""

from __future__ import annotations

import asyncio
import threading

import pytest

from vitalscope.server.single_flight import SingleFlight


def test_callers_during_an_overrun_share_its_one_thread_and_the_next_run_starts_fresh() -> None:
    release = threading.Event()
    started: list[int] = []

    def hanging_check() -> str:
        started.append(threading.get_ident())
        release.wait(30)
        return f"answer {len(started)}"

    async def scenario() -> tuple[list[BaseException | str], str, str]:
        flight = SingleFlight()
        # Twenty probes, each giving up after 50 ms, while the check hangs.
        outcomes = [await asyncio.gather(flight.run("clickhouse", hanging_check, 0.05),
                                         return_exceptions=True) for _ in range(20)]
        other = await flight.run("redis", lambda: "pong", 5)  # another name is not held up
        release.set()
        await asyncio.sleep(0.2)  # the overrun run ends; its answer was nobody's
        fresh = await flight.run("clickhouse", hanging_check, 5)
        return [o[0] for o in outcomes], other, fresh

    outcomes, other, fresh = asyncio.run(scenario())
    assert all(isinstance(o, TimeoutError) for o in outcomes)
    assert other == "pong"
    assert fresh == "answer 2"
    assert len(started) == 2  # one thread for the twenty probes, one for the run after


def test_a_failed_run_is_reported_and_not_kept() -> None:
    calls: list[int] = []

    def failing() -> None:
        calls.append(1)
        raise ConnectionError("refused")

    async def scenario() -> None:
        flight = SingleFlight()
        for _ in range(2):
            with pytest.raises(ConnectionError, match="refused"):
                await flight.run("redis", failing, 5)

    asyncio.run(scenario())
    assert len(calls) == 2

