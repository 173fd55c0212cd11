"""What a running collector's /metrics says: a sample by name and labels, and the count of
accepted beacons, the signal tests wait on when the browser does not report a request (a
page being left sends its beacon as it goes)."""

from __future__ import annotations

import re

import httpx


def metric_value(text: str, name: str, **labels: str) -> float:
    """A sample of a /metrics answer; 0 when absent."""
    for line in text.splitlines():
        if line.startswith((name + "{", name + " ")):
            found = dict(re.findall(r'(\w+)="([^"]*)"', line.split(" ")[0]))
            if all(found.get(k) == v for k, v in labels.items()):
                return float(line.rsplit(" ", 1)[1])
    return 0.0


def accepted_beacons(collector: str) -> int:
    """Beacons the collector at `collector` (its base URL) has durably queued."""
    text = httpx.get(collector + "/metrics", timeout=5).text
    return int(metric_value(text, "vitalscope_ingest_accepted_total", endpoint="beacon"))
