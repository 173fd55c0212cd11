"""Admin API of the alerting (/admin/v1/alerts/...): rules, alerts, history, silences,
deliveries and receiver tests. Bearer admin token, like the rest of /admin/v1."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request, status

from alerting import views
from alerting.newsilence import NewSilence
from alerting.pipeline.retry import DISABLED_KEY
from alerting.receivertest import UnknownReceiver, send_test
from alerting.rulestore import RuleConflict, RuleError, RuleStore, parse_rule
from alerting.silences import SilenceError, SilenceStore
from vitalscope.config.alerting import parse_duration
from vitalscope.names import NAME
from vitalscope.runtime import Runtime
from vitalscope.server.auth import require_admin
from vitalscope.server.responses import errors

router = APIRouter(prefix="/admin/v1/alerts", tags=["alerts"],
                   dependencies=[Depends(require_admin)], responses=errors(401, 404, 422))
RuleName = Annotated[str, Path(pattern=NAME.pattern, description="Rule name.")]
ReceiverName = Annotated[str, Path(pattern=NAME.pattern, description="Receiver name.")]
SilenceId = Annotated[str, Path(min_length=1, max_length=64, description="Silence id.")]


def _runtime(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


def _unprocessable(message: str) -> HTTPException:
    return HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, message)


@router.get("/rules")
async def list_rules(request: Request) -> list[dict[str, Any]]:
    runtime = _runtime(request)
    return await asyncio.to_thread(views.rules, runtime.settings.alerting, runtime.redis)


@router.post("/rules", status_code=status.HTTP_201_CREATED, responses=errors(400, 409))
async def add_rule(request: Request, body: dict[str, Any],
                   replace: bool = Query(default=False)) -> dict[str, Any]:
    runtime = _runtime(request)
    try:
        rule = parse_rule(body)
        store = RuleStore(runtime.settings.alerting, runtime.redis)
        await asyncio.to_thread(store.add, rule, replace)
    except RuleConflict as exc:
        raise HTTPException(status.HTTP_409_CONFLICT, str(exc)) from None
    except RuleError as exc:
        raise _unprocessable(str(exc)) from None
    return rule.model_dump(mode="json", by_alias=True)


@router.delete("/rules/{name}", status_code=status.HTTP_204_NO_CONTENT, responses=errors(409))
async def delete_rule(request: Request, name: RuleName) -> None:
    runtime = _runtime(request)
    try:
        await asyncio.to_thread(RuleStore(runtime.settings.alerting, runtime.redis).delete,
                                name)
    except RuleConflict as exc:
        raise HTTPException(status.HTTP_409_CONFLICT, str(exc)) from None
    except RuleError as exc:
        raise HTTPException(status.HTTP_404_NOT_FOUND, str(exc)) from None


@router.get("")
async def active(request: Request) -> list[dict[str, Any]]:
    return await asyncio.to_thread(views.active_alerts, _runtime(request).redis)


@router.get("/history")
async def history(request: Request, limit: int = Query(default=200, ge=1, le=5000),
                  rule: str = "") -> list[dict[str, Any]]:
    client = _runtime(request).require_clickhouse()
    return await asyncio.to_thread(views.alert_history, client, limit, rule)


@router.get("/deliveries")
async def deliveries(request: Request, limit: int = Query(default=200, ge=1, le=5000),
                     receiver: str = "") -> list[dict[str, Any]]:
    client = _runtime(request).require_clickhouse()
    return await asyncio.to_thread(views.deliveries, client, limit, receiver)


@router.get("/deadletter")
async def dead_letters(request: Request, limit: int = Query(default=100, ge=1, le=1000)
                       ) -> list[dict[str, Any]]:
    return await asyncio.to_thread(views.dead_letters, _runtime(request).redis, limit)


@router.get("/silences")
async def list_silences(request: Request) -> list[dict[str, Any]]:
    return await asyncio.to_thread(views.silences, _runtime(request).redis)


@router.post("/silences", status_code=status.HTTP_201_CREATED, responses=errors(400))
async def add_silence(request: Request, body: NewSilence) -> dict[str, Any]:
    runtime = _runtime(request)
    try:
        seconds = float(parse_duration(body.duration)) if body.duration is not None \
            else runtime.settings.alerting.silence_duration
        silence = await asyncio.to_thread(
            SilenceStore(runtime.redis).add, body.matchers, seconds, comment=body.comment,
            created_by=body.created_by)
    except (SilenceError, ValueError) as exc:
        raise _unprocessable(str(exc)) from None
    return silence.as_dict()


@router.delete("/silences/{silence_id}")
async def expire_silence(request: Request, silence_id: SilenceId) -> dict[str, Any]:
    try:
        silence = await asyncio.to_thread(SilenceStore(_runtime(request).redis).expire,
                                          silence_id)
    except SilenceError as exc:
        raise HTTPException(status.HTTP_404_NOT_FOUND, str(exc)) from None
    return silence.as_dict()


@router.get("/receivers")
async def list_receivers(request: Request) -> list[dict[str, Any]]:
    runtime = _runtime(request)
    return await asyncio.to_thread(views.receivers, runtime.settings.alerting, runtime.redis)


@router.post("/receivers/{name}/test")
async def test_receiver(request: Request, name: ReceiverName) -> dict[str, Any]:
    runtime = _runtime(request)
    try:
        return await asyncio.to_thread(send_test, runtime.settings.alerting, name,
                                       runtime.require_clickhouse(),
                                       runtime.settings.clickhouse_cluster)
    except UnknownReceiver as exc:
        raise HTTPException(status.HTTP_404_NOT_FOUND, str(exc)) from None


@router.post("/receivers/{name}/enable")
async def enable_receiver(request: Request, name: ReceiverName) -> dict[str, Any]:
    runtime = _runtime(request)
    if name not in {r.name for r in runtime.settings.alerting.receivers}:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no receiver {name!r}")
    removed = await asyncio.to_thread(runtime.redis.hdel, DISABLED_KEY, name)
    return {"receiver": name, "was_disabled": bool(removed)}
