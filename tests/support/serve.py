"""Run `vitalscope serve` (or any vitalscope command) as a real subprocess: forked from the
tests' zygote (tests/support/forked.py), which saves each one importing Vitalscope again."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from tests.support import forked
from tests.support.ports import free_port
from vitalscope.server import stack_dump

VITALSCOPE = [sys.executable, "-m", "vitalscope"]


def clean_env(**extra: str) -> dict[str, str]:
    """The environment of a child process: no VITALSCOPE_* from the outside world."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("VITALSCOPE_")}
    # One process, unless a test asks for more (tests/e2e/test_processes.py): ingest
    # processes cost a start-up each, and most tests are about what one process does.
    env["VITALSCOPE_HTTP__PROCESSES"] = "1"
    # Tests read what they just sent: a freshness budget (tests/dashboard/test_cache.py) would
    # make every poll after a second write wait for the budget to pass.
    env["VITALSCOPE_DASHBOARD__CACHE_FRESH_S"] = "0"
    env.update(extra)
    return env


def run_cli(*args: str, env: dict[str, str] | None = None, timeout: float = 120,
            input_text: str | None = None) -> subprocess.CompletedProcess[str]:
    return forked.run(["-m", "vitalscope", *args], env=env or clean_env(), timeout=timeout,
                      input_text=input_text)


@dataclass
class ServeProcess:
    data: Path
    port: int = field(default_factory=free_port)
    env: dict[str, str] = field(default_factory=clean_env)
    extra_args: list[str] = field(default_factory=list)
    process: forked.Forked | None = None
    log_path: Path | None = None
    nofile: int | None = None  # RLIMIT_NOFILE (soft and hard) of the server process

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, wait: bool = True, timeout: float = 180.0) -> ServeProcess:
        self.log_path = self.data.parent / f"serve-{self.port}.log"
        self.process = forked.Forked(
            ["-m", "vitalscope", "serve", "--data", str(self.data), "--port", str(self.port),
             *self.extra_args],
            env=self.env, stdout=self.log_path, nofile=self.nofile)
        if wait:
            try:
                self.wait_ready(timeout)
            except AssertionError:
                # Not left running when the test gives up on it (a slow, loaded machine).
                self.process.kill()
                self.process.wait()
                raise
        return self

    def wait_ready(self, timeout: float = 60.0) -> float:
        """Seconds until /readyz answered 200."""
        assert self.process is not None
        started = time.monotonic()
        while time.monotonic() - started < timeout:
            if self.process.poll() is not None:
                raise AssertionError(f"serve exited with {self.process.returncode}:\n{self.logs()}")
            try:
                if httpx.get(self.url + "/readyz", timeout=1).status_code == 200:
                    return time.monotonic() - started
            except httpx.HTTPError:
                pass
            time.sleep(0.05)
        raise AssertionError(f"serve not ready within {timeout} s:\n{self.logs()}")

    def logs(self) -> str:
        return self.log_path.read_text() if self.log_path and self.log_path.exists() else ""

    def admin_token(self) -> str:
        return (self.data / "secrets" / "admin-token").read_text().strip()

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 30.0) -> int:
        assert self.process is not None
        if self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                # Where it is stuck, in the log this error shows (vitalscope/server/stack_dump.py).
                self.process.send_signal(stack_dump.SIGNAL)
                time.sleep(1.0)
                self.process.kill()
                self.process.wait()
                raise AssertionError(
                    f"serve did not stop within {timeout} s:\n{self.logs()}") from None
        return self.process.wait()  # already ended: its return code
