"""The bound on what one accepted beacon costs Redis. Rows repeat the page's context (URL,
page group, tags, release) on every event, so a small, well-compressed beacon can become a
stream entry thousands of times its size; past `max_entry_bytes` it is refused (413) rather
than stored, and the answer names the limit and what makes an entry large.

Two checks: before the rows are built, a floor of their size (the context strings every vital
row repeats), so a beacon that cannot fit costs no megabytes of rows in this process; after
encoding, the exact size."""

from __future__ import annotations

from collector.context import BeaconContext
from collector.errors import IngestError
from collector.wire import Vital


def _too_large(size: int, limit: int, at_least: bool = False) -> IngestError:
    return IngestError(
        413, "entry_too_large",
        f"the beacon's rows take {'at least ' if at_least else ''}{size} bytes, more than "
        f"collector.max_entry_bytes ({limit}): every event repeats the page's URL, page group "
        "and tags, so send fewer events per beacon or shorter tags and URLs", "$.e")


def check_context_size(ctx: BeaconContext, limit: int) -> None:
    beacon = ctx.beacon
    per_row = len(ctx.url) + len(ctx.page_group) + len(beacon.rel or "")
    if beacon.tags:
        per_row += sum(len(key) + len(value) for key, value in beacon.tags.items())
    if per_row * len(beacon.e) <= limit:  # the common case: no need to count vitals
        return
    floor = per_row * sum(1 for event in beacon.e if type(event) is Vital)
    if floor > limit:
        raise _too_large(floor, limit, at_least=True)


def check_entry_size(payload: bytes, limit: int) -> bytes:
    if len(payload) > limit:
        raise _too_large(len(payload), limit)
    return payload
