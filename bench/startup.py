"""Start-up: `vitalscope serve` on an empty data folder until /readyz answers, against a
bare uvicorn serving a no-op ASGI app started the same way (interpreter + uvicorn import)."""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import emit, free_port, summary, wait_http_ok

NOOP_APP = """
async def app(scope, receive, send):
    if scope["type"] != "http":
        return
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"ok"})
"""


def _env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("VITALSCOPE_")}


def _time_process(args: list[str], url: str, cwd: str | None = None) -> tuple[float, float]:
    """(seconds to ready, seconds to exit after SIGTERM)."""
    process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               env=_env(), cwd=cwd)
    try:
        ready = wait_http_ok(url, alive=lambda: process.poll() is None)
        stop_started = time.perf_counter()
        process.send_signal(signal.SIGTERM)
        process.wait(60)
        return ready, time.perf_counter() - stop_started
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench startup")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "noop_app.py").write_text(NOOP_APP)
        baseline: list[float] = []
        serve_cold: list[float] = []
        serve_warm: list[float] = []
        stops: list[float] = []
        for run in range(args.runs):
            port = free_port()
            ready, _ = _time_process(
                [sys.executable, "-m", "uvicorn", "noop_app:app", "--port", str(port)],
                f"http://127.0.0.1:{port}/", cwd=tmp)
            baseline.append(ready)
            data = Path(tmp) / f"data{run}"
            for bucket in (serve_cold, serve_warm):  # empty folder, then restart on it
                port = free_port()
                ready, stopped = _time_process(
                    [sys.executable, "-m", "vitalscope", "serve", "--data", str(data),
                     "--port", str(port)], f"http://127.0.0.1:{port}/readyz")
                bucket.append(ready)
                stops.append(stopped)
    noop, cold, warm, stop = (summary(baseline), summary(serve_cold), summary(serve_warm),
                              summary(stops))
    ratio = cold["median"] / noop["median"]
    print(f"no-op uvicorn ready:          {noop['median']:.2f} s")
    print(f"serve, empty folder, ready:   {cold['median']:.2f} s  ({ratio:.1f}x the no-op)")
    print(f"serve, restart, ready:        {warm['median']:.2f} s")
    print(f"serve, SIGTERM to exit:       {stop['median']:.2f} s")
    emit({"noop_uvicorn_ready_s": noop, "serve_empty_folder_ready_s": cold,
          "serve_restart_ready_s": warm, "serve_sigterm_exit_s": stop,
          "ratio_empty_folder_vs_noop": ratio})
    return 0
