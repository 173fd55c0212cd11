"""Body of `POST /v1/server-timings` (docs/server-timings-api.md): backends reporting their
own per-request timings and cache hits/misses, in batches."""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec
from msgspec import Meta

from collector.wire import END, Duration, EpochMs, EventId, Id, Url, Version

CacheStatus = Literal["hit", "miss", "stale", "bypass", "expired", "revalidated", "dynamic"]
MAX_TIMINGS = 1000


class BackendTiming(msgspec.Struct, forbid_unknown_fields=True, omit_defaults=True):
    """One server-timing measurement of one request."""

    id: EventId
    ts: EpochMs
    n: Annotated[str, Meta(min_length=1, max_length=64)]
    dur: Duration = 0.0
    desc: Annotated[str, Meta(max_length=256)] | None = None
    cache: CacheStatus | None = None
    url: Url | None = None
    grp: Annotated[str, Meta(max_length=256)] | None = None
    req: Annotated[str, Meta(max_length=128)] | None = None
    code: Annotated[float, Meta(ge=100, le=599, multiple_of=1)] | None = None
    pv: Id | None = None


class ServerTimingsBatch(msgspec.Struct, forbid_unknown_fields=True, omit_defaults=True):
    """A batch of backend timings; `source` names the reporting service."""

    v: Version
    e: Annotated[list[BackendTiming], Meta(min_length=1, max_length=MAX_TIMINGS)]
    source: Annotated[str, Meta(min_length=1, max_length=64,
                                pattern=r"^[A-Za-z0-9_.:-]+" + END)] = "server"
    rel: Annotated[str, Meta(max_length=128)] | None = None


SERVER_TIMINGS_DECODER = msgspec.json.Decoder(ServerTimingsBatch)
