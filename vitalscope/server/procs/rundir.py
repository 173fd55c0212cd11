"""The private folder of one run of several processes: the owner's socket and each
process's metrics snapshot. Made at start (mode 0700, emptied of a crashed run's leftovers)
and removed at the end."""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

# A unix socket path holds at most 107 bytes on Linux: longer folders get a short one.
MAX_SOCKET_PATH = 100


@dataclass(frozen=True)
class RunDir:
    root: Path

    @classmethod
    def create(cls, under: Path | None = None) -> RunDir:
        """`under/run` (a data folder this run holds), or a fresh temporary folder."""
        if under is not None and len(str(under / "run" / "owner.sock")) <= MAX_SOCKET_PATH:
            root = under / "run"
            shutil.rmtree(root, ignore_errors=True)
            root.mkdir(mode=0o700, parents=True)
        else:
            root = Path(tempfile.mkdtemp(prefix="vitalscope-run-"))
        (root / "metrics").mkdir(mode=0o700)
        return cls(root)

    @property
    def owner_socket(self) -> Path:
        return self.root / "owner.sock"

    @property
    def metrics(self) -> Path:
        return self.root / "metrics"

    def remove(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)
