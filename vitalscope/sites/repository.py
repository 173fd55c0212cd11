"""Sites in ClickHouse (the `sites` table), the one place every process reads them from."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

from clickhouse_connect.driver.client import Client

from vitalscope.config.sites import SiteConfig, check_site_name, normalise_origin
from vitalscope.sites.model import (
    Site,
    SiteCredentials,
    hash_server_key,
    new_public_key,
    new_server_key,
)
from vitalscope.storage.cluster import insert_table
from vitalscope.storage.sql import named_query

_COLUMNS = ["name", "public_key", "server_key_hash", "origins", "enabled", "created_at",
            "updated_at"]


class SiteExists(Exception):
    def __init__(self, name: str) -> None:
        super().__init__(f"site {name!r} already exists")


def _site(row: Sequence[Any]) -> Site:
    name, public_key, server_key_hash, origins, enabled, created_at, updated_at = row
    return Site(name, public_key, server_key_hash, tuple(origins), bool(enabled), created_at,
                updated_at)


class SiteRepository:
    def __init__(self, client: Client, cluster: str | None = None) -> None:
        self.client = client
        self.table = insert_table("sites", cluster)

    def all(self) -> list[Site]:
        return [_site(r) for r in self.client.query(named_query("sites_list")).result_rows]

    def get(self, name: str) -> Site | None:
        rows = self.client.query(named_query("sites_get"), parameters={"name": name}).result_rows
        return _site(rows[0]) if rows else None

    def _write(self, site: Site) -> None:
        now = datetime.now(UTC)
        self.client.insert(self.table, [[
            site.name, site.public_key, site.server_key_hash, list(site.origins), site.enabled,
            site.created_at or now, now,
        ]], column_names=_COLUMNS)

    def add(self, name: str, origins: Iterable[str] = ()) -> SiteCredentials:
        """A new site with fresh keys. Raises ValueError for a bad name/origin, SiteExists."""
        check_site_name(name)
        clean = tuple(dict.fromkeys(normalise_origin(o) for o in origins))
        if self.get(name) is not None:
            raise SiteExists(name)
        key, server_key = new_public_key(), new_server_key()
        self._write(Site(name, key, hash_server_key(server_key), clean))
        return SiteCredentials(name, key, server_key)

    def sync_declared(self, declared: Iterable[SiteConfig]) -> list[SiteCredentials]:
        """Makes the sites of the YAML file exist as declared. Returns credentials of sites
        created now (their generated server key is shown once)."""
        created: list[SiteCredentials] = []
        for config in declared:
            current = self.get(config.name)
            server_key = config.server_key.get_secret_value() if config.server_key else None
            if current is None:
                key = config.key or new_public_key()
                fresh_server_key = server_key or new_server_key()
                self._write(Site(config.name, key, hash_server_key(fresh_server_key),
                                 tuple(config.origins), config.enabled))
                created.append(SiteCredentials(
                    config.name, key, None if server_key else fresh_server_key))
                continue
            wanted = Site(
                config.name,
                config.key or current.public_key,
                hash_server_key(server_key) if server_key else current.server_key_hash,
                tuple(config.origins),
                config.enabled,
                current.created_at,
            )
            if wanted != current:
                self._write(wanted)
        return created
