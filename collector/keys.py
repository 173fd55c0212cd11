"""Redis keys of the ingest path (every key of Vitalscope starts with `vs:`)."""

from __future__ import annotations

STREAM = "vs:ingest:stream"
STREAM_BYTES = "vs:ingest:stream:bytes"  # bytes of the stream's unacknowledged entries
GROUP = "flushers"
DEAD_LETTERS = "vs:ingest:dead"
DEAD_LETTERS_TRIMMED = "vs:ingest:dead:trimmed"  # "cause:kind" -> dead letters trimmed
BATCHES = "vs:ingest:batches"  # batch id -> entry ids of a batch being inserted
SEEN = "vs:ingest:seen:"  # + window number + ":" + shard: event digest -> batch that stored it
SEEN_WINDOW = "vs:ingest:seen-window"  # current window: number, start, events claimed
SITE_BUCKET = "vs:rl:site:"
CLIENT_BUCKET = "vs:rl:ip:"  # + keyed hash of the client (collector/client_identity.py)
CLIENT_DAY_KEY = "vs:rl:daykey:"  # + UTC day number: that day's random bucket-hash key


def site_generation(site: str) -> str:
    return f"vs:site:{site}:generation"


def cardinality_set(site: str, kind: str, day: int) -> str:
    """The values of one kind (page group, server-timing name, ...) admitted for a site on
    one UTC day (days since the epoch)."""
    return f"vs:card:{site}:{kind}:{day}"
