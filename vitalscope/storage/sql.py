"""Named SQL files with `{name:Type}` server-side parameters. No SQL is built from input."""

from __future__ import annotations

from functools import cache
from importlib import resources


@cache
def named_query(name: str) -> str:
    """The text of `vitalscope/storage/queries/<name>.sql` (or `<package>/queries/<name>.sql`
    for a dotted name such as `dashboard.overview`)."""
    package, _, base = name.rpartition(".")
    folder = resources.files(f"{package}.queries" if package else "vitalscope.storage.queries")
    return (folder / f"{base}.sql").read_text(encoding="utf-8")
