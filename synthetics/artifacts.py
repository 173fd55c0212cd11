"""Where screenshots and traces go (`<data>/artifacts/synthetics/<check>/<day>/<run>/`) and
how long they stay."""

from __future__ import annotations

import logging
import shutil
import time
from datetime import datetime
from pathlib import Path

log = logging.getLogger("vitalscope.synthetics")


def run_folder(root: Path, check: str, started_at: datetime, run_id: str) -> Path:
    return root / check / started_at.strftime("%Y-%m-%d") / run_id


def relative(root: Path, path: Path | str) -> str:
    """A path as stored with the results: relative to the artifacts root, portable."""
    return str(Path(path).relative_to(root)) if path else ""


def artifact_file(root: Path, stored: str) -> Path | None:
    """The file of a stored artifact path (as in `synthetic_runs.screenshot`), for serving it;
    None when it is missing or would lead outside the artifacts folder."""
    if not stored:
        return None
    base = root.parent.resolve()
    path = (base / stored).resolve()
    if not path.is_relative_to(root.resolve()) or not path.is_file():
        return None
    return path


def remove_expired(root: Path, retention_days: float, now: float | None = None) -> int:
    """Deletes run folders older than the retention; returns how many went."""
    if not root.is_dir():
        return 0
    cutoff = (now or time.time()) - retention_days * 86400
    removed = 0
    for run in root.glob("*/*/*"):
        try:
            if run.is_dir() and run.stat().st_mtime < cutoff:
                shutil.rmtree(run)
                removed += 1
        except OSError as exc:
            log.warning("cannot remove %s: %s", run, exc)
    for folder in [*root.glob("*/*"), *root.glob("*")]:
        try:
            if folder.is_dir() and not any(folder.iterdir()):
                folder.rmdir()
        except OSError:
            pass
    return removed
