"""Helpers shared by benchmarks."""

from __future__ import annotations

import json
import os
import socket
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

TICKS = os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_http_ok(url: str, timeout: float = 120.0, alive: Callable[[], bool] | None = None
                 ) -> float:
    """Seconds until `url` answers 200."""
    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        if alive is not None and not alive():
            raise RuntimeError(f"process died before {url} answered")
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return time.perf_counter() - started
        except httpx.HTTPError:
            pass
        time.sleep(0.01)
    raise TimeoutError(f"{url} not ready within {timeout} s")


def summary(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    return {
        "min": ordered[0],
        "median": statistics.median(ordered),
        "max": ordered[-1],
    }


def emit(figures: dict[str, Any]) -> None:
    """The last line of every benchmark: one JSON object."""
    print(json.dumps(figures, sort_keys=True))


def machine_line(name: str, detail: str) -> str:
    """The first line of a benchmark: what ran and on how loaded a machine (its figures are
    read against that)."""
    return (f"{name}: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}, "
            f"{detail}")


def process_tree_cpu_s(pid: int) -> dict[int, float]:
    """CPU seconds (user + system) of a process and of each descendant alive now, by pid: on
    a machine shared with other work, throughput per CPU second says what a core of its own
    would do, where the wall-clock rate says how busy the machine was."""
    found: dict[int, float] = {}
    pending = [pid]
    while pending:
        current = pending.pop()
        try:
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
            children = [int(child) for task in Path(f"/proc/{current}/task").iterdir()
                        for child in (task / "children").read_text().split()]
        except (FileNotFoundError, ProcessLookupError):
            continue  # it ended while being read
        found[current] = (int(fields[11]) + int(fields[12])) / TICKS
        pending.extend(children)
    return found


def tree_cpu_s(pid: int) -> float:
    return sum(process_tree_cpu_s(pid).values())


def process_role(pid: int) -> str:
    """What a process of a Vitalscope tree is, from its command line."""
    try:
        argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except FileNotFoundError:
        return "ended"
    if argv and b"redis-server" in argv[0]:
        return "redis"
    if b"vitalscope.app.ingest_process" in argv:
        return "ingest"
    return "other"
