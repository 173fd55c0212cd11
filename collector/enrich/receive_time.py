"""Server receive time and client clock skew: client times are shifted by (receive time -
`sent`), so a phone whose clock is an hour off still lands its vitals at the right minute."""

from __future__ import annotations

from collector.context import BeaconContext

# Below this the difference is network transit plus a clock that is near enough for
# per-minute rollups; not correcting it keeps a page view's start identical across its
# beacons (it is part of the page_views key), which transit jitter would otherwise break.
TOLERATED_SKEW_MS = 10_000


def correct_clock_skew(context: BeaconContext) -> str | None:
    skew = context.received_ms - context.beacon.sent
    # Whole seconds: beacons of one page view sent seconds apart get the same correction.
    context.offset_ms = 0.0 if abs(skew) < TOLERATED_SKEW_MS else round(skew / 1000) * 1000.0
    return None
