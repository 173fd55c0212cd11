"""Collectors: beacons/s accepted by one `vitalscope collector` process and by two, in the
same run, on the local cluster of `scripts/dev-cluster.sh` (ClickHouse HTTP over chDB,
Redis, 2 collectors, 2 workers flushing, a dashboard). The same load generator (its own
processes, 5 vitals + 3 server timings a beacon) drives collector 1 alone, then both with the
connections split between them. On a machine with fewer cores than processes the second
collector competes with the first for CPU: the ratio says how ingest scales here, not on
separate machines."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from bench.common import emit, machine_line
from bench.loadgen import KEY, ORIGIN

ROOT = Path(__file__).parents[1]
SCRIPT = ROOT / "scripts" / "dev-cluster.sh"
BEACON_PATH = f"/v1/beacon?k={KEY}"
UNLIMITED = {"per_second": 1_000_000, "burst": 1_000_000}


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("VITALSCOPE_")}
    env.update(extra)
    return env


def _loadgen(port: int, seconds: float, connections: int) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "bench.loadgen", BEACON_PATH, str(port), "--seconds",
         str(seconds), "--connections", str(connections)],
        stdout=subprocess.PIPE, text=True, env=_env())


def _results(generators: list[subprocess.Popen[str]], seconds: float) -> list[dict[str, Any]]:
    results = []
    for generator in generators:
        out, _ = generator.communicate(timeout=seconds + 120)
        assert generator.returncode == 0, "load generator failed"
        results.append(json.loads(out.strip().splitlines()[-1]))
    return results


def _accepted_rate(results: list[dict[str, Any]]) -> tuple[float, dict[str, int]]:
    statuses: dict[str, int] = {}
    for result in results:
        for status, count in result["statuses"].items():
            statuses[status] = statuses.get(status, 0) + count
    elapsed = max(result["seconds"] for result in results)
    return statuses.get("204", 0) / elapsed, statuses


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench collectors")
    parser.add_argument("--seconds", type=float, default=10.0, help="per throughput run")
    parser.add_argument("--connections", type=int, default=64, help="in total, every run")
    args = parser.parse_args(argv)
    print(machine_line("collectors benchmark", f"{args.connections} connections, "
                                               f"{args.seconds:.0f} s per run"))
    figures: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="vs-bench-cluster-") as tmp:
        config = Path(tmp) / "vitalscope.yaml"
        config.write_text(json.dumps({
            "sites": [{"name": "bench", "key": KEY, "origins": [ORIGIN]}],
            "collector": {"site_rate_limit": UNLIMITED, "client_rate_limit": UNLIMITED},
            "log_level": "warning",
        }))
        env = _env(PYTHON=sys.executable, VITALSCOPE_CONFIG=str(config))
        run = Path(tmp) / "run"
        started = time.monotonic()
        up = subprocess.run(["bash", str(SCRIPT), "up", str(run)], env=env,
                            capture_output=True, text=True, timeout=900, check=False)
        try:
            if up.returncode != 0:
                print(up.stderr, file=sys.stderr)
                return 1
            print(f"cluster up in {time.monotonic() - started:.0f} s")
            values = dict(line.split("=", 1) for line in up.stdout.splitlines() if "=" in line)
            ports = [int(urlsplit(url).port or 0) for url in values["collectors"].split(",")]
            half = max(1, args.connections // 2)
            _results([_loadgen(port, 1.0, half) for port in ports], 1.0)  # warm-up
            one, one_statuses = _accepted_rate(
                _results([_loadgen(ports[0], args.seconds, args.connections)], args.seconds))
            print(f"1 collector : {one:8.0f} beacons/s accepted (statuses {one_statuses})")
            two, two_statuses = _accepted_rate(_results(
                [_loadgen(port, args.seconds, half) for port in ports], args.seconds))
            print(f"2 collectors: {two:8.0f} beacons/s accepted (statuses {two_statuses})")
            figures.update({"one_collector_rps": round(one), "two_collectors_rps": round(two),
                            "two_vs_one": round(two / one, 2) if one else None,
                            "cpus": os.cpu_count()})
            print(f"2 collectors / 1 = {figures['two_vs_one']}")
        finally:
            subprocess.run(["bash", str(SCRIPT), "down", str(run)], env=env,
                           capture_output=True, timeout=120, check=False)
    emit(figures)
    return 0
