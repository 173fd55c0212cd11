"""Event times within a window around the receive time: a beacon is one page view's recent
events, and raw tables are partitioned by day, so a beacon whose events spread over many
days would make an insert touch too many partitions (ClickHouse refuses it, and the batch
with it). Events outside the window are dropped and counted; the rest of the beacon is kept.

A beacon whose page view (`st`) is outside the window is dropped whole: its page view row
is keyed by its start, so clamping the start would store a new row per beacon, and a page
view that started more than the window ago was recorded by its first beacon."""

from __future__ import annotations

from collector.context import BeaconContext
from collector.wire import Event

OUT_OF_WINDOW = "out_of_window"


class EventWindow:
    def __init__(self, max_age_s: float, max_ahead_s: float) -> None:
        self.max_age_ms = max_age_s * 1000
        self.max_ahead_ms = max_ahead_s * 1000

    def bounds(self, received_ms: int) -> tuple[float, float]:
        """Earliest and latest accepted event time, on the server's clock."""
        return received_ms - self.max_age_ms, received_ms + self.max_ahead_ms

    def __call__(self, context: BeaconContext) -> str | None:
        beacon = context.beacon
        # bounds() inlined (this runs on every beacon), then on the client's clock, so events
        # are compared as sent (skew already measured).
        received, offset = context.received_ms, context.offset_ms
        earliest = received - self.max_age_ms - offset
        latest = received + self.max_ahead_ms - offset
        if not earliest <= beacon.st <= latest:
            context.dropped_events = len(beacon.e)
            return OUT_OF_WINDOW
        for event in beacon.e:
            if not earliest <= event.ts <= latest:
                break
        else:
            return None

        def within(event: Event) -> bool:
            return earliest <= event.ts <= latest

        kept = [event for event in beacon.e if within(event)]
        context.dropped_events = len(beacon.e) - len(kept)
        beacon.e = kept
        context.kinds = context.kinds.only(within)
        return None
