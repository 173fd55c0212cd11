"""The browser SDK as the collector serves it: the built files of sdk-js/dist.

`/sdk.js` (and `/sdk.attribution.js`) answer with a short cache so a release reaches every
site within minutes; `/sdk/<version>/<file>` is immutable for a year and is what the snippet
with its SRI hash points at. Both are precompressed at build time (brotli and gzip siblings),
chosen from Accept-Encoding. `/sdk/manifest.json` says which version is served, with hashes.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse

from collector.errors import QUOTED_MAX

ASSETS = ("sdk.js", "sdk.attribution.js")
# The inline snippet that queues errors until the deferred SDK runs (docs/sdk.md): pasted
# into pages, never served.
EARLY_ERRORS = "early-errors.js"
SHORT_CACHE = "public, max-age=300"
IMMUTABLE = "public, max-age=31536000, immutable"
# Preferred first when the browser accepts several.
ENCODINGS = (("br", ".br"), ("gzip", ".gz"))
NOT_BUILT = (
    "the browser SDK is not built: run `npm ci && npm run build` in sdk-js/ "
    "(scripts/setup.sh does it)"
)


class SdkNotBuilt(Exception):
    """sdk-js/dist is missing or incomplete; the message says how to build it."""


@dataclass(frozen=True)
class Asset:
    name: str
    integrity: str
    # Content-Encoding ("identity", "br", "gzip") -> body.
    bodies: dict[str, bytes]

    @property
    def etag(self) -> str:
        return '"' + self.integrity.removeprefix("sha384-")[:32] + '"'


@dataclass(frozen=True)
class SdkBuild:
    version: str
    assets: dict[str, Asset]
    early_errors: str  # the inline snippet's code

    @property
    def early_errors_csp(self) -> str:
        """The CSP source a strict `script-src` needs to run the inline snippet."""
        return csp_hash(self.early_errors)

    def asset(self, name: str) -> Asset | None:
        return self.assets.get(name)

    def versioned_path(self, name: str) -> str:
        return f"/sdk/{self.version}/{name}"


def dist_candidates() -> list[Path]:
    """Where sdk-js/dist is found: next to the source tree (a checkout or an editable install),
    then under the working directory (the container image keeps it in /app/sdk-js/dist)."""
    return [Path(__file__).resolve().parents[1] / "sdk-js" / "dist",
            Path.cwd() / "sdk-js" / "dist"]


def sri(body: bytes) -> str:
    return "sha384-" + base64.b64encode(hashlib.sha384(body).digest()).decode()


def csp_hash(inline_script: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(inline_script.encode()).digest()).decode()


def load_build(folder: Path) -> SdkBuild:
    """Reads the manifest and every served file; raises SdkNotBuilt when something is missing
    or a file does not match the hash the build recorded (a half-finished build)."""
    try:
        manifest = json.loads((folder / "manifest.json").read_text())
        assets: dict[str, Asset] = {}
        for name in ASSETS:
            body = (folder / name).read_bytes()
            integrity = sri(body)
            if manifest["files"][name]["integrity"] != integrity:
                raise SdkNotBuilt(f"{folder / name} does not match its manifest: {NOT_BUILT}")
            bodies = {"identity": body}
            for encoding, suffix in ENCODINGS:
                compressed = folder / (name + suffix)
                if compressed.exists():
                    bodies[encoding] = compressed.read_bytes()
            assets[name] = Asset(name, integrity, bodies)
        early_errors = (folder / EARLY_ERRORS).read_text()
        if manifest["inline"][EARLY_ERRORS]["csp"] != csp_hash(early_errors):
            raise SdkNotBuilt(f"{folder / EARLY_ERRORS} does not match its manifest: {NOT_BUILT}")
        return SdkBuild(str(manifest["version"]), assets, early_errors)
    except (OSError, KeyError, ValueError) as exc:
        if isinstance(exc, SdkNotBuilt):
            raise
        raise SdkNotBuilt(f"{NOT_BUILT} ({folder} has no complete build)") from None


class SdkAssets:
    """The build found on disk, reloaded when a new build replaces it."""

    def __init__(self, candidates: list[Path] | None = None) -> None:
        self._candidates = candidates
        self._loaded: tuple[Path, int, SdkBuild] | None = None

    def current(self) -> SdkBuild:
        for folder in self._candidates if self._candidates is not None else dist_candidates():
            try:
                stamp = (folder / "manifest.json").stat().st_mtime_ns
            except OSError:
                continue
            if self._loaded is None or self._loaded[:2] != (folder, stamp):
                self._loaded = (folder, stamp, load_build(folder))
            return self._loaded[2]
        raise SdkNotBuilt(NOT_BUILT)


def choose_encoding(accept_encoding: str, available: set[str]) -> str:
    """br, then gzip, among what the client accepts (q=0 refuses); else identity."""
    accepted: dict[str, float] = {}
    for part in accept_encoding.lower().split(","):
        token, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        accepted[token.strip()] = quality
    for encoding, _ in ENCODINGS:
        if encoding in available and accepted.get(encoding, accepted.get("*", 0.0)) > 0:
            return encoding
    return "identity"


def snippet(base_url: str, site_key: str, build: SdkBuild, attribution: bool = False,
            early_errors: bool = False) -> str:
    """The script tag a site embeds: the immutable URL with its SRI hash; with early_errors,
    preceded by the inline snippet (and a comment naming the CSP hash it needs)."""
    asset = build.assets["sdk.attribution.js" if attribution else "sdk.js"]
    src = base_url.rstrip("/") + build.versioned_path(asset.name)
    tag = (f'<script defer src="{src}" integrity="{asset.integrity}" crossorigin="anonymous" '
           f'data-site="{site_key}"></script>')
    if not early_errors:
        return tag
    return (f"<!-- a strict Content-Security-Policy needs script-src "
            f"'{build.early_errors_csp}' for the inline snippet -->\n"
            f"<script>{build.early_errors}</script>\n{tag}")


def _shown(requested: str) -> str:
    """A path segment quoted in an error: anyone can ask for any URL, so at most
    QUOTED_MAX characters of it come back."""
    if len(requested) <= QUOTED_MAX:
        return repr(requested)
    return repr(requested[:QUOTED_MAX]) + f" (first {QUOTED_MAX} of {len(requested)} characters)"


def _error(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse({"error": code, "message": message}, status_code=status)


def _serve(request: Request, asset: Asset, cache_control: str) -> Response:
    encoding = choose_encoding(request.headers.get("accept-encoding", ""), set(asset.bodies))
    headers = {
        "Cache-Control": cache_control,
        "ETag": asset.etag,
        "Vary": "Accept-Encoding",
        # SRI on a cross-origin script needs CORS (crossorigin="anonymous"); the file is public.
        "Access-Control-Allow-Origin": "*",
        "Cross-Origin-Resource-Policy": "cross-origin",
        "X-Content-Type-Options": "nosniff",
    }
    if encoding != "identity":
        headers["Content-Encoding"] = encoding
    if asset.etag in request.headers.get("if-none-match", ""):
        return Response(status_code=304, headers=headers)
    body = asset.bodies[encoding]
    return Response(b"" if request.method == "HEAD" else body, headers=headers,
                    media_type="text/javascript; charset=utf-8")


def make_router(assets: SdkAssets) -> APIRouter:
    router = APIRouter(tags=["sdk"])

    def build_or_error() -> SdkBuild | JSONResponse:
        try:
            return assets.current()
        except SdkNotBuilt as exc:
            return _error(503, "sdk_not_built", str(exc))

    def latest(name: str) -> Callable[[Request], Awaitable[Response]]:
        async def handler(request: Request) -> Response:
            build = build_or_error()
            if isinstance(build, JSONResponse):
                return build
            asset = build.asset(name)
            assert asset is not None
            return _serve(request, asset, SHORT_CACHE)
        return handler

    for name in ASSETS:
        router.add_api_route("/" + name, latest(name), methods=["GET", "HEAD"],
                             include_in_schema=False)

    @router.api_route("/sdk/{version}/{name}", methods=["GET", "HEAD"], include_in_schema=False)
    async def versioned(request: Request, version: str, name: str) -> Response:
        build = build_or_error()
        if isinstance(build, JSONResponse):
            return build
        asset = build.asset(name)
        if asset is None:
            return _error(404, "not_found",
                          f"no SDK file {_shown(name)}; files: {', '.join(ASSETS)}")
        if version != build.version:
            return _error(404, "not_found", f"SDK version {_shown(version)} is not served here "
                          f"(current: {build.version})")
        return _serve(request, asset, IMMUTABLE)

    @router.get("/sdk/manifest.json")
    async def manifest(request: Request) -> Response:
        """Served SDK version with the immutable URL and SRI hash of each file."""
        build = build_or_error()
        if isinstance(build, JSONResponse):
            return build
        files = {a.name: {"url": build.versioned_path(a.name), "integrity": a.integrity,
                          "bytes": len(a.bodies["identity"])} for a in build.assets.values()}
        return JSONResponse({"version": build.version, "files": files},
                            headers={"Cache-Control": SHORT_CACHE,
                                     "Access-Control-Allow-Origin": "*"})

    return router


router = make_router(SdkAssets())
