"""The bound on what one accepted beacon costs Redis. Rows repeat the page's context (URL,
page group, tags, release) on every event, so a small, well-compressed beacon can become a
stream entry thousands of times its size; past `max_entry_bytes` it is refused (413) rather
than stored, and the answer names the limit and what makes an entry large."""

from __future__ import annotations

from collector.errors import IngestError


def check_entry_size(payload: bytes, limit: int) -> bytes:
    if len(payload) > limit:
        raise IngestError(
            413, "entry_too_large",
            f"the beacon's rows take {len(payload)} bytes, more than collector.max_entry_bytes "
            f"({limit}): every event repeats the page's URL, page group and tags, so send "
            "fewer events per beacon or shorter tags and URLs", "$.e")
    return payload
