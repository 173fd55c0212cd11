"""A real webhook receiver for tests: a small HTTP server on 127.0.0.1 that records every
request (headers, body) and answers with a status the test can change.

    python receiver_server.py PORT
    GET  /__requests          -> JSON list of recorded requests
    POST /__control {"status": 503, "retry_after": "2", "location": "..."}
"""

from __future__ import annotations

import json
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

RECORDED: list[dict[str, object]] = []
CONTROL: dict[str, object] = {"status": 200}
LOCK = threading.Lock()


class Handler(BaseHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass

    def _reply(self, status: int, body: bytes = b"", headers: dict[str, str] | None = None
               ) -> None:
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        if self.path == "/__requests":
            with LOCK:
                body = json.dumps(RECORDED).encode()
            self._reply(200, body, {"content-type": "application/json"})
        else:
            self._reply(404)

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("content-length", "0")))
        if self.path == "/__control":
            with LOCK:
                CONTROL.clear()
                CONTROL.update(json.loads(body))
            self._reply(204)
            return
        with LOCK:
            RECORDED.append({"path": self.path, "headers": dict(self.headers.items()),
                             "body": body.decode()})
            control = dict(CONTROL)
        headers = {}
        if control.get("retry_after"):
            headers["retry-after"] = str(control["retry_after"])
        if control.get("location"):
            headers["location"] = str(control["location"])
        self._reply(int(str(control["status"])), b"ok", headers)


if __name__ == "__main__":
    server = ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Handler)
    print("ready", flush=True)
    server.serve_forever()
