"""Shared SQL is one file (`_<piece>.sql`) that queries take in with `-- include: _<piece>`:
the pieces are filled in, each is shared, and a missing or circular one is refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from vitalscope.storage.sql import _with_includes, named_query

ROOT = Path(__file__).resolve().parents[3]
FOLDERS = [ROOT / "alerting" / "queries", ROOT / "dashboard" / "queries",
           ROOT / "synthetics" / "queries", ROOT / "vitalscope" / "storage" / "queries"]


def test_includes_are_filled_in() -> None:
    windows = named_query("alerting.vitals_windows")
    causes = named_query("alerting.vitals_causes")
    assert "-- include:" not in windows and "-- include:" not in causes
    sides = (ROOT / "alerting" / "queries" / "_vitals_sides.sql").read_text()
    assert sides.rstrip("\n") in windows and sides.rstrip("\n") in causes


def test_every_piece_is_shared() -> None:
    for folder in (f for f in FOLDERS if f.is_dir()):
        queries = {p.stem: p.read_text() for p in folder.glob("*.sql")}
        for piece in (name for name in queries if name.startswith("_")):
            users = [n for n, text in queries.items() if f"-- include: {piece}\n" in text]
            assert len(users) >= 2, (folder.name, piece, users)


def test_a_missing_or_circular_piece_is_refused(tmp_path: Path) -> None:
    (tmp_path / "q.sql").write_text("SELECT 1\n-- include: _gone\n")
    with pytest.raises(FileNotFoundError):
        _with_includes(tmp_path, "q", ())
    (tmp_path / "_a.sql").write_text("-- include: _b\n")
    (tmp_path / "_b.sql").write_text("-- include: _a\n")
    (tmp_path / "r.sql").write_text("-- include: _a\n")
    with pytest.raises(ValueError, match="includes itself"):
        _with_includes(tmp_path, "r", ())
