"""Batches sized in bytes as well as entries. Redis cannot be asked for "entries up to N
bytes", so each read asks for as many entries as fit in the bytes left if every one were as
large as a beacon's entry may be (`max_entry_bytes`): a batch stops filling once it passes
`flush_max_bytes`, and passes it by at most one beacon's entry. Server-timing batches (which
need the secret server key) are bounded by their own 1 MiB body, so a read of only those can
pass it by more. Bulk reads keep Redis's time per read short (no server-side loop)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TypeVar

T = TypeVar("T")


def entry_bytes(data: bytes | None) -> int:
    return len(data) if data is not None else 0


def read_count(entries_left: int, bytes_left: int, largest_entry: int) -> int:
    """Entries to ask the next read for."""
    return max(1, min(entries_left, bytes_left // largest_entry))


def batches(entries: list[T], data: Callable[[T], bytes | None], max_entries: int,
            max_bytes: int) -> Iterator[list[T]]:
    """Consecutive batches of at most `max_entries`, each ending with the entry that passes
    `max_bytes` (pending entries replayed after a restart, batched as reads batch them)."""
    batch: list[T] = []
    size = 0
    for entry in entries:
        batch.append(entry)
        size += entry_bytes(data(entry))
        if len(batch) >= max_entries or size >= max_bytes:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch
