"""Raw ASGI responses of the ingest path (no framework on the hot path)."""

from __future__ import annotations

from starlette.types import Send

from collector.errors import IngestError

Headers = list[tuple[bytes, bytes]]
JSON = b"application/json"
NO_CONTENT = (b"content-length", b"0")


async def respond(send: Send, status: int, body: bytes = b"", headers: Headers | None = None,
                  content_type: bytes = JSON) -> None:
    out = list(headers or [])
    if body:
        out.append((b"content-type", content_type))
        out.append((b"content-length", str(len(body)).encode()))
    else:
        out.append(NO_CONTENT)
    await send({"type": "http.response.start", "status": status, "headers": out})
    await send({"type": "http.response.body", "body": body})


async def refuse(send: Send, error: IngestError, headers: Headers | None = None) -> None:
    await respond(send, error.status, error.body(), [*(headers or []), *error.headers])


def header_map(raw: list[tuple[bytes, bytes]]) -> dict[bytes, bytes]:
    # ASGI servers hand header names lower-cased; the last of repeated headers wins.
    return dict(raw)


def query_param(query_string: bytes, name: bytes) -> str | None:
    prefix = name + b"="
    for part in query_string.split(b"&"):
        if part.startswith(prefix):
            try:
                return part[len(prefix):].decode("ascii")
            except UnicodeDecodeError:
                return ""
    return None
