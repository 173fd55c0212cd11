"""URL normalisation: query and fragment stripped unless allow-listed (they carry tokens and
e-mail addresses), host lower-cased, page group from the beacon or the grouping rules."""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from collector.context import BeaconContext
from vitalscope.config.collector import PageGroupRule

# Path segments that are ids rather than routes: numbers, UUIDs, long hex or base64-ish ids.
_ID_SEGMENT = re.compile(
    r"^(?:\d+|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
    r"|[0-9a-fA-F]{16,}|(?=[A-Za-z0-9_-]*\d)[A-Za-z0-9_-]{20,})$"
)


def default_group(path: str) -> str:
    segments = [":id" if _ID_SEGMENT.match(s) else s for s in path.split("/")]
    return "/".join(segments)[:256] or "/"


class UrlNormaliser:
    def __init__(self, allowlist: list[str], rules: list[PageGroupRule]) -> None:
        self.allowlist = frozenset(allowlist)
        self.rules = [(re.compile(rule.pattern), rule.group) for rule in rules]
        self.scrub = lru_cache(maxsize=8192)(self._scrub)

    def _scrub(self, url: str) -> tuple[str, str]:
        """(normalised URL, path) of an absolute http(s) URL; ("", "") when unparsable."""
        try:
            parts = urlsplit(url)
            host = (parts.hostname or "").lower()
            port = parts.port
        except ValueError:
            return "", ""
        if parts.scheme.lower() not in ("http", "https") or not host:
            return "", ""
        netloc = host + (f":{port}" if port else "")
        query = ""
        if self.allowlist and parts.query:
            kept = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
                    if k in self.allowlist]
            query = urlencode(kept)
        path = parts.path or "/"
        return urlunsplit((parts.scheme.lower(), netloc, path, query, "")), path

    def group(self, path: str) -> str:
        for pattern, group in self.rules:
            if pattern.search(path):
                return group
        return default_group(path)

    def __call__(self, context: BeaconContext) -> str | None:
        beacon = context.beacon
        context.url, path = self.scrub(beacon.url)
        if not context.url:
            return "bad_url"
        context.page_group = beacon.grp or self.group(path)
        if beacon.ref:
            try:
                context.referrer_host = (urlsplit(beacon.ref).hostname or "").lower()[:256]
            except ValueError:
                context.referrer_host = ""
        return None
