"""Response compression on a real uvicorn: brotli or gzip as the client accepts, only for
compressible bodies of at least MIN_SIZE bytes, `Vary` always set on them, long-lived assets
compressed once, and bodies round-tripping byte for byte."""

from __future__ import annotations

import gzip
import json
from collections.abc import AsyncIterator, Iterator

import brotli
import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route

from tests.support.asgi_server import serving
from vitalscope.server.compression import (
    MAX_BUFFER,
    MIN_SIZE,
    CompressedAssets,
    Compression,
    negotiate,
)

DOC = json.dumps({"rows": [{"page": f"/product/{i}", "p75": i * 1.5} for i in range(400)]})
ASSET = ("function f(){return 1}\n" * 5000).encode()


async def _json(_: Request) -> Response:
    return Response(DOC, media_type="application/json")


async def _small(_: Request) -> Response:
    return Response("x" * (MIN_SIZE - 1), media_type="text/plain")


async def _png(_: Request) -> Response:
    return Response(b"\x89PNG" + bytes(5000), media_type="image/png")


async def _empty(_: Request) -> Response:
    return Response(status_code=204)


async def _asset(_: Request) -> Response:
    return Response(ASSET, media_type="text/javascript",
                    headers={"Cache-Control": "public, max-age=31536000, immutable",
                             "ETag": '"v1"'})


async def _encoded(_: Request) -> Response:
    return Response(gzip.compress(DOC.encode()), media_type="application/json",
                    headers={"Content-Encoding": "gzip"})


async def _stream(_: Request) -> StreamingResponse:
    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(3):
            yield b"a" * 1000
    return StreamingResponse(chunks(), media_type="text/plain")


async def _huge(_: Request) -> StreamingResponse:
    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(MAX_BUFFER // (1 << 20) + 2):
            yield b"b" * (1 << 20)
    return StreamingResponse(chunks(), media_type="text/plain")


ASSETS = CompressedAssets()
APP = Compression(Starlette(routes=[
    Route("/json", _json), Route("/small", _small), Route("/png", _png),
    Route("/empty", _empty), Route("/asset", _asset), Route("/encoded", _encoded),
    Route("/stream", _stream), Route("/huge", _huge),
]), ASSETS)


@pytest.fixture(scope="module")
def base() -> Iterator[str]:
    with serving(APP) as url:
        yield url


def fetch(client: httpx.Client, url: str, accept: str) -> tuple[httpx.Response, bytes]:
    """The answer and its body as sent (httpx would decode gzip and brotli itself)."""
    answer = client.send(client.build_request("GET", url, headers={"Accept-Encoding": accept}),
                         stream=True)
    try:
        return answer, b"".join(answer.iter_raw())
    finally:
        answer.close()


@pytest.mark.parametrize(("accept", "chosen"), [
    ("gzip, deflate, br, zstd", "br"), ("br;q=0, gzip", "gzip"), ("gzip;q=0.5", "gzip"),
    ("identity", None), ("br;q=0, gzip;q=0", None), ("*", "br"), ("*;q=0", None),
    ("", None), ("GZIP", "gzip"), ("br;q=abc, gzip", "gzip"),
])
def test_negotiation_honours_q_values(accept: str, chosen: str | None) -> None:
    assert negotiate(accept) == chosen


def decoded(answer: httpx.Response, body: bytes) -> bytes:
    encoding = answer.headers.get("content-encoding")
    if encoding == "br":
        return bytes(brotli.decompress(body))
    if encoding == "gzip":
        return gzip.decompress(body)
    return body


@pytest.mark.parametrize(("accept", "encoding"), [("br, gzip", "br"), ("gzip", "gzip"),
                                                  ("identity", None)])
def test_json_is_compressed_as_accepted_and_round_trips(base: str, accept: str,
                                                        encoding: str | None) -> None:
    with httpx.Client() as client:
        answer, body = fetch(client, base + "/json", accept)
    assert answer.headers.get("content-encoding") == encoding
    assert "accept-encoding" in answer.headers["vary"].lower()
    assert int(answer.headers["content-length"]) == len(body)
    assert decoded(answer, body) == DOC.encode()
    if encoding:
        assert len(body) < len(DOC) / 4


@pytest.mark.parametrize("path", ["/small", "/png", "/empty", "/encoded"])
def test_small_incompressible_empty_and_encoded_answers_pass_unchanged(base: str,
                                                                       path: str) -> None:
    with httpx.Client() as client:
        answer, body = fetch(client, base + path, "br, gzip")
    if path == "/encoded":
        assert answer.headers["content-encoding"] == "gzip"
        assert gzip.decompress(body) == DOC.encode()
    else:
        assert "content-encoding" not in answer.headers
    if path == "/png":
        assert "vary" not in answer.headers


def test_streamed_bodies_are_compressed_whole_and_huge_ones_pass_as_they_are(base: str
                                                                             ) -> None:
    with httpx.Client(timeout=30) as client:
        answer, body = fetch(client, base + "/stream", "gzip")
        assert answer.headers["content-encoding"] == "gzip"
        assert gzip.decompress(body) == b"a" * 3000
        huge, whole = fetch(client, base + "/huge", "br")
    assert "content-encoding" not in huge.headers
    assert whole == b"b" * ((MAX_BUFFER // (1 << 20) + 2) * (1 << 20))


def test_a_long_lived_asset_is_compressed_once_per_encoding_and_keeps_its_etag(base: str
                                                                               ) -> None:
    before = ASSETS.size
    bodies = []
    with httpx.Client() as client:
        for accept in ("br", "br", "gzip", "gzip"):
            answer, body = fetch(client, base + "/asset", accept)
            bodies.append(body)
            assert answer.headers["etag"] == '"v1"'
            assert decoded(answer, bodies[-1]) == ASSET
    # One entry per encoding: the repeats were answered from the cache.
    assert ASSETS.size - before == len(bodies[0]) + len(bodies[2])
    assert bodies[0] == bodies[1] and bodies[2] == bodies[3]


def test_the_asset_cache_stays_within_its_byte_limit() -> None:
    cache = CompressedAssets(limit=4000)
    for i in range(50):
        cache.get("gzip", (f"asset {i} " * 2000).encode() + bytes(range(256)) * i)
        assert cache.size <= 4000
    assert cache.size > 0
