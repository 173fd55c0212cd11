"""Ingest over several processes (`http.processes`, docs/collector.md "Processes"):
accepted beacons/s of a real `vitalscope serve --processes N` for N = 1 and N = K, and of the
no-op ASGI app run as 1 and K processes on one SO_REUSEPORT port, the same load generator
against each, in the same run. Printed: K over 1 for both, and ours over the no-op at each
count. Goal (issue 18): 2 processes >= 1.6x 1 process.

Wall-clock rates on a machine with fewer free cores than processes (the load generator needs
one too) measure the machine. So each `serve` first takes a run at a fixed rate, half what
1 process accepted while warming up (the same work for 1 and K), and the CPU seconds of each of its
processes over it (the ingest processes, the one holding chDB and running the flusher, the
embedded Redis), from /proc: CPU per beacon at K processes over 1 is the cost of running K
(the private socket, the shared limits and metrics), and K over it is what K processes with
a core each would accept over 1 process with one, the request path being CPU-bound."""

from __future__ import annotations

import json
import os
import resource
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench.common import free_port, process_role, process_tree_cpu_s, wait_http_ok
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


def _cpu_by_pid(processes: list[subprocess.Popen[bytes]]) -> dict[int, float]:
    found: dict[int, float] = {}
    for process in processes:
        found.update(process_tree_cpu_s(process.pid))
    return found


def _children_cpu_s() -> float:
    """CPU seconds of this process's waited-for children: the load generator's, read around
    its run (the apps' processes are waited for only once they stop)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _cpu_by_role(before: dict[int, float], after: dict[int, float],
                 role_of: dict[int, str]) -> dict[str, float]:
    roles: dict[str, float] = {}
    for pid, seconds in after.items():
        roles[role_of[pid]] = roles.get(role_of[pid], 0.0) + seconds - before.get(pid, 0.0)
    return {role: round(seconds, 2) for role, seconds in sorted(roles.items())}


def _measure(processes: list[subprocess.Popen[bytes]], port: int, seconds: float,
             connections: int, load: Any, rate: float | None
             ) -> tuple[dict[str, Any], dict[str, float], float]:
    """One load run: the load generator's JSON, the app's CPU seconds by role over it, and
    the load generator's CPU seconds."""
    cpu_before, load_cpu_before = _cpu_by_pid(processes), _children_cpu_s()
    result: dict[str, Any] = load(port, seconds, connections, rate)
    cpu_after, load_cpu = _cpu_by_pid(processes), _children_cpu_s() - load_cpu_before
    roots = {process.pid for process in processes}
    role_of = {pid: "main" if pid in roots else process_role(pid) for pid in cpu_after}
    return result, _cpu_by_role(cpu_before, cpu_after, role_of), load_cpu


def _label(app: str, n: int) -> str:
    return f"{app:>5} x {n} process{'es' if n > 1 else '  '}"


def compare(count: int, seconds: float, connections: int, folder: Path, env: dict[str, str],
            load: Any) -> dict[str, Any]:
    """`load(port, seconds, connections, rate)` runs the load generator (at most `rate`
    requests/s, None: as fast as it can) and returns its JSON."""
    rates: dict[str, float] = {}
    us_per_beacon: dict[str, dict[str, float]] = {}
    load_share: list[float] = []
    fixed_rate = 0.0
    for app, n in (("noop", 1), ("noop", count), ("serve", 1), ("serve", count)):
        port, processes = (_noop(n, env) if app == "noop"
                           else _serve(n, folder / f"serve-{n}", env))
        key = f"{app}_{n}"
        try:
            warm_up = load(port, 1.0, connections, None)
            if app == "serve":
                # The same work for 1 and K processes, before a saturated run leaves a
                # backlog for the flusher: half what 1 process accepted while warming up.
                fixed_rate = fixed_rate or max(100.0, round(
                    warm_up["statuses"].get("204", 0) / warm_up["seconds"] / 2, -2))
                result, roles, _ = _measure(processes, port, seconds, connections, load,
                                            fixed_rate)
                accepted = result["statuses"].get("204", 0)
                us_per_beacon[key] = {role: round(cpu_s * 1e6 / accepted, 1)
                                      for role, cpu_s in roles.items()}
                print(f"{_label(app, n)}: {accepted / result['seconds']:8.0f} beacons/s "
                      f"offered {fixed_rate:.0f} (statuses {result['statuses']}), CPU us per "
                      f"beacon {us_per_beacon[key]}")
            result, roles, load_cpu = _measure(processes, port, seconds, connections, load, None)
            rates[key] = result["statuses"].get("204", 0) / result["seconds"]
            load_share.append(load_cpu / (result["seconds"] * (os.cpu_count() or 1)))
            print(f"{_label(app, n)}: {rates[key]:8.0f} beacons/s accepted (statuses "
                  f"{result['statuses']}, p99 {result['latency_p99_ms']:.1f} ms; CPU s "
                  f"{roles}, load generator {load_cpu:.1f})")
        finally:
            _stop(processes)
    figures: dict[str, Any] = {
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
        "processes_load_generator_share": round(max(load_share), 3),
        "processes_fixed_rate": fixed_rate,
        "processes_cpu_us_per_beacon": us_per_beacon,
    }
    overhead = (sum(us_per_beacon[f"serve_{count}"].values())
                / sum(us_per_beacon["serve_1"].values()))
    figures["processes_cpu_overhead"] = round(overhead, 3)
    figures["processes_core_each_scaling"] = round(count / overhead, 3)
    print(f"serve {count} processes / 1 = {figures['processes_serve_scaling']:.2f} wall clock "
          f"(goal >= 1.6 for 2); no-op {count} / 1 = {figures['processes_noop_scaling']:.2f}; "
          f"the load generator used up to {figures['processes_load_generator_share']:.0%} of "
          f"the machine's CPU")
    print(f"CPU per beacon, {count} processes / 1 = {overhead:.2f}: with a core each, {count} "
          f"processes would accept {figures['processes_core_each_scaling']:.2f}x 1 process "
          f"(goal >= 1.6 for 2)")
    print(f"serve / no-op: 1 process {figures['processes_serve_vs_noop_1']:.2f}, {count} "
          f"processes {figures[f'processes_serve_vs_noop_{count}']:.2f}")
    return figures
