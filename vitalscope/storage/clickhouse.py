"""ClickHouse clients through clickhouse-connect: chDB in-process or a server over HTTP."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import clickhouse_connect
from clickhouse_connect.driver.client import Client
from clickhouse_connect.driver.exceptions import ClickHouseError

from vitalscope.config import Settings


class ClickHouseUnavailable(Exception):
    """ClickHouse cannot be reached or opened; the message is safe to show (no password)."""


def redact_url(url: str) -> str:
    """The URL with any password replaced, so it can appear in logs and errors."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = f"{parts.username}:***@{parts.hostname}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


_OS_ERROR = re.compile(r"\[Errno -?\d+\] ([^\"')]+)")
_SERVER_ERROR = re.compile(r"(Code: \d+\. DB::Exception: [^.(]+)")


def _reason(text: str, url: str) -> str:
    """The part of a driver error a person needs (the OS or server reason), password-free."""
    password = urlsplit(url).password
    if password:
        text = text.replace(password, "***")
    for pattern in (_SERVER_ERROR, _OS_ERROR):
        if match := pattern.search(text):
            return match.group(1).strip()
    return re.sub(r"\s+", " ", text).strip()[:300]


def connect(settings: Settings, database: str | None = None, create_database: bool = False,
            **kwargs: Any) -> Client:
    """A client bound to the Vitalscope database. With create_database the database is made
    first (migrations need that; everything else expects it)."""
    url = settings.effective_clickhouse_url
    db = database or settings.clickhouse_database
    try:
        if url.startswith("chdb://"):
            client = clickhouse_connect.get_client(dsn=url, **kwargs)
        else:
            client = clickhouse_connect.get_client(
                dsn=url,
                connect_timeout=settings.clickhouse_connect_timeout_s,
                send_receive_timeout=max(30.0, settings.clickhouse_connect_timeout_s),
                autogenerate_session_id=False,
                **kwargs,
            )
        if create_database:
            on_cluster = (
                f" ON CLUSTER {settings.clickhouse_cluster}" if settings.clickhouse_cluster else ""
            )
            # Identifiers cannot be server-side parameters; db and cluster are pattern-checked
            # by the settings model.
            client.command(f"CREATE DATABASE IF NOT EXISTS {db}{on_cluster}")
        client.database = db
        client.command("SELECT 1")
    except (ClickHouseError, OSError, RuntimeError) as exc:
        raise ClickHouseUnavailable(
            f"cannot reach ClickHouse at {redact_url(url)}: {_reason(str(exc), url)}"
        ) from None
    return client
