"""What a running collector's /metrics says it accepted: the signal tests wait on when the
browser does not report a request (a page being left sends its beacon as it goes)."""

from __future__ import annotations

import re

import httpx

_BEACONS = re.compile(r'^vitalscope_ingest_accepted_total\{endpoint="beacon"\} (\S+)$', re.M)


def accepted_beacons(collector: str) -> int:
    """Beacons the collector at `collector` (its base URL) has durably queued."""
    found = _BEACONS.search(httpx.get(collector + "/metrics", timeout=5).text)
    return int(float(found.group(1))) if found else 0
