"""The one chDB engine of the process, every call on it serialised by one lock.

chDB hosts one engine per process; each `chdb.connect` handle on it keeps its own `USE`,
`SET` and temporary tables. A request without a session runs on a fresh handle (so its
URL settings and database last for that request only); a `session_id` keeps one handle
until the session has been idle for its timeout, as a ClickHouse server keeps a session.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import chdb

from vitalscope.chhttp.failure import SESSION_NOT_FOUND, ClickHouseFailure
from vitalscope.chhttp.request import QueryRequest

MAX_SESSIONS = 256


@dataclass
class Reply:
    body: bytes
    format: str
    summary: dict[str, str]


@dataclass
class _Session:
    handle: Any
    timeout_s: float
    last_used: float


def _open(path: str) -> Any:
    # chdb's typing differs between its builds (typed in some, untyped in others): called
    # through Any, the check is the same everywhere.
    connect: Any = chdb.connect
    return connect(path)


def _quote(value: str) -> str:
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


class Engine:
    def __init__(self, path: Path) -> None:
        path.mkdir(parents=True, exist_ok=True)
        self._path = str(path.resolve())
        self._lock = threading.Lock()
        # Held open for the life of the server: the engine stays up between requests.
        self._root = _open(self._path)
        self._sessions: dict[str, _Session] = {}
        self.timezone = self._root.query("SELECT timezone()", "TabSeparated").bytes() \
            .decode().strip()

    def run(self, request: QueryRequest) -> Reply:
        with self._lock:
            self._expire_sessions()
            handle, owned = self._handle(request)
            try:
                return self._run(handle, request)
            except ClickHouseFailure:
                raise
            except Exception as exc:
                raise ClickHouseFailure.from_engine(exc) from None
            finally:
                if owned:
                    handle.close()

    def _handle(self, request: QueryRequest) -> tuple[Any, bool]:
        if request.session_id is None:
            return _open(self._path), True
        now = time.monotonic()
        session = self._sessions.get(request.session_id)
        if session is None:
            if request.session_check:
                raise ClickHouseFailure(SESSION_NOT_FOUND,
                                        f"Session {request.session_id[:80]} not found")
            if len(self._sessions) >= MAX_SESSIONS:
                oldest = min(self._sessions, key=lambda key: self._sessions[key].last_used)
                self._sessions.pop(oldest).handle.close()
            session = _Session(_open(self._path), request.session_timeout_s, now)
            self._sessions[request.session_id] = session
        session.last_used = now
        session.timeout_s = request.session_timeout_s
        return session.handle, False

    def _expire_sessions(self) -> None:
        now = time.monotonic()
        for key in [k for k, s in self._sessions.items() if now - s.last_used > s.timeout_s]:
            self._sessions.pop(key).handle.close()

    def _run(self, handle: Any, request: QueryRequest) -> Reply:
        if request.database is not None:
            handle.query(f"USE `{request.database}`")
        for name, value in request.settings.items():
            handle.query(f"SET {name} = {_quote(value)}")
        started = time.perf_counter()
        insert = request.insert_data()
        if insert is not None:
            with handle.send_insert(insert.statement, insert.format) as inserter:
                if insert.data:
                    inserter.append(insert.data)
                written = inserter.finish()
            return Reply(b"", request.default_format, {
                "read_rows": "0", "read_bytes": "0",
                "written_rows": str(written.rows_written),
                "written_bytes": str(written.bytes_written),
                "total_rows_to_read": "0", "result_rows": str(written.rows_written),
                "result_bytes": str(written.bytes_written),
                "elapsed_ns": str(int((time.perf_counter() - started) * 1e9)),
            })
        text = request.text()
        fmt = request.output_format(text)
        result = handle.query(text, fmt, params=request.params)
        body = bytes(result.bytes())
        return Reply(body, fmt, {
            "read_rows": str(result.rows_read()), "read_bytes": str(result.bytes_read()),
            "written_rows": str(result.rows_written()),
            "written_bytes": str(result.bytes_written()),
            "total_rows_to_read": str(result.rows_read()), "result_rows": "0",
            "result_bytes": str(len(body)),
            "elapsed_ns": str(int(result.elapsed() * 1e9)),
        })

    def close(self) -> None:
        with self._lock:
            for session in self._sessions.values():
                session.handle.close()
            self._sessions.clear()
            self._root.close()
