"""The answers the HTTP edge writes itself, before or instead of the app: complete HTTP/1.1
responses with a small JSON body shaped like the collector's errors, closing the connection."""

from __future__ import annotations

import http
import json

RETRY_AFTER_S = 1


def refusal(status: int, code: str, message: str,
            headers: tuple[tuple[str, str], ...] = ()) -> bytes:
    body = json.dumps({"error": code, "field": None, "message": message}).encode()
    lines = [f"HTTP/1.1 {status} {http.HTTPStatus(status).phrase}",
             "content-type: application/json",
             f"content-length: {len(body)}",
             "connection: close",
             *(f"{name}: {value}" for name, value in headers)]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("ascii") + body


def headers_too_large(max_bytes: int) -> bytes:
    return refusal(431, "headers_too_large",
                   f"request line and headers exceed {max_bytes} bytes")


def request_timeout(part: str, seconds: float) -> bytes:
    return refusal(408, "request_timeout", f"request {part} not received within {seconds:g} s")


def busy(cap: int) -> bytes:
    return refusal(503, "too_many_connections",
                   f"the server holds its maximum of {cap} connections; retry shortly",
                   (("retry-after", str(RETRY_AFTER_S)),))
