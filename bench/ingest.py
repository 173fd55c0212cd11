"""Ingest: beacons/s accepted by the collector's /v1/beacon (5 vitals + 3 server timings
each) against a no-op ASGI app and a plain FastAPI + pydantic route, all on the same uvicorn
settings and the same load generator (a separate process); then beacon -> queryable latency
at half the collector's max rate; with --soak, RSS after 10 minutes against after 1 minute.

With --processes K (default 2), also `vitalscope serve` with 1 and K ingest processes against
the no-op app run as 1 and K processes on one port (bench/ingest_processes.py); with
--processes-only, just that.

Goals: collector >= 0.6x no-op, >= 3x FastAPI; p99 beacon -> queryable < 2 s; soak RSS
growth < 10 %; K = 2 processes >= 1.6x 1 process."""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench import ingest_processes
from bench.common import emit, free_port, machine_line

BEACON_PATH = "/v1/beacon?k=pk_bench_ingest_000001"


def _env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("VITALSCOPE_")}


def _wait_listening(port: int, process: subprocess.Popen[bytes], timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise TimeoutError(f"port {port} not listening within {timeout} s")


class _Server:
    def __init__(self, app: str, *extra: str) -> None:
        self.port = free_port()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bench.ingest_apps", app, str(self.port), *extra],
            env=_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _wait_listening(self.port, self.process)
        time.sleep(0.5)  # lifespan start-up (sites loaded, flusher running)

    def rss_mb(self) -> float:
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        return 0.0

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def _load(port: int, seconds: float, connections: int, rate: float | None = None
          ) -> dict[str, Any]:
    args = [sys.executable, "-m", "bench.loadgen", BEACON_PATH, str(port),
            "--seconds", str(seconds), "--connections", str(connections)]
    if rate:
        args += ["--rate", str(rate)]
    done = subprocess.run(args, capture_output=True, text=True, timeout=seconds + 120,
                          env=_env(), check=True)
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _throughput(app: str, seconds: float, connections: int, *extra: str) -> dict[str, Any]:
    server = _Server(app, *extra)
    try:
        _load(server.port, 1.0, connections)  # warm-up: caches, connections, JIT-less paths
        result = _load(server.port, seconds, connections)
    finally:
        server.stop()
    accepted = result["statuses"].get("204", 0)
    result["accepted_rate"] = accepted / result["seconds"]
    label = app + (" (no flusher)" if "--no-flusher" in extra else "")
    print(f"{label:>22}: {result['accepted_rate']:8.0f} beacons/s accepted "
          f"({result['requests']} requests in {result['seconds']:.1f} s, statuses "
          f"{result['statuses']}, p99 {result['latency_p99_ms']:.1f} ms)")
    return result


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench ingest")
    parser.add_argument("--seconds", type=float, default=10.0, help="per throughput run")
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--latency-seconds", type=float, default=20.0)
    parser.add_argument("--soak", action="store_true", help="RSS after 10 min vs 1 min")
    parser.add_argument("--soak-minutes", type=float, default=10.0)
    parser.add_argument("--processes", type=int, default=2,
                        help="compare this many ingest processes with one (0: skip)")
    parser.add_argument("--processes-only", action="store_true",
                        help="only the processes comparison")
    args = parser.parse_args(argv)
    print(machine_line("ingest benchmark", f"{args.connections} connections, "
                                           f"{args.seconds:.0f} s per run"))
    figures: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="vs-bench-") as tmp:
        if args.processes > 1:
            figures.update(ingest_processes.compare(
                args.processes, args.seconds, args.connections, Path(tmp) / "processes",
                _env(), _load))
        if args.processes_only:
            emit(figures)
            return 0
        noop = _throughput("noop", args.seconds, args.connections)
        fastapi = _throughput("fastapi", args.seconds, args.connections)
        ours = _throughput("collector", args.seconds, args.connections,
                           "--data", str(Path(tmp) / "throughput"))
        # The request path alone (a `vitalscope collector` with the flusher elsewhere).
        alone = _throughput("collector", args.seconds, args.connections,
                            "--data", str(Path(tmp) / "alone"), "--no-flusher")
        figures.update({
            "noop_rps": round(noop["accepted_rate"]),
            "fastapi_pydantic_rps": round(fastapi["accepted_rate"]),
            "collector_rps": round(ours["accepted_rate"]),
            "collector_vs_noop": round(ours["accepted_rate"] / noop["accepted_rate"], 3),
            "collector_vs_fastapi": round(ours["accepted_rate"] / fastapi["accepted_rate"], 2),
            "collector_request_p99_ms": round(ours["latency_p99_ms"], 2),
            "collector_without_flusher_rps": round(alone["accepted_rate"]),
            "collector_without_flusher_vs_noop": round(
                alone["accepted_rate"] / noop["accepted_rate"], 3),
        })
        print(f"collector / no-op   = {figures['collector_vs_noop']:.2f}  (goal >= 0.6)")
        print(f"collector / FastAPI = {figures['collector_vs_fastapi']:.2f}  (goal >= 3)")

        half = ours["accepted_rate"] / 2
        latency_file = Path(tmp) / "latency.json"
        server = _Server("collector", "--data", str(Path(tmp) / "latency"),
                         "--latency-out", str(latency_file))
        try:
            paced = _load(server.port, args.latency_seconds, args.connections, rate=half)
            time.sleep(3.0)  # the last beacons become visible
        finally:
            server.stop()
        latencies = json.loads(latency_file.read_text())
        p50, p99 = _percentile(latencies, 0.5), _percentile(latencies, 0.99)
        figures.update({
            "latency_rate": round(paced["rate"]),
            "queryable_samples": len(latencies),
            "queryable_accepted": paced["statuses"].get("204", 0),
            "queryable_p50_ms": round(p50),
            "queryable_p99_ms": round(p99),
        })
        print(f"beacon -> queryable at {paced['rate']:.0f}/s (half max): p50 {p50:.0f} ms, "
              f"p99 {p99:.0f} ms over {len(latencies)} beacons (goal p99 < 2000 ms; "
              "50 ms polling)")

        if args.soak:
            minutes = args.soak_minutes
            server = _Server("collector", "--data", str(Path(tmp) / "soak"))
            try:
                generator = subprocess.Popen(
                    [sys.executable, "-m", "bench.loadgen", BEACON_PATH, str(server.port),
                     "--seconds", str(minutes * 60), "--connections",
                     str(args.connections), "--rate", str(half)],
                    env=_env(), stdout=subprocess.PIPE, text=True)
                time.sleep(60)
                rss_1 = server.rss_mb()
                print(f"soak: RSS after 1 min {rss_1:.1f} MiB")
                time.sleep(max(0.0, minutes * 60 - 60))
                rss_end = server.rss_mb()
                generator.wait(180)
            finally:
                server.stop()
            growth = (rss_end - rss_1) / rss_1
            figures.update({"soak_rss_1min_mb": round(rss_1, 1),
                            f"soak_rss_{minutes:g}min_mb": round(rss_end, 1),
                            "soak_rss_growth": round(growth, 3)})
            print(f"soak: RSS after {minutes:g} min {rss_end:.1f} MiB, growth "
                  f"{growth * 100:.1f} % (goal < 10 %)")
    emit(figures)
    return 0
