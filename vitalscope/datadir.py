"""The embedded data folder: its layout, the one-process lock, the running server's address
and the generated secrets."""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any


class DataDirInUse(Exception):
    def __init__(self, path: Path) -> None:
        super().__init__(
            f"data folder {path} is in use by another Vitalscope process; point "
            "VITALSCOPE_CLICKHOUSE_URL at a ClickHouse server to run several processes"
        )


@dataclass(frozen=True)
class DataDir:
    root: Path

    @property
    def lock_file(self) -> Path:
        return self.root / "vitalscope.lock"

    @property
    def server_file(self) -> Path:
        """Where a running `vitalscope serve` says how to reach its admin API."""
        return self.root / "server.json"

    @property
    def secrets_dir(self) -> Path:
        return self.root / "secrets"

    @property
    def redis_dir(self) -> Path:
        return self.root / "redis"

    @property
    def artifacts_dir(self) -> Path:
        return self.root / "artifacts"

    def ensure(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        self.secrets_dir.mkdir(mode=0o700, exist_ok=True)

    def is_locked(self) -> bool:
        """True while a process holds the folder (a running serve, or a CLI command)."""
        if not self.lock_file.exists():
            return False
        with open(self.lock_file, "a+") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return True
            fcntl.flock(handle, fcntl.LOCK_UN)
            return False

    def running_server(self) -> dict[str, Any] | None:
        """The address a running serve published, when the folder is held by it."""
        if not self.is_locked():
            return None
        try:
            info = json.loads(self.server_file.read_text())
        except (OSError, ValueError):
            return None
        return info if isinstance(info, dict) and "url" in info else None

    @contextlib.contextmanager
    def serving(self, url: str) -> Iterator[None]:
        """Tells CLI commands where this folder's server listens, while it does."""
        tmp = self.server_file.with_suffix(".tmp")
        tmp.write_text(json.dumps({"url": url, "pid": os.getpid()}))
        tmp.replace(self.server_file)
        try:
            yield
        finally:
            with contextlib.suppress(FileNotFoundError):
                self.server_file.unlink()

    def secret(self, name: str, nbytes: int = 32,
               generate: Callable[[], str] | None = None) -> tuple[str, bool]:
        """A secret kept in the folder, generated on first use (by `generate` when given).
        Returns (value, created)."""
        self.ensure()
        path = self.secrets_dir / name
        try:
            return path.read_text().strip(), False
        except FileNotFoundError:
            pass
        value = generate() if generate else secrets.token_urlsafe(nbytes)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(value + "\n")
        return value, True

    def read_secret(self, name: str) -> str | None:
        try:
            return (self.secrets_dir / name).read_text().strip()
        except FileNotFoundError:
            return None


class FolderLock:
    """An exclusive lock on the data folder. chDB allows one process per folder; taking this
    first turns chDB's opaque failure into a message that says what to do."""

    def __init__(self, datadir: DataDir) -> None:
        self.datadir = datadir
        self._handle: IO[str] | None = None

    def acquire(self) -> None:
        self.datadir.ensure()
        handle = open(self.datadir.lock_file, "a+")  # noqa: SIM115 - held for the process life
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            raise DataDirInUse(self.datadir.root) from None
        self._handle = handle

    def release(self) -> None:
        if self._handle is not None:
            fcntl.flock(self._handle, fcntl.LOCK_UN)
            self._handle.close()
            self._handle = None

    def __enter__(self) -> FolderLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()
