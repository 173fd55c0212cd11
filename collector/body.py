"""Reading a request body from the ASGI stream with a hard cap: the cap holds while bytes
arrive (chunked bodies have no Content-Length) and while gzip is inflated (bombs stop at the
cap, not after filling memory)."""

from __future__ import annotations

import zlib

from starlette.types import Receive

from collector.errors import IngestError

MAX_BODY = 64 * 1024


def _too_large(limit: int, what: str) -> IngestError:
    return IngestError(413, "too_large", f"{what} is larger than {limit} bytes", "$")


async def read_body(receive: Receive, content_length: int | None,
                    gzip: bool, limit: int = MAX_BODY) -> bytes:
    if content_length is not None and content_length > limit:
        raise _too_large(limit, "body")
    message = await receive()
    if message["type"] == "http.request" and not message.get("more_body", False):
        raw = message.get("body", b"")  # the whole body in one message: a beacon's way
        if len(raw) > limit:
            raise _too_large(limit, "body")
        return inflate(raw, limit) if gzip else raw
    chunks: list[bytes] = []
    size = 0
    while True:
        if message["type"] == "http.disconnect":
            raise IngestError(400, "disconnected", "client went away before the body ended")
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise _too_large(limit, "body")
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
        message = await receive()
    raw = chunks[0] if len(chunks) == 1 else b"".join(chunks)
    return inflate(raw, limit) if gzip else raw


def inflate(data: bytes, limit: int = MAX_BODY) -> bytes:
    inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
    try:
        out = inflater.decompress(data, limit + 1)
    except zlib.error:
        raise IngestError(400, "invalid_gzip", "body is not valid gzip", "$") from None
    if len(out) > limit or inflater.unconsumed_tail:
        raise _too_large(limit, "decompressed body")
    if not inflater.eof:
        raise IngestError(400, "invalid_gzip", "gzip body is truncated", "$")
    return out
