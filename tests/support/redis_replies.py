"""Exact types for what the tests read back from Redis.

redis-py types one reply for every kind of client: `bytes | str` (it cannot know that our
clients leave `decode_responses` off) and `... | None` for stream ranges (the sync client
never returns None there). These readers check what the tests' clients really return, so
a test reads plain bytes, and fails here if that ever stops being true."""

from __future__ import annotations

import redis


def as_bytes(value: object) -> bytes:
    assert isinstance(value, bytes), f"expected bytes from Redis, got {value!r}"
    return value


def stream(client: redis.Redis, key: bytes | str) -> list[tuple[bytes, dict[bytes, bytes]]]:
    """Every entry of a stream, oldest first, as (id, fields)."""
    entries = client.xrange(key)
    assert entries is not None
    out: list[tuple[bytes, dict[bytes, bytes]]] = []
    for ident, fields in entries:
        assert ident is not None and fields is not None
        out.append((as_bytes(ident),
                    {as_bytes(field): as_bytes(value) for field, value in fields.items()}))
    return out
