"""The HTTP content codings clickhouse-connect sends and accepts: lz4 (frames), zstd, gzip,
deflate and br when installed. A compressed request body may be several frames or members
back to back (clickhouse-connect compresses each insert block on its own)."""

from __future__ import annotations

import gzip
import zlib

import lz4.frame
from backports import zstd

from vitalscope.chhttp.failure import (
    CANNOT_DECOMPRESS,
    UNKNOWN_COMPRESSION_METHOD,
    ClickHouseFailure,
)

# In the order a response picks from what the client accepts.
CODINGS = ("lz4", "zstd", "gzip", "deflate")


def _lz4_frames(data: bytes) -> bytes:
    out: list[bytes] = []
    rest = data
    while rest:
        decompressor = lz4.frame.LZ4FrameDecompressor()
        out.append(decompressor.decompress(rest))
        if not decompressor.eof:
            raise ValueError("truncated lz4 frame")
        rest = decompressor.unused_data
    return b"".join(out)


def _deflate(data: bytes) -> bytes:
    # HTTP's "deflate" is zlib-wrapped; some clients send raw deflate.
    try:
        return zlib.decompress(data)
    except zlib.error:
        return zlib.decompress(data, -zlib.MAX_WBITS)


def decode(data: bytes, coding: str | None) -> bytes:
    coding = (coding or "").strip().lower()
    if coding in ("", "identity"):
        return data
    decoders = {"lz4": _lz4_frames, "zstd": zstd.decompress, "gzip": gzip.decompress,
                "x-gzip": gzip.decompress, "deflate": _deflate}
    decoder = decoders.get(coding)
    if decoder is None:
        raise ClickHouseFailure(UNKNOWN_COMPRESSION_METHOD,
                                f"Unknown Content-Encoding of the request body: {coding[:40]!r}")
    try:
        return decoder(data)
    except Exception as exc:
        raise ClickHouseFailure(
            CANNOT_DECOMPRESS, f"Cannot decompress the {coding} request body: {exc}") from None


def pick(accept_encoding: str | None) -> str | None:
    """The coding of a response for this Accept-Encoding, or None for plain bytes."""
    offered = {part.split(";")[0].strip().lower() for part in (accept_encoding or "").split(",")}
    return next((coding for coding in CODINGS if coding in offered), None)


def encode(data: bytes, coding: str) -> bytes:
    if coding == "lz4":
        return bytes(lz4.frame.compress(data))
    if coding == "zstd":
        return zstd.compress(data)
    if coding == "gzip":
        return gzip.compress(data, compresslevel=1)
    return zlib.compress(data, 1)
