"""`python -m bench synthetics`: synthetic runs per minute sustained at the concurrency cap
with one shared browser (fresh context per run), against the baseline of launching a browser
per run, in the same process on the same local pages.

    python -m bench synthetics [--runs 20] [--concurrency 2]
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import threading
import time
from collections.abc import Awaitable, Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from bench.common import emit, summary
from synthetics.browser import BrowserPool
from synthetics.model import CheckPlan, RunResult
from synthetics.runner import Runner
from vitalscope.config import load_settings

PAGES = {
    "/": b"<!doctype html><h1>Shop</h1><a id='p' href='/product'>Mug</a>",
    "/product": b"<!doctype html><h1>Mug</h1><button id='add' onclick=\"this.textContent="
                b"'Added'\">Add</button>",
}


class _Handler(BaseHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        body = PAGES.get(self.path.split("?")[0], b"not found")
        self.send_response(200 if self.path in PAGES else 404)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def _plan(base_url: str) -> CheckPlan:
    settings = load_settings(synthetics={"checks": [{
        "name": "bench", "base_url": base_url, "retries": 0,
        "steps": [{"goto": "/"}, {"click": "#p"}, {"assert_text": "Mug"}, {"click": "#add"},
                  {"assert_text": "Added"}],
    }]})
    return CheckPlan.of(settings.synthetics.checks[0], settings)


async def _sustained(run_one: Callable[[], Awaitable[RunResult]], runs: int,
                     concurrency: int) -> tuple[float, list[float]]:
    """Seconds for `runs` runs with at most `concurrency` at once, and each run's duration."""
    slots = asyncio.Semaphore(concurrency)
    durations: list[float] = []

    async def one() -> None:
        async with slots:
            began = time.perf_counter()
            result = await run_one()
            if result.status != "passed":
                raise RuntimeError(f"benchmark run failed: {result.error}")
            durations.append(time.perf_counter() - began)

    began = time.perf_counter()
    await asyncio.gather(*(one() for _ in range(runs)))
    return time.perf_counter() - began, durations


async def _measure(runs: int, concurrency: int, base_url: str, artifacts: Path
                   ) -> dict[str, float]:
    plan = _plan(base_url)
    shared = BrowserPool()
    runner = Runner(shared, artifacts)
    await runner.run(plan)  # warm-up: the launch is not part of the sustained rate
    try:
        reuse_s, reuse_runs = await _sustained(lambda: runner.run(plan), runs, concurrency)
    finally:
        await shared.close()

    async def launch_per_run() -> RunResult:
        pool = BrowserPool()
        try:
            return await Runner(pool, artifacts).run(plan)
        finally:
            await pool.close()

    launch_s, launch_runs = await _sustained(launch_per_run, runs, concurrency)
    reuse_rate = runs / reuse_s * 60
    launch_rate = runs / launch_s * 60
    print(f"shared browser:   {runs} runs in {reuse_s:.1f} s = {reuse_rate:.0f} runs/min "
          f"(run median {summary(reuse_runs)['median'] * 1000:.0f} ms)")
    print(f"launch per run:   {runs} runs in {launch_s:.1f} s = {launch_rate:.0f} runs/min "
          f"(run median {summary(launch_runs)['median'] * 1000:.0f} ms)")
    print(f"browser reuse is {reuse_rate / launch_rate:.2f}x the throughput of a launch per run")
    return {
        "runs": runs, "concurrency": concurrency,
        "reuse_runs_per_min": round(reuse_rate, 1),
        "launch_runs_per_min": round(launch_rate, 1),
        "reuse_speedup": round(reuse_rate / launch_rate, 2),
        "reuse_run_median_ms": round(summary(reuse_runs)["median"] * 1000, 1),
        "launch_run_median_ms": round(summary(launch_runs)["median"] * 1000, 1),
    }


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench synthetics")
    parser.add_argument("--runs", type=int, default=20, help="runs per variant")
    parser.add_argument("--concurrency", type=int, default=2, help="runs at once (the cap)")
    args = parser.parse_args(argv)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base_url = f"http://127.0.0.1:{server.server_address[1]}"
    print(f"synthetics: {args.runs} runs of a 5-step check per variant, "
          f"concurrency {args.concurrency}")
    try:
        with tempfile.TemporaryDirectory() as folder:
            figures = asyncio.run(_measure(args.runs, args.concurrency, base_url,
                                           Path(folder)))
    finally:
        server.shutdown()
        server.server_close()
    emit(figures)
    return 0
