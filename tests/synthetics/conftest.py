"""Fixtures of the synthetics tests: the test shop, one event loop in a thread of its own and
one browser on it, shared by every test (a browser launch is the expensive part)."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Coroutine, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest

from synthetics.browser import BrowserPool
from tests.synthetics.shop import Shop

T = TypeVar("T")


class Loop:
    """An asyncio loop running in a thread: tests hand it coroutines and wait for them."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()

    def run(self, coro: Coroutine[Any, Any, T], timeout: float = 120) -> T:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)
        self.loop.close()


@pytest.fixture(scope="session")
def shop() -> Iterator[Shop]:
    server = Shop().start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def aloop() -> Iterator[Loop]:
    loop = Loop()
    yield loop
    loop.close()


@pytest.fixture(scope="session")
def pool(aloop: Loop) -> Iterator[BrowserPool]:
    browser_pool = BrowserPool()
    yield browser_pool
    aloop.run(browser_pool.close())


@pytest.fixture
def artifacts(tmp_path: Path) -> Path:
    return tmp_path / "artifacts" / "synthetics"
