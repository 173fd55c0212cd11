"""The SDK files as the collector serves them: encodings, cache headers, SRI, missing builds."""

from __future__ import annotations

import gzip
import json
import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import uvicorn
from fastapi import FastAPI

from collector.sdk_assets import (
    IMMUTABLE,
    SHORT_CACHE,
    SdkAssets,
    SdkNotBuilt,
    choose_encoding,
    make_router,
    snippet,
    sri,
)
from tests.support.ports import free_port

DIST = Path(__file__).resolve().parents[2] / "sdk-js" / "dist"


@pytest.fixture
def dist(tmp_path: Path) -> Path:
    """A copy of the real build (scripts/setup.sh makes it), which a test may break."""
    if not (DIST / "manifest.json").exists():
        pytest.fail("sdk-js/dist is missing: run `npm ci && npm run build` in sdk-js/")
    return Path(shutil.copytree(DIST, tmp_path / "dist"))


def serve(app: FastAPI) -> Iterator[str]:
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=free_port(),
                                           log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.01)
    yield f"http://127.0.0.1:{server.config.port}"
    server.should_exit = True
    thread.join(10)


@pytest.fixture
def base_url(dist: Path) -> Iterator[str]:
    app = FastAPI()
    app.include_router(make_router(SdkAssets([dist])))
    yield from serve(app)


def test_encodings_cache_headers_and_versioned_urls(base_url: str, dist: Path) -> None:
    manifest = json.loads((dist / "manifest.json").read_text())
    code = (dist / "sdk.js").read_bytes()
    with httpx.Client(base_url=base_url) as client:
        for accept, encoding, raw in [
            ("gzip, deflate, br, zstd", "br", (dist / "sdk.js.br").read_bytes()),
            ("gzip;q=1.0, br;q=0", "gzip", (dist / "sdk.js.gz").read_bytes()),
            ("identity", None, code),
        ]:
            with client.stream("GET", "/sdk.js", headers={"Accept-Encoding": accept}) as answer:
                body = b"".join(answer.iter_raw())
            assert answer.status_code == 200
            assert answer.headers.get("content-encoding") == encoding
            assert body == raw
            assert answer.headers["cache-control"] == SHORT_CACHE
            assert answer.headers["vary"] == "Accept-Encoding"
            assert answer.headers["access-control-allow-origin"] == "*"
            assert answer.headers["content-type"] == "text/javascript; charset=utf-8"
        assert gzip.decompress((dist / "sdk.js.gz").read_bytes()) == code

        versioned = client.get(f"/sdk/{manifest['version']}/sdk.attribution.js")
        assert versioned.status_code == 200
        assert versioned.headers["cache-control"] == IMMUTABLE
        assert sri(versioned.content) == manifest["files"]["sdk.attribution.js"]["integrity"]
        again = client.get(f"/sdk/{manifest['version']}/sdk.attribution.js",
                           headers={"If-None-Match": versioned.headers["etag"]})
        assert again.status_code == 304

        old = client.get("/sdk/0.0.1/sdk.js")
        assert old.status_code == 404
        assert old.json()["message"] == (
            f"SDK version '0.0.1' is not served here (current: {manifest['version']})")
        assert client.get(f"/sdk/{manifest['version']}/other.js").status_code == 404
        # Anyone can ask for any URL: an error quotes at most 64 characters of it.
        for path in (f"/sdk/{'9' * 5000}/sdk.js", f"/sdk/{manifest['version']}/{'x' * 5000}"):
            long = client.get(path)
            assert long.status_code == 404
            assert len(long.json()["message"]) < 200
            assert "(first 64 of 5000 characters)" in long.json()["message"]

        served = client.get("/sdk/manifest.json").json()
        assert served["version"] == manifest["version"]
        assert served["files"]["sdk.js"] == {
            "url": f"/sdk/{manifest['version']}/sdk.js",
            "integrity": manifest["files"]["sdk.js"]["integrity"], "bytes": len(code)}
        head = client.head("/sdk.js")
        assert head.status_code == 200 and head.content == b""


def test_a_missing_or_broken_build_says_how_to_build(tmp_path: Path, dist: Path) -> None:
    app = FastAPI()
    app.include_router(make_router(SdkAssets([tmp_path / "nowhere"])))
    for base_url in serve(app):
        answer = httpx.get(base_url + "/sdk.js")
        assert answer.status_code == 503
        assert answer.json() == {
            "error": "sdk_not_built",
            "message": "the browser SDK is not built: run `npm ci && npm run build` in "
                       "sdk-js/ (scripts/setup.sh does it)"}
    (dist / "sdk.js").write_text("tampered")
    with pytest.raises(SdkNotBuilt, match="does not match its manifest"):
        SdkAssets([dist]).current()


def test_encoding_choice() -> None:
    both = {"identity", "br", "gzip"}
    assert choose_encoding("gzip, br", both) == "br"
    assert choose_encoding("br;q=0, gzip", both) == "gzip"
    assert choose_encoding("*", both) == "br"
    assert choose_encoding("", both) == "identity"
    assert choose_encoding("gzip;q=bad", both) == "identity"
    assert choose_encoding("br", {"identity", "gzip"}) == "identity"


def test_snippet_points_at_the_immutable_url_with_its_hash(dist: Path) -> None:
    build = SdkAssets([dist]).current()
    tag = snippet("https://rum.example/", "pk_shop", build)
    integrity = build.assets["sdk.js"].integrity
    assert tag == (f'<script defer src="https://rum.example/sdk/{build.version}/sdk.js" '
                   f'integrity="{integrity}" crossorigin="anonymous" data-site="pk_shop">'
                   "</script>")
    assert "sdk.attribution.js" in snippet("https://rum.example", "pk_shop", build, True)


def test_snippet_with_early_errors_puts_the_inline_queue_first_with_its_csp_hash(
        dist: Path) -> None:
    build = SdkAssets([dist]).current()
    code = (dist / "early-errors.js").read_text()
    manifest = json.loads((dist / "manifest.json").read_text())
    csp = manifest["inline"]["early-errors.js"]["csp"]
    assert build.early_errors == code and build.early_errors_csp == csp
    comment, inline, tag = snippet("https://rum.example", "pk_shop", build,
                                   early_errors=True).split("\n")
    assert comment == (f"<!-- a strict Content-Security-Policy needs script-src '{csp}' for the "
                       "inline snippet -->")
    # The hash covers exactly what sits between the tags.
    assert inline == f"<script>{code}</script>"
    assert tag == snippet("https://rum.example", "pk_shop", build)
    (dist / "early-errors.js").write_text(code.replace("20", "99"))
    with pytest.raises(SdkNotBuilt, match=r"early-errors\.js does not match its manifest"):
        SdkAssets([dist]).current()
