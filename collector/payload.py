"""What one stream entry holds: the site and its rows per table, msgpack-encoded."""

from __future__ import annotations

from typing import Any

import msgspec

from collector.tables import COLUMNS


class Entry(msgspec.Struct, array_like=True):
    site: str
    rows: dict[str, list[list[Any]]]


_ENCODER = msgspec.msgpack.Encoder()
_DECODER = msgspec.msgpack.Decoder(Entry)


def encode_entry(site: str, rows: dict[str, list[list[Any]]]) -> bytes:
    return _ENCODER.encode(Entry(site, rows))


class BadEntry(ValueError):
    """A stream entry that can never be inserted (it goes to the dead-letter stream)."""


def decode_entry(data: bytes) -> Entry:
    try:
        entry = _DECODER.decode(data)
    except msgspec.DecodeError as exc:
        raise BadEntry(f"undecodable entry: {exc}") from None
    for table, rows in entry.rows.items():
        columns = COLUMNS.get(table)
        if columns is None:
            raise BadEntry(f"unknown table {table!r}")
        if any(len(row) != len(columns) for row in rows):
            raise BadEntry(f"rows of {table} do not have {len(columns)} columns")
    return entry
