"""Artifact retention: run folders older than the retention go, newer ones stay."""

from __future__ import annotations

import os
import time
from pathlib import Path

from synthetics.artifacts import remove_expired


def test_old_run_folders_are_removed(tmp_path: Path) -> None:
    now = time.time()
    old = tmp_path / "checkout" / "2026-01-01" / "run-old"
    new = tmp_path / "checkout" / "2026-01-20" / "run-new"
    for folder, age_days in ((old, 20), (new, 1)):
        folder.mkdir(parents=True)
        (folder / "attempt-1-failure.png").write_bytes(b"png")
        os.utime(folder, (now - age_days * 86400, now - age_days * 86400))
    assert remove_expired(tmp_path, retention_days=14, now=now) == 1
    assert not old.exists() and not old.parent.exists()  # the empty day folder goes too
    assert (new / "attempt-1-failure.png").exists()
    assert remove_expired(tmp_path / "missing", retention_days=14) == 0
