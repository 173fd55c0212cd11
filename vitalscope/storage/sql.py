"""Named SQL files with `{name:Type}` server-side parameters. No SQL is built from input.

A piece several queries share is one file of its own, `_<piece>.sql` in the same folder,
which a query takes in with a line `-- include: _<piece>` (the line is replaced by the
file's text, verbatim): the shared SQL stays SQL, with its named parameters, in one place."""

from __future__ import annotations

import re
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable

_INCLUDE = re.compile(r"^[ \t]*-- include: (_[a-z0-9_]+)[ \t]*$", re.MULTILINE)


@cache
def named_query(name: str) -> str:
    """The text of `vitalscope/storage/queries/<name>.sql` (or `<package>/queries/<name>.sql`
    for a dotted name such as `dashboard.overview`), its includes filled in."""
    package, _, base = name.rpartition(".")
    folder = resources.files(f"{package}.queries" if package else "vitalscope.storage.queries")
    return _with_includes(folder, base, ())


def _with_includes(folder: Traversable, base: str, seen: tuple[str, ...]) -> str:
    if base in seen:
        raise ValueError(f"{base}.sql includes itself: {' -> '.join((*seen, base))}")
    text = (folder / f"{base}.sql").read_text(encoding="utf-8")
    return _INCLUDE.sub(
        lambda m: _with_includes(folder, m.group(1), (*seen, base)).rstrip("\n"), text)
