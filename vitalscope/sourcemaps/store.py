"""Source-map files in ClickHouse (`sourcemap_files`, 0051_sourcemaps.sql), compressed by
the writer, so every role reads what any role wrote."""

from __future__ import annotations

import hashlib
import zlib
from datetime import UTC, datetime
from typing import Any

from clickhouse_connect.driver.client import Client

from vitalscope.config.sourcemaps import SourcemapSettings
from vitalscope.sourcemaps.checks import (
    BadSourcemap,
    Kind,
    check_file,
    check_release,
    check_url,
)
from vitalscope.storage.cluster import insert_table
from vitalscope.storage.sql import named_query

COLUMNS = ("site", "release", "url", "kind", "size", "sha256", "body", "uploaded_at")


class ReleaseFull(BadSourcemap):
    pass


class SourcemapStore:
    def __init__(self, client: Client, settings: SourcemapSettings,
                 cluster: str | None = None) -> None:
        self.client = client
        self.settings = settings
        self.cluster = cluster

    def put(self, site: str, release: str, url: str, kind: Kind, data: bytes) -> dict[str, Any]:
        """Checks and stores one file (replacing the same file of the release)."""
        check_release(release)
        check_url(url)
        check_file(kind, data, self.settings.max_file_bytes)
        held = self.client.query(named_query("vitalscope.sourcemaps.sourcemap_count"),
                                 parameters={"site": site, "release": release, "url": url,
                                             "kind": kind}).result_rows[0][0]
        if held >= self.settings.max_release_files:
            raise ReleaseFull(f"release {release} already holds {held} files "
                              "(sourcemaps.max_release_files)")
        digest = hashlib.sha256(data).hexdigest()
        row = [site, release, url, kind, len(data), digest, zlib.compress(data, 6),
               datetime.now(UTC)]
        # The content names the write: a retried upload of the same bytes is stored once.
        self.client.insert(insert_table("sourcemap_files", self.cluster), [row],
                           column_names=COLUMNS, settings={
                               "insert_deduplication_token": f"{site}\x1f{release}\x1f{url}"
                                                             f"\x1f{kind}\x1f{digest}"})
        return {"site": site, "release": release, "url": url, "kind": kind,
                "size": len(data), "sha256": digest}

    def files(self, site: str, release: str, limit: int = 10_000) -> list[dict[str, Any]]:
        result = self.client.query(named_query("vitalscope.sourcemaps.sourcemap_list"),
                                   parameters={"site": site, "release": release,
                                               "limit": limit})
        return [{"url": url, "kind": kind, "size": size, "sha256": sha,
                 "uploaded_at": at.strftime("%Y-%m-%dT%H:%M:%S.%fZ")[:-4] + "Z"}
                for url, kind, size, sha, at in result.result_rows]

    def load(self, site: str, release: str, urls: list[str]) -> dict[str, bytes]:
        """{kind: bytes} of the first of `urls` (candidates for one script) that has a map."""
        result = self.client.query(
            named_query("vitalscope.sourcemaps.sourcemap_lookup"),
            parameters={"site": site, "release": release, "urls": urls},
            column_formats={"body": "bytes"})
        by_url: dict[str, dict[str, bytes]] = {}
        for url, kind, body in result.result_rows:
            by_url.setdefault(url, {})[kind] = body
        for url in urls:
            files = by_url.get(url, {})
            if "map" in files:
                return {kind: zlib.decompress(body) for kind, body in files.items()}
        return {}
