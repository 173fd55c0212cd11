"""Admin API of source maps (/admin/v1/sourcemaps): upload one file of a release (a map or
its minified script) and list a release's files. Maps are never served back: only
symbolicated frames leave the server (/api/v1/errors/{fingerprint}).

The body is read by the handler after the token check, in chunks, and refused past
`sourcemaps.max_file_bytes` before it is all in memory."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Query, Request, status

from vitalscope.names import SITE_NAME
from vitalscope.runtime import Runtime
from vitalscope.server.auth import require_admin
from vitalscope.server.responses import errors
from vitalscope.sites import SiteRepository
from vitalscope.sourcemaps.checks import MAX_URL, RELEASE, SCRIPT_URL, BadSourcemap, TooLarge
from vitalscope.sourcemaps.store import ReleaseFull, SourcemapStore

router = APIRouter(prefix="/admin/v1/sourcemaps", tags=["admin"],
                   dependencies=[Depends(require_admin)], responses=errors(401, 404, 422))

SiteName = Annotated[str, Query(min_length=1, max_length=63, pattern=SITE_NAME.pattern,
                                description="Site name (must exist, else 404).")]
Release = Annotated[str, Query(min_length=1, max_length=128, pattern=RELEASE.pattern,
                               description="Release, as the SDK's `data-release` sends it.")]
_BODY: dict[str, Any] = {"requestBody": {"required": True, "content": {
    "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
    "description": "The file: a source map (JSON, version 3) or the minified script, at "
                   "most `sourcemaps.max_file_bytes`."}}


def _store(request: Request) -> SourcemapStore:
    runtime: Runtime = request.app.state.runtime
    return SourcemapStore(runtime.require_clickhouse(), runtime.settings.sourcemaps,
                          runtime.settings.clickhouse_cluster)


async def _known_site(request: Request, site: str) -> None:
    runtime: Runtime = request.app.state.runtime
    repository = SiteRepository(runtime.require_clickhouse(), runtime.settings.clickhouse_cluster)
    if await asyncio.to_thread(repository.get, site) is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no site named {site}")


async def _body(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise HTTPException(status.HTTP_413_CONTENT_TOO_LARGE,
                            f"the file is {declared} bytes, over the limit of {limit} "
                            "(sourcemaps.max_file_bytes)")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise HTTPException(status.HTTP_413_CONTENT_TOO_LARGE,
                                f"the file is over the limit of {limit} bytes "
                                "(sourcemaps.max_file_bytes)")
        chunks.append(chunk)
    return b"".join(chunks)


@router.put("", status_code=status.HTTP_201_CREATED, openapi_extra=_BODY,
            responses=errors(409, 413))
async def upload(
    request: Request, site: SiteName, release: Release,
    url: Annotated[str, Query(min_length=4, max_length=MAX_URL, pattern=SCRIPT_URL.pattern,
                              description="The minified script's URL (`~/path` for any "
                                          "host), without query or fragment.")],
    kind: Annotated[Literal["map", "source"], Query(
        description="`map`: the script's source map; `source`: the minified script (gives "
                    "original function names).")] = "map",
) -> dict[str, Any]:
    """Stores one file of a release, replacing the same file uploaded before."""
    store = _store(request)
    await _known_site(request, site)
    data = await _body(request, store.settings.max_file_bytes)
    try:
        return await asyncio.to_thread(store.put, site, release, url, kind, data)
    except TooLarge as exc:
        raise HTTPException(status.HTTP_413_CONTENT_TOO_LARGE, str(exc)) from None
    except ReleaseFull as exc:
        raise HTTPException(status.HTTP_409_CONFLICT, str(exc)) from None
    except BadSourcemap as exc:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, str(exc)) from None


@router.get("")
async def list_files(request: Request, site: SiteName, release: Release,
                     limit: Annotated[int, Query(ge=1, le=10_000)] = 1000,
                     ) -> list[dict[str, Any]]:
    """The release's files: URL, kind, size, SHA-256 and upload time (no content)."""
    await _known_site(request, site)
    return await asyncio.to_thread(_store(request).files, site, release, limit)
