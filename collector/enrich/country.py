"""Country from a header set by a trusted proxy (CDN or load balancer; only believed when the
TCP peer is one of `trusted_proxies`), never from the IP: the collector has no IP database
and stores no IP."""

from __future__ import annotations

import re

from collector.context import BeaconContext

_COUNTRY = re.compile(rb"^[A-Za-z]{2}$")


class CountryFromHeader:
    def __init__(self, header: str | None) -> None:
        self.header = header.lower().encode() if header else None

    def __call__(self, context: BeaconContext) -> str | None:
        if self.header is None or not context.trusted_peer:  # anyone can send the header
            return None
        value = context.headers.get(self.header, b"").strip()
        # XX/T1 are what proxies send for unknown/Tor; they carry no country.
        if _COUNTRY.match(value) and value.upper() not in (b"XX", b"T1"):
            context.country = value.decode().upper()
        return None
