"""Ingest over several processes (`http.processes`, docs/collector.md "Processes"):
accepted beacons/s of a real `vitalscope serve --processes N` for N = 1 and N = K, and of the
no-op ASGI app run as 1 and K processes on one SO_REUSEPORT port, the same load generator
against each, in the same run. Printed: K over 1 for both, and ours over the no-op at each
count. Goal (issue 18): 2 processes >= 1.6x 1 process."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench.common import free_port, wait_http_ok
from bench.loadgen import KEY, ORIGIN

UNLIMITED = {"per_second": 1e9, "burst": 1e9}


def _stop(processes: list[subprocess.Popen[bytes]]) -> None:
    for process in processes:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    for process in processes:
        try:
            process.wait(60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _listeners(port: int) -> int:
    """Sockets listening on the port (one per process sharing it)."""
    needle = f":{port:04X} "
    lines = Path("/proc/net/tcp").read_text().splitlines()[1:]
    return sum(1 for line in lines if needle in line and line.split()[3] == "0A")


def _wait_listeners(port: int, count: int, processes: list[subprocess.Popen[bytes]],
                    timeout: float = 300) -> None:
    deadline = time.monotonic() + timeout
    while _listeners(port) < count:
        if time.monotonic() > deadline or any(p.poll() is not None for p in processes):
            raise RuntimeError(f"{count} processes not listening on port {port}")
        time.sleep(0.1)


def _noop(count: int, env: dict[str, str]) -> tuple[int, list[subprocess.Popen[bytes]]]:
    port = free_port()
    processes = [subprocess.Popen(
        [sys.executable, "-m", "bench.ingest_apps", "noop", str(port), "--reuse-port"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for _ in range(count)]
    try:
        _wait_listeners(port, count, processes)
    except BaseException:
        _stop(processes)
        raise
    return port, processes


def _serve(count: int, folder: Path, env: dict[str, str]
           ) -> tuple[int, list[subprocess.Popen[bytes]]]:
    folder.mkdir(parents=True)
    config = folder / "vitalscope.yaml"
    config.write_text(json.dumps({
        "sites": [{"name": "bench", "key": KEY, "origins": [ORIGIN]}],
        "redis_maxmemory_mib": 2048,
        "collector": {"site_rate_limit": UNLIMITED, "client_rate_limit": UNLIMITED,
                      "stream_max_len": 50_000_000, "stream_max_bytes": 1 << 30},
    }))
    port = free_port()
    log = open(folder / "serve.log", "wb")  # noqa: SIM115 - closed below
    process = subprocess.Popen(
        [sys.executable, "-m", "vitalscope", "serve", "--data", str(folder / "data"),
         "--config", str(config), "--port", str(port), "--processes", str(count)],
        env={**env, "VITALSCOPE_LOG_LEVEL": "warning"}, stdout=log, stderr=log)
    log.close()
    try:
        wait_http_ok(f"http://127.0.0.1:{port}/readyz", timeout=300,
                     alive=lambda: process.poll() is None)
        _wait_listeners(port, count, [process])
    except BaseException:
        _stop([process])
        raise
    return port, [process]


def compare(count: int, seconds: float, connections: int, folder: Path, env: dict[str, str],
            load: Any) -> dict[str, Any]:
    """`load(port, seconds, connections)` runs the load generator and returns its JSON."""
    rates: dict[str, float] = {}
    for app, n in (("noop", 1), ("noop", count), ("serve", 1), ("serve", count)):
        port, processes = (_noop(n, env) if app == "noop"
                           else _serve(n, folder / f"serve-{n}", env))
        try:
            load(port, 1.0, connections)  # warm-up
            result = load(port, seconds, connections)
        finally:
            _stop(processes)
        rate = result["statuses"].get("204", 0) / result["seconds"]
        rates[f"{app}_{n}"] = rate
        print(f"{app:>5} x {n} process{'es' if n > 1 else '  '}: {rate:8.0f} beacons/s "
              f"accepted (statuses {result['statuses']}, p99 "
              f"{result['latency_p99_ms']:.1f} ms)")
    figures = {
        "processes": count,
        "processes_noop_1_rps": round(rates["noop_1"]),
        f"processes_noop_{count}_rps": round(rates[f"noop_{count}"]),
        "processes_serve_1_rps": round(rates["serve_1"]),
        f"processes_serve_{count}_rps": round(rates[f"serve_{count}"]),
        "processes_serve_scaling": round(rates[f"serve_{count}"] / rates["serve_1"], 3),
        "processes_noop_scaling": round(rates[f"noop_{count}"] / rates["noop_1"], 3),
        "processes_serve_vs_noop_1": round(rates["serve_1"] / rates["noop_1"], 3),
        f"processes_serve_vs_noop_{count}": round(
            rates[f"serve_{count}"] / rates[f"noop_{count}"], 3),
    }
    print(f"serve {count} processes / 1 = {figures['processes_serve_scaling']:.2f} (goal >= "
          f"1.6 for 2); no-op {count} / 1 = {figures['processes_noop_scaling']:.2f}")
    print(f"serve / no-op: 1 process {figures['processes_serve_vs_noop_1']:.2f}, {count} "
          f"processes {figures[f'processes_serve_vs_noop_{count}']:.2f}")
    return figures
