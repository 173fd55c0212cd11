"""`python -m ...` and `python -c ...` child processes forked from this test process's
zygote (tests/support/zygote.py: Vitalscope imported once), with the part of
`subprocess.Popen` and `subprocess.run` the tests use."""

from __future__ import annotations

import atexit
import json
import os
import queue
import signal
import subprocess
import sys
import tempfile
import threading
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


class _Zygote:
    def __init__(self) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith("VITALSCOPE_")}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.support.zygote"], cwd=ROOT, env=env,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        self.lock = threading.Lock()
        self.started: queue.Queue[int | None] = queue.Queue()
        self.exits: dict[int, int] = {}
        self.exited = threading.Condition()
        self.alive = True
        self.reader = threading.Thread(target=self._read, name="zygote-replies", daemon=True)
        self.reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            message = json.loads(line)
            if "started" in message:
                self.started.put(int(message["started"]))
            else:
                with self.exited:
                    self.exits[int(message["exited"])] = int(message["code"])
                    self.exited.notify_all()
        with self.exited:
            self.alive = False
            self.exited.notify_all()
        self.started.put(None)

    def fork(self, request: dict[str, Any]) -> int:
        with self.lock:
            assert self.process.stdin is not None
            self.process.stdin.write(json.dumps(request) + "\n")
            self.process.stdin.flush()
            try:
                # Generous: the first request waits for the zygote's imports, which took
                # a minute on a loaded machine.
                pid = self.started.get(timeout=300)
            except queue.Empty:
                self.process.kill()  # its late answer must not be taken for the next one's
                raise RuntimeError("the test zygote did not fork within 300 s") from None
        if pid is None:
            raise RuntimeError(f"the test zygote exited with {self.process.wait()}")
        return pid

    def close(self) -> None:
        """The zygote exits when its requests end (children it forked keep running)."""
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.close()
        self.process.wait(30)
        self.reader.join(30)
        self.process.stdout.close()


_zygote: _Zygote | None = None
_zygote_lock = threading.Lock()


def _get_zygote() -> _Zygote:
    global _zygote
    with _zygote_lock:
        if _zygote is None or not _zygote.alive:
            _zygote = _Zygote()
            atexit.register(_zygote.close)
        return _zygote


class Forked:
    """A child of the zygote, used as a `subprocess.Popen`: poll, wait, signals, returncode.
    Its output goes to files (the zygote is its parent, not this process)."""

    def __init__(self, args: list[str], *, env: dict[str, str], stdout: Path,
                 stderr: Path | None = None, stdin: Path | None = None,
                 cwd: Path | None = None, nofile: int | None = None) -> None:
        self.args = args
        self._zygote = _get_zygote()
        self.pid = self._zygote.fork({
            "args": args, "env": env, "cwd": str(cwd) if cwd else None,
            "stdin": str(stdin) if stdin else None, "stdout": str(stdout),
            "stderr": str(stderr) if stderr else None, "nofile": nofile})
        self.returncode: int | None = None

    def poll(self) -> int | None:
        if self.returncode is None:
            with self._zygote.exited:
                self.returncode = self._zygote.exits.pop(self.pid, None)
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        zygote = self._zygote
        with zygote.exited:
            if not zygote.exited.wait_for(
                    lambda: self.pid in zygote.exits or self.returncode is not None
                    or not zygote.alive, timeout):
                raise subprocess.TimeoutExpired(self.args, timeout or 0)
        code = self.poll()
        if code is None:
            raise RuntimeError(f"the test zygote exited before child {self.pid}")
        return code

    def send_signal(self, sig: int) -> None:
        if self.poll() is None:
            os.kill(self.pid, sig)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)


def run(args: list[str], *, env: dict[str, str], timeout: float, input_text: str | None = None,
        cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """`subprocess.run(capture_output=True, text=True)` of a forked child."""
    with tempfile.TemporaryDirectory(prefix="forked-") as folder:
        files = Path(folder)
        stdin = None
        if input_text is not None:
            stdin = files / "stdin"
            stdin.write_text(input_text)
        child = Forked(args, env=env, stdout=files / "stdout", stderr=files / "stderr",
                       stdin=stdin, cwd=cwd)
        try:
            code = child.wait(timeout)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
            raise
        return subprocess.CompletedProcess(args, code, _read(files / "stdout"),
                                           _read(files / "stderr"))


def _read(path: Path) -> str:
    return path.read_text() if path.exists() else ""

