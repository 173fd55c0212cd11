"""The HTTP side: a threaded HTTP/1.1 server (keep-alive, as clickhouse-connect's pool
expects) handing each query to the one serialised `Engine`."""

from __future__ import annotations

import json
import logging
import socket
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from vitalscope.chhttp import codecs
from vitalscope.chhttp.engine import Engine, Reply
from vitalscope.chhttp.failure import QUERY_IS_TOO_LARGE, ClickHouseFailure
from vitalscope.chhttp.request import parse

log = logging.getLogger("vitalscope.chhttp")

DEFAULT_MAX_BODY_BYTES = 256 * 1024 * 1024


class _BodyTooLarge(Exception):
    pass


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: ClickHouseHTTPServer

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("%s " + format, self.address_string(), *args)

    def do_GET(self) -> None:
        self._handle()

    def do_POST(self) -> None:
        self._handle()

    def _read_body(self) -> bytes:
        limit = self.server.max_body_bytes
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            parts: list[bytes] = []
            size = 0
            while True:
                line = self.rfile.readline(1024)
                chunk = int(line.split(b";")[0].strip() or b"0", 16)
                if chunk == 0:
                    while self.rfile.readline(1024) not in (b"\r\n", b"\n", b""):
                        pass  # trailers
                    return b"".join(parts)
                size += chunk
                if size > limit:
                    raise _BodyTooLarge
                parts.append(self.rfile.read(chunk))
                self.rfile.readline(16)
        length = int(self.headers.get("Content-Length") or 0)
        if length > limit:
            raise _BodyTooLarge
        return self.rfile.read(length) if length else b""

    def _handle(self) -> None:
        url = urlsplit(self.path)
        try:
            body = self._read_body()
        except _BodyTooLarge:
            self.close_connection = True
            self._failure(ClickHouseFailure(
                QUERY_IS_TOO_LARGE, f"the request body is over {self.server.max_body_bytes} bytes"
            ), "")
            return
        except ValueError:
            self.close_connection = True
            self.send_error(400, "malformed chunked body")
            return
        if url.path in ("/ping", "/") and not body and "query" not in url.query:
            self._send(200, b"Ok.\n", {"Content-Type": "text/plain; charset=UTF-8"})
            return
        if url.path not in ("/", "/query"):
            self._send(404, b"There is no handle " + url.path.encode()[:200] + b"\n",
                       {"Content-Type": "text/plain; charset=UTF-8"})
            return
        query_id = ""
        try:
            body = codecs.decode(body, self.headers.get("Content-Encoding"))
            accepted = codecs.pick(self.headers.get("Accept-Encoding"))
            request = parse(dict(parse_qsl(url.query, keep_blank_values=True)), body,
                            self.headers.get("Content-Type"), accepted is not None)
            query_id = request.query_id
            reply = self.server.engine.run(request)
        except ClickHouseFailure as failure:
            self._failure(failure, query_id)
            return
        self._reply(reply, query_id, accepted if request.compress_response else None)

    def _common_headers(self, query_id: str) -> dict[str, str]:
        return {"X-ClickHouse-Server-Display-Name": self.server.display_name,
                "X-ClickHouse-Query-Id": query_id,
                "X-ClickHouse-Timezone": self.server.engine.timezone}

    def _reply(self, reply: Reply, query_id: str, coding: str | None) -> None:
        headers = self._common_headers(query_id)
        headers.update({"X-ClickHouse-Format": reply.format,
                        "X-ClickHouse-Summary": json.dumps(reply.summary),
                        "Content-Type": "application/octet-stream"})
        body = reply.body
        if coding is not None:
            body = codecs.encode(body, coding)
            headers["Content-Encoding"] = coding
        self._send(200, body, headers)

    def _failure(self, failure: ClickHouseFailure, query_id: str) -> None:
        headers = self._common_headers(query_id)
        headers.update({"X-ClickHouse-Exception-Code": str(failure.code),
                        "Content-Type": "text/plain; charset=UTF-8"})
        self._send(failure.status, failure.body, headers)

    def _send(self, status: int, body: bytes, headers: dict[str, str]) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class ClickHouseHTTPServer(ThreadingHTTPServer):
    """The endpoint: `serve_forever()` answers until `shutdown()`; `server_close()` also
    closes the engine. For tests and local development only (see the package docstring)."""

    daemon_threads = True

    def __init__(self, path: Path, host: str = "127.0.0.1", port: int = 8123,
                 max_body_bytes: int = DEFAULT_MAX_BODY_BYTES) -> None:
        self.engine = Engine(path)
        self.max_body_bytes = max_body_bytes
        self.display_name = f"chdb-http-{socket.gethostname()}"
        try:
            super().__init__((host, port), _Handler)
        except BaseException:
            self.engine.close()
            raise

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host!s}:{port}"

    def server_close(self) -> None:
        super().server_close()
        self.engine.close()
