"""What the enrichment steps work on: one accepted beacon and what is learnt about it."""

from __future__ import annotations

from typing import TYPE_CHECKING

import msgspec

from collector.wire import Beacon, EventKinds
from vitalscope.jserrors.grouping import Grouping
from vitalscope.sites import Site

if TYPE_CHECKING:  # the step's module imports this one
    from collector.enrich.scripts import ScriptSource


# A Struct rather than a dataclass: its constructor runs in C (a dataclass's __init__ is
# Python, ~5k instructions a beacon); it is never encoded or decoded. Nothing in it refers
# back to it, so the garbage collector need not track it either.
class BeaconContext(msgspec.Struct, gc=False):
    site: Site
    beacon: Beacon
    # Its events by kind (wire.EventKinds): a step that drops events keeps it in step.
    kinds: EventKinds
    received_ms: int
    user_agent: str = ""
    headers: dict[bytes, bytes] = {}
    # Given positionally on every beacon (a keyword costs msgspec a lookup by name).
    trusted_peer: bool = False  # the TCP peer is a trusted proxy (its headers are believed)
    # Filled by the enrichment steps.
    offset_ms: float = 0.0
    browser: str = ""
    browser_version: str = ""
    os: str = ""
    device: str = ""
    spider: bool = False
    country: str = ""
    url: str = ""
    page_group: str = ""
    referrer_host: str = ""
    cache_status: dict[str, str] = {}  # server-timing event id -> status
    error_groups: dict[str, Grouping] = {}  # JS error event id -> group
    # vital event id -> the script behind it, scrubbed and classified (enrich/scripts.py)
    scripts: dict[str, ScriptSource] = {}
    dropped_events: int = 0  # events outside the accepted time window (enrich/event_window.py)

    def client_ms(self, value: float) -> int:
        """A client-clock time on the server's clock (skew removed)."""
        return round(value + self.offset_ms)
