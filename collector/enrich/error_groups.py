"""Error grouping at ingest: each JS error of the beacon gets its fingerprint, normalised
message and top frame (vitalscope/jserrors/grouping.py), stored with the occurrence so the
rollups group by it."""

from __future__ import annotations

from functools import lru_cache

from collector.context import BeaconContext
from vitalscope.jserrors.grouping import Grouping, group

# One error repeats across page views with the same text: parsing it once per process is
# enough. Keys are at most ~6 KiB (message, stack and source caps), so ~6 MiB at most.
_group = lru_cache(maxsize=1024)(group)


def group_errors(context: BeaconContext) -> str | None:
    for event in context.kinds.errors:
        context.error_groups[event.id] = _group(
            event.type or "Error", event.msg, event.stack or "", event.src or "")
    return None


__all__ = ["Grouping", "group_errors"]
