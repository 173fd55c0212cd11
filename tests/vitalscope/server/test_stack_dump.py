"""SIGUSR1 makes a running `vitalscope serve` write its threads' stacks and carry on
(vitalscope/server/stack_dump.py)."""

from __future__ import annotations

import time
from pathlib import Path

import httpx

from tests.support.serve import ServeProcess
from vitalscope.server import stack_dump


def test_a_running_server_writes_every_threads_stack_and_keeps_serving(tmp_path: Path) -> None:
    server = ServeProcess(tmp_path / "data").start()
    try:
        assert server.process is not None
        server.process.send_signal(stack_dump.SIGNAL)
        deadline = time.monotonic() + 30
        while "most recent call first" not in server.logs() and time.monotonic() < deadline:
            time.sleep(0.1)
        dump = server.logs()
        assert "most recent call first" in dump
        # The event loop's thread and the worker threads beside it.
        assert dump.count("Thread 0x") >= 2, dump
        assert "uvicorn" in dump
        assert httpx.get(server.url + "/readyz", timeout=10).status_code == 200
    finally:
        assert server.stop() == 0
