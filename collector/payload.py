"""What one stream entry holds: the site and, per table, its rows already encoded as
ClickHouse `JSONCompactEachRow` lines (one JSON array per row, columns in the order of
collector/tables.py), with the event id of each line. The request path encodes them once in C
(msgspec); the flusher only concatenates bytes, and ClickHouse parses them natively, which
keeps Python out of the per-row work of a batch insert."""

from __future__ import annotations

from collections.abc import Callable
from operator import itemgetter
from typing import Any

import msgspec

from collector.tables import COLUMNS, EVENT_ID_COLUMN, SCOPE_COLUMNS

FORMAT = "JSONCompactEachRow"


class Entry(msgspec.Struct, array_like=True):
    site: str
    tables: dict[str, bytes]
    # Per table, the event id of each line (tables without event ids are absent). Entries
    # queued by a version without it decode with none, and are not deduplicated.
    ids: dict[str, list[str]] = {}
    # Per table, what scopes each line's event id (its page view, ...: tables.SCOPE_COLUMNS).
    # Entries queued by a version without it decode with none: their ids get an empty scope.
    scopes: dict[str, list[str]] = {}


_ROWS = msgspec.json.Encoder()
_ENCODER = msgspec.msgpack.Encoder()
_DECODER = msgspec.msgpack.Decoder(Entry)


# Three-digit milliseconds by table: a `:03d` format spec costs more than the rest of ch_time.
_MILLIS = tuple(f"{ms:03d}" for ms in range(1000))


def ch_time(epoch_ms: int) -> str:
    """A DateTime64(3) value as ClickHouse parses it exactly: seconds.milliseconds."""
    seconds, ms = divmod(epoch_ms, 1000)
    return f"{seconds}.{_MILLIS[ms]}"


def _scope_of(columns: tuple[int, ...]) -> Callable[[list[Any]], str]:
    if len(columns) == 1:  # the page view id: a string already
        return itemgetter(columns[0])
    values = itemgetter(*columns)  # String columns: their values are str already
    return lambda row: "\x1f".join(values(row))


# Per table with event ids, a row's event id and its scope (C getters: these run on every
# row queued).
_ID_AND_SCOPE_OF = {table: (itemgetter(column), _scope_of(SCOPE_COLUMNS[table]))
                    for table, column in EVENT_ID_COLUMN.items()}


def encode_entry(site: str, rows: dict[str, list[list[Any]]], one_scope: bool = False) -> bytes:
    """`one_scope`: all rows of a table share their scope (a beacon's rows share its page
    view), so it is built once per table instead of once per row."""
    tables: dict[str, bytes] = {}
    ids: dict[str, list[str]] = {}
    scopes: dict[str, list[str]] = {}
    for table, table_rows in rows.items():
        tables[table] = _ROWS.encode_lines(table_rows)
        getters = _ID_AND_SCOPE_OF.get(table)
        if getters is not None:
            id_of, scope_of = getters
            ids[table] = list(map(id_of, table_rows))
            scopes[table] = ([scope_of(table_rows[0])] * len(table_rows)
                             if one_scope and table_rows else list(map(scope_of, table_rows)))
    return _ENCODER.encode(Entry(site, tables, ids, scopes))


class BadEntry(ValueError):
    """A stream entry that can never be inserted (it goes to the dead-letter stream)."""


def decode_entry(data: bytes) -> Entry:
    try:
        entry = _DECODER.decode(data)
    except msgspec.DecodeError as exc:
        raise BadEntry(f"undecodable entry: {exc}") from None
    for table, lines in entry.tables.items():
        if table not in COLUMNS:
            raise BadEntry(f"unknown table {table!r}")
        if lines and not lines.endswith(b"\n"):
            raise BadEntry(f"rows of {table} are not newline-terminated")
        ids = entry.ids.get(table)
        rows = lines.count(b"\n")
        if ids is not None and len(ids) != rows:
            raise BadEntry(f"{table}: {len(ids)} event ids for {rows} rows")
        scopes = entry.scopes.get(table)
        if scopes is not None and len(scopes) != rows:
            raise BadEntry(f"{table}: {len(scopes)} event id scopes for {rows} rows")
    return entry


def row_entry(site: str, table: str, line: bytes, event_id: str | None,
              scope: str = "") -> bytes:
    """A stream entry holding one row (a dead letter that can be queued again)."""
    ids = {table: [event_id]} if event_id is not None else {}
    scopes = {table: [scope]} if event_id is not None else {}
    return _ENCODER.encode(Entry(site, {table: line}, ids, scopes))
