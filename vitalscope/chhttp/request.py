"""One HTTP request as the query it asks for: the SQL (URL `query` then the body, as
ClickHouse joins them), its `param_*` values, settings, database, session and query id;
an INSERT with a FORMAT clause is split into the statement and the data that follows it."""

from __future__ import annotations

import email.parser
import email.policy
import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field

from vitalscope.chhttp.failure import BAD_ARGUMENTS, INVALID_SESSION_TIMEOUT, ClickHouseFailure

# URL parameters of the HTTP interface that are not query settings. The rest are settings,
# as on a ClickHouse server (clickhouse-connect sends `database`, its settings, and the
# transport options below).
_NOT_SETTINGS = frozenset({
    "query", "database", "session_id", "session_timeout", "session_check", "query_id",
    "default_format", "user", "password", "quota_key", "compress", "decompress", "buffer_size",
    "wait_end_of_query", "client_protocol_version", "role", "send_progress_in_http_headers",
    "http_headers_progress_interval_ms", "enable_http_compression",
    "http_zlib_compression_level", "cancel_http_readonly_queries_on_client_close",
})
_SETTING_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_INSERT = re.compile(rb"^\s*INSERT\b", re.IGNORECASE)
_INSERT_FORMAT = re.compile(rb"\bFORMAT\s+(\w+)[ \t]*(?:\r?\n)?", re.IGNORECASE)
_TRAILING_FORMAT = re.compile(r"\bFORMAT\s+(\w+)\s*;?\s*$", re.IGNORECASE)
DEFAULT_SESSION_TIMEOUT_S = 60.0
MAX_SESSION_TIMEOUT_S = 3600.0


@dataclass(frozen=True)
class InsertData:
    """`INSERT INTO t (cols) ... FORMAT f` followed by data: the statement without its FORMAT
    clause, the format, and the data bytes."""

    statement: str
    format: str
    data: bytes


@dataclass
class QueryRequest:
    sql: bytes
    params: dict[str, str] = field(default_factory=dict)
    settings: dict[str, str] = field(default_factory=dict)
    database: str | None = None
    session_id: str | None = None
    session_timeout_s: float = DEFAULT_SESSION_TIMEOUT_S
    session_check: bool = False
    query_id: str = ""
    default_format: str = "TabSeparated"
    compress_response: bool = False

    def insert_data(self) -> InsertData | None:
        if not _INSERT.match(self.sql):
            return None
        match = _INSERT_FORMAT.search(self.sql)
        if match is None:
            return None  # INSERT ... VALUES / SELECT: an ordinary query
        statement = self.sql[:match.start()].decode("utf-8", "replace").strip()
        return InsertData(statement, match.group(1).decode(), self.sql[match.end():])

    def text(self) -> str:
        try:
            return self.sql.decode("utf-8").strip()
        except UnicodeDecodeError:
            raise ClickHouseFailure(BAD_ARGUMENTS, "the query is not valid UTF-8") from None

    def output_format(self, text: str) -> str:
        match = _TRAILING_FORMAT.search(text)
        return match.group(1) if match else self.default_format


def _form_fields(body: bytes, content_type: str) -> dict[str, str]:
    """The fields of a multipart/form-data body (clickhouse-connect sends the query and
    `param_*` that way when they are too long for a URL)."""
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        b"Content-Type: " + content_type.encode("latin-1") + b"\r\n\r\n" + body)
    fields: dict[str, str] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if part.get_filename() is not None:
            raise ClickHouseFailure(BAD_ARGUMENTS,
                                    "external data (file fields) is not supported here")
        if isinstance(name, str):
            payload = part.get_payload(decode=True)
            fields[name] = payload.decode("utf-8") if isinstance(payload, bytes) else ""
    return fields


def parse(params: Mapping[str, str], body: bytes, content_type: str | None,
          accept_compressed: bool) -> QueryRequest:
    """The query of a request, from its URL parameters and its (decoded) body."""
    values = dict(params)
    if content_type and content_type.lower().startswith("multipart/form-data"):
        values.update(_form_fields(body, content_type))
        body = b""
    url_query = values.get("query", "").encode("utf-8")
    sql = url_query + b"\n" + body if url_query and body else (url_query or body)
    request = QueryRequest(sql=sql)
    for name, value in values.items():
        if name.startswith("param_"):
            request.params[name[len("param_"):]] = value
        elif name not in _NOT_SETTINGS:
            if not _SETTING_NAME.match(name):
                raise ClickHouseFailure(BAD_ARGUMENTS, f"not a setting name: {name[:60]!r}")
            request.settings[name] = value
    request.database = values.get("database") or None
    request.session_id = values.get("session_id") or None
    request.session_check = values.get("session_check") == "1"
    if "session_timeout" in values:
        try:
            timeout = float(values["session_timeout"])
        except ValueError:
            timeout = -1
        if not 0 < timeout <= MAX_SESSION_TIMEOUT_S:
            raise ClickHouseFailure(
                INVALID_SESSION_TIMEOUT,
                f"session_timeout must be a number of seconds in (0, {MAX_SESSION_TIMEOUT_S:g}]")
        request.session_timeout_s = timeout
    request.query_id = values.get("query_id") or str(uuid.uuid4())
    request.default_format = values.get("default_format") or "TabSeparated"
    request.compress_response = accept_compressed and values.get("enable_http_compression") == "1"
    if request.database is not None and not _SETTING_NAME.match(request.database):
        raise ClickHouseFailure(BAD_ARGUMENTS, f"not a database name: {request.database[:60]!r}")
    return request
