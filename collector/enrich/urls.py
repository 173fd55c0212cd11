"""URL normalisation: query and fragment stripped unless allow-listed (they carry tokens and
e-mail addresses), host lower-cased, page group from the beacon or the grouping rules."""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import SplitResult, parse_qsl, urlencode, urlsplit, urlunsplit

from collector.context import BeaconContext
from vitalscope.config.collector import PageGroupRule

# Path segments that are ids rather than routes: numbers, UUIDs, long hex or base64-ish ids.
_ID_SEGMENT = re.compile(
    r"^(?:\d+|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
    r"|[0-9a-fA-F]{16,}|(?=[A-Za-z0-9_-]*\d)[A-Za-z0-9_-]{20,})$"
)


# The schemes whose URLs read a backslash as a slash (WHATWG URL, "special schemes").
_SPECIAL_SCHEMES = frozenset({"http", "https", "ws", "wss", "ftp", "file"})


def split_url(url: str) -> SplitResult:
    """`urlsplit` as a browser reads an http(s) URL (WHATWG URL): a backslash before the
    query is a slash, so `https://shop.example\\@evil.example/` is a page of shop.example,
    where `urlsplit` alone would take evil.example for its host. Raises ValueError as
    `urlsplit` does."""
    end = min((i for i in (url.find("?"), url.find("#")) if i >= 0), default=len(url))
    if "\\" in url[:end] and url.partition(":")[0].strip().lower() in _SPECIAL_SCHEMES:
        url = url[:end].replace("\\", "/") + url[end:]
    return urlsplit(url)


def host_of(url: str, limit: int = 256) -> str:
    """The lower-cased host of a URL, "" when it has none or is unparsable."""
    try:
        return (split_url(url).hostname or "").lower()[:limit]
    except ValueError:
        return ""


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
            parts = split_url(url)
            host = (parts.hostname or "").lower()
            port = parts.port
        except ValueError:
            return "", ""
        if parts.scheme.lower() not in ("http", "https") or not host:
            return "", ""
        scheme = parts.scheme.lower()
        default_port = 443 if scheme == "https" else 80
        # Rebuilt from host and port only: user:password@ never reaches storage.
        netloc = (f"[{host}]" if ":" in host else host) + (
            f":{port}" if port and port != default_port else "")
        query = ""
        if self.allowlist and parts.query:
            kept = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
                    if k in self.allowlist]
            query = urlencode(kept)
        path = parts.path or "/"
        return urlunsplit((scheme, netloc, path, query, "")), path

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
            context.referrer_host = host_of(beacon.ref)
        return None
