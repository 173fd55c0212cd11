"""The script behind a slow interaction (INP's `scr` attribution): its URL scrubbed like page
URLs, its host, and whose it is. First party: the host of one of the site's origins or a
subdomain of it; a site without origins is judged by its page's host. Third party: any other
host. No URL (or one without a host): unknown, an empty party."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from collector.context import BeaconContext
from collector.enrich.urls import UrlNormaliser, host_of

FIRST_PARTY = "first"
THIRD_PARTY = "third"
HOST_MAX = 256


@dataclass(frozen=True, slots=True)
class ScriptSource:
    url: str
    host: str
    party: str  # FIRST_PARTY, THIRD_PARTY or "" (unknown)


def _host(url: str) -> str:
    return host_of(url, HOST_MAX)


@lru_cache(maxsize=1024)
def origin_hosts(origins: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(h for h in (_host(o) for o in origins) if h)


def party(host: str, own: tuple[str, ...]) -> str:
    if not host or not own:
        return ""
    if any(host == o or host.endswith("." + o) for o in own):
        return FIRST_PARTY
    return THIRD_PARTY


class ScriptParty:
    def __init__(self, urls: UrlNormaliser) -> None:
        self.urls = urls

    def scrub(self, url: str) -> str:
        """http(s) URLs as page URLs are scrubbed; others (`blob:`, an extension's scheme)
        lose their query and fragment, which is where tokens travel."""
        scrubbed = self.urls.scrub(url)[0]
        if scrubbed:
            return scrubbed
        return url.split("?", 1)[0].split("#", 1)[0]

    def __call__(self, context: BeaconContext) -> str | None:
        own: tuple[str, ...] | None = None
        for event in context.kinds.attributed:
            script = event.a.scr if event.a is not None else None
            if script is None:
                continue
            raw = script.url
            if not raw:
                continue
            if own is None:
                own = origin_hosts(context.site.origins) or origin_hosts((context.url,))
            url = self.scrub(raw)
            host = _host(url)
            context.scripts[event.id] = ScriptSource(url, host, party(host, own))
        return None
