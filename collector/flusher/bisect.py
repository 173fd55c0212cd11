"""Finding the rows ClickHouse refuses: a table's rows of a batch are split in halves by row
range until every range either lands or is a single refused row (a dead letter).

One bad row among n costs about 2·log2(n) inserts, not n. Rows that are refused only
together (a block spanning more partitions than max_partitions_per_insert_block) land once
their ranges are small enough. Each range is inserted with a token derived from (batch,
table, range), and every range that is split is recorded in the manifest first: a replay
after a crash walks the same ranges with the same tokens, so a range that landed before the
crash is deduplicated by ClickHouse and nothing is stored twice."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from collector.flusher.manifest import Manifest


@dataclass(slots=True)
class Part:
    """One stream entry's rows of one table."""

    entry_id: str
    site: str
    lines: bytes  # JSONCompactEachRow, newline-terminated
    ids: list[str] | None  # event id per line, when the table has them
    scopes: list[str] | None = None  # what scopes each event id (tables.SCOPE_COLUMNS)


@dataclass(slots=True)
class Refused:
    """A row ClickHouse refused on its own."""

    entry_id: str
    site: str
    line: bytes
    event_id: str | None
    reason: str
    scope: str = ""


# Inserts (data, token): None when stored, else why ClickHouse refused the rows (an outage
# is retried inside, never returned).
Attempt = Callable[[bytes, str], Awaitable[str | None]]


def token(batch_id: str, table: str, start: int, end: int, rows: int) -> str:
    # The whole table keeps the token of earlier versions, so their manifests replay alike.
    if (start, end) == (0, rows):
        return f"{batch_id}:{table}"
    return f"{batch_id}:{table}:{start}-{end}"


def _rows(parts: list[Part]) -> tuple[list[bytes], list[tuple[Part, int]]]:
    lines: list[bytes] = []
    owners: list[tuple[Part, int]] = []
    for part in parts:
        for index, line in enumerate(part.lines.split(b"\n")[:-1]):
            lines.append(line + b"\n")
            owners.append((part, index))
    return lines, owners


async def insert_table(manifest: Manifest, table: str, parts: list[Part], attempt: Attempt,
                       record: Callable[[], Awaitable[None]],
                       landed: Callable[[], None]) -> list[Refused]:
    """Inserts every row of `parts` it can; returns the rows refused one by one.

    `record` saves the manifest (called after a range is marked split, before its halves
    are tried); `landed` is called after each range below the whole table is stored."""
    whole = b"".join(part.lines for part in parts)
    rows = whole.count(b"\n")
    if rows == 0:
        return []
    if not manifest.was_split(table, 0, rows):
        why = await attempt(whole, token(manifest.batch_id, table, 0, rows, rows))
        if why is None:
            return []
        if rows == 1:
            return [_refused((parts[0], 0), whole, why)]
        manifest.ranges.setdefault(table, []).append((0, rows))
        await record()
    lines, owners = _rows(parts)
    refused: list[Refused] = []
    todo = [(rows // 2, rows), (0, rows // 2)]  # a stack: the first half goes first
    while todo:
        start, end = todo.pop()
        middle = (start + end) // 2
        if manifest.was_split(table, start, end):
            todo += [(middle, end), (start, middle)]
            continue
        why = await attempt(b"".join(lines[start:end]),
                            token(manifest.batch_id, table, start, end, rows))
        if why is None:
            landed()
        elif end - start == 1:
            refused.append(_refused(owners[start], lines[start], why))
        else:
            manifest.ranges.setdefault(table, []).append((start, end))
            await record()
            todo += [(middle, end), (start, middle)]
    return refused


def _refused(owner: tuple[Part, int], line: bytes, why: str) -> Refused:
    part, index = owner
    event_id = part.ids[index] if part.ids is not None else None
    scope = part.scopes[index] if part.scopes else ""
    return Refused(part.entry_id, part.site, line, event_id, why, scope)
