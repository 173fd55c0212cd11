"""What an alert on a JS error group carries besides its numbers: the link to the group on
the dashboard's Errors page and the group's top frame, symbolicated with the release's
source maps where they exist (vitalscope/sourcemaps). Added to the active observations of
every kind that alerts per group (a `fingerprint` label) after evaluation.

Bounded per evaluation: one query for the newest sample stack of every group alerted on,
then at most MAX_SYMBOLICATED groups symbolicated (each reads the maps of its stack's
scripts; parsed maps stay in the symbolicator's LRU cache between evaluations). Groups past
the bound carry the minified frame and `sourcemap: "skipped"`."""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlencode

from alerting.evaluators.common import Queries, ms
from alerting.model import Observation
from vitalscope.config.sourcemaps import SourcemapSettings
from vitalscope.sourcemaps.store import SourcemapStore
from vitalscope.sourcemaps.symbolicate import Symbolicator

log = logging.getLogger("vitalscope.alerting")

MAX_SYMBOLICATED = 20
# The dashboard's Errors page (dashboard/web: the shell is mounted at /dashboard).
ERRORS_PAGE = "/dashboard/errors"


def group_url(public_url: str, site: str, fingerprint: str) -> str:
    """The group's detail on the Errors page, under the server's public URL (the address
    browsers reach it at, `public_url`)."""
    query = urlencode({"site": site, "group": fingerprint})  # the page keeps its detail in `group`
    return f"{public_url.rstrip('/')}{ERRORS_PAGE}?{query}"


def _top(symbolicated: dict[str, Any]) -> dict[str, Any] | None:
    """The innermost frame of the page's own code (else the innermost frame)."""
    frames: list[dict[str, Any]] = symbolicated["frames"]
    return next((f for f in frames if f["in_app"]), frames[0] if frames else None)


class ErrorGroupNotes:
    def __init__(self, public_url: str, sourcemaps: SourcemapSettings,
                 cluster: str | None = None) -> None:
        self.public_url = public_url
        self.sourcemaps = sourcemaps
        self.cluster = cluster
        self.symbolicator = Symbolicator(sourcemaps.cache_entries)

    def annotate(self, queries: Queries, observations: list[Observation], now: float) -> None:
        groups = [o for o in observations if o.active and "fingerprint" in o.extra_labels]
        for obs in groups:
            obs.details["group_url"] = group_url(self.public_url, str(obs.rule.site),
                                                 obs.extra_labels["fingerprint"])
            obs.details.update(frame=None, original_frame=None, sourcemap="skipped",
                               sourcemap_note=f"more than {MAX_SYMBOLICATED} error groups in "
                               "this evaluation: frame not looked up")
        picked = groups[:MAX_SYMBOLICATED]
        if not picked:
            return
        rows = queries.rows("error_samples_latest", {
            "sites": [str(o.rule.site) for o in picked],
            "fingerprints": [int(o.extra_labels["fingerprint"]) for o in picked],
            "now_ms": ms(now), "from_ms": ms(now - max(o.rule.window for o in picked))})
        samples = {(str(site), str(fp)): (str(stack), str(release))
                   for site, fp, stack, release in rows}
        store = SourcemapStore(queries.client, self.sourcemaps, self.cluster)
        for obs in picked:
            site = str(obs.rule.site)
            stack, release = samples.get((site, obs.extra_labels["fingerprint"]), ("", ""))
            try:
                symbolicated = self.symbolicator.stack(store, site, release, stack)
            except Exception as exc:
                # The alert goes out with the minified frame rather than not at all.
                log.warning("symbolicating the top frame of error group %s of %s failed: %s",
                            obs.extra_labels["fingerprint"], site, type(exc).__name__)
                obs.details.update(sourcemap="failed", sourcemap_note="symbolication failed")
                continue
            top = _top(symbolicated)
            obs.details.update(
                frame=None if top is None else {k: top[k] for k in ("function", "url", "line",
                                                                    "column")},
                original_frame=None if top is None else top["original"],
                sample_release=release,
                sourcemap=symbolicated["sourcemap"], sourcemap_note=symbolicated["note"])
