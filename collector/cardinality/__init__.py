"""Bounded cardinality (docs/collector.md, "Cardinality caps"): per site and UTC day, only
so many distinct values of each page-written dimension the rollups group by (page groups,
server-timing names, tag keys and values, releases, attribution targets, script URLs, error
groups) are stored; a new value past its cap is stored as `(other)`. The caps hold across
collector processes: what is admitted lives in Redis (admission.py), each process remembers
it (cache.py), and the fold stage (fold.py) rewrites beacons and server-timing rows between
enrichment and the appender."""

from __future__ import annotations

from typing import Final, Literal

OTHER: Final = "(other)"
DAY_MS: Final = 86_400_000

Kind = Literal["page_group", "server_timing_name", "tag_key", "tag_value", "release",
               "target", "script", "error_group"]
KINDS: tuple[Kind, ...] = ("page_group", "server_timing_name", "tag_key", "tag_value",
                           "release", "target", "script", "error_group")
