"""Year-long, immutable browser caching for the dashboard's versioned files: Dash's
fingerprinted component bundles (their URL changes with the package version) and files whose
URL carries a version or modification time (`?v=`, `?m=`: the favicon and our stylesheets).
Dash itself sends such bundles with `max-age` alone, which browsers revalidate on reload."""

from __future__ import annotations

import re

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from dashboard.web.plotly_bundle import IMMUTABLE

_VERSIONED_QUERY = re.compile(rb"(^|&)[vm]=[^&]+")
_FINGERPRINT = re.compile(r"\.v[0-9a-z_]+m[0-9]+\.")


def versioned(path: str, query: bytes) -> bool:
    return bool(_FINGERPRINT.search(path)) or bool(_VERSIONED_QUERY.search(query))


class ImmutableAssets:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not versioned(scope["path"], scope["query_string"]):
            await self.app(scope, receive, send)
            return

        async def send_cached(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] == 200:
                MutableHeaders(scope=message)["cache-control"] = IMMUTABLE
            await send(message)

        await self.app(scope, receive, send_cached)
