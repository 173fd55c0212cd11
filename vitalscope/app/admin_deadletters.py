"""Admin API of the ingest dead letters (/admin/v1/deadletters): list, replay, drop.

The POST bodies are read by the handlers, not declared to FastAPI: FastAPI reads and parses
a declared body before the router's dependencies run, which would let a caller without the
token have a body parsed (and a malformed one answered 422 instead of 401)."""

from __future__ import annotations

import asyncio
from typing import Any

import msgspec
from fastapi import APIRouter, Depends, HTTPException, Query, Request, status

from collector.deadletters import DeadLetters, UnknownDeadLetter
from vitalscope.runtime import Runtime
from vitalscope.server.auth import require_admin
from vitalscope.server.responses import errors

router = APIRouter(prefix="/admin/v1/deadletters", tags=["admin"],
                   dependencies=[Depends(require_admin)],
                   responses=errors(400, 401, 404, 422))
MAX_BODY = 1024 * 1024


class Selection(msgspec.Struct, forbid_unknown_fields=True):
    ids: list[str] = []
    all: bool = False


# The body is read by _selection (after the token check), so FastAPI does not document it.
_SELECTION_BODY: dict[str, Any] = {"requestBody": {"required": True, "content": {
    "application/json": {"schema": {"oneOf": [
        {"type": "object", "required": ["ids"], "additionalProperties": False, "properties": {
            "ids": {"type": "array", "minItems": 1, "maxItems": 10_000,
                    "items": {"type": "string", "pattern": "^[0-9]+-[0-9]+$"},
                    "description": "Dead-letter ids, as `list` shows them."},
            "all": {"const": False}}},
        {"type": "object", "required": ["all"], "additionalProperties": False,
         "properties": {"all": {"const": True, "description": "Every dead letter."}}},
    ]}}}}}


def _store(request: Request) -> DeadLetters:
    runtime: Runtime = request.app.state.runtime
    return DeadLetters(runtime.redis, runtime.settings.collector.stream_max_len)


async def _selection(request: Request) -> list[str] | None:
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY:
            raise HTTPException(status.HTTP_413_CONTENT_TOO_LARGE, "the body is over 1 MiB")
    try:
        chosen = msgspec.json.decode(body or b"{}", type=Selection)
    except msgspec.DecodeError as exc:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT,
                            f"expected {{\"ids\": [...]}} or {{\"all\": true}}: {exc}") from None
    if chosen.all == bool(chosen.ids):
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT,
                            "name dead letters in `ids` or set `all`, not both or neither")
    return None if chosen.all else chosen.ids


@router.get("")
async def list_dead_letters(request: Request, limit: int = Query(default=100, ge=1, le=10000)
                            ) -> list[dict[str, Any]]:
    letters = await asyncio.to_thread(_store(request).oldest, limit)
    return [letter.as_dict() for letter in letters]


async def _apply(request: Request, action: str) -> dict[str, Any]:
    """Replay or drop the selection; an id that is not a dead letter answers 404."""
    ids = await _selection(request)
    change = getattr(_store(request), action)
    try:
        result: dict[str, Any] = await asyncio.to_thread(change, ids)
    except UnknownDeadLetter as exc:
        raise HTTPException(status.HTTP_404_NOT_FOUND, str(exc)) from None
    return result


@router.post("/replay", openapi_extra=_SELECTION_BODY)
async def replay_dead_letters(request: Request) -> dict[str, Any]:
    return await _apply(request, "replay")


@router.post("/drop", openapi_extra=_SELECTION_BODY)
async def drop_dead_letters(request: Request) -> dict[str, Any]:
    return await _apply(request, "drop")
