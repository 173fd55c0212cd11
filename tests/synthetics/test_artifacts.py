"""Artifact retention: run folders older than the retention go, newer ones stay."""

from __future__ import annotations

import os
import time
from pathlib import Path

from synthetics.artifacts import artifact_file, remove_expired


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


def test_stored_artifact_paths_resolve_only_inside_the_artifacts_folder(tmp_path: Path) -> None:
    root = tmp_path / "artifacts" / "synthetics"
    shot = root / "checkout" / "2026-01-20" / "run" / "attempt-1-failure.png"
    shot.parent.mkdir(parents=True)
    shot.write_bytes(b"png")
    (tmp_path / "secret").write_text("no")
    assert artifact_file(root, "synthetics/checkout/2026-01-20/run/attempt-1-failure.png") == \
        shot.resolve()
    assert artifact_file(root, "synthetics/../../secret") is None
    assert artifact_file(root, "/etc/passwd") is None
    assert artifact_file(root, "synthetics/checkout/missing.png") is None
    assert artifact_file(root, "") is None
