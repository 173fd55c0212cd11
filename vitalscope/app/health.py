"""/healthz: the process answers. /readyz: ClickHouse and Redis answer, for real, and (in the
roles that ingest) the ingest queue moves: its oldest unacknowledged entry is younger than
`collector.queue_max_age_s`. /metrics of workers and dashboards (collectors and `serve`
answer it in front of this app, collector/asgi.py): a worker's flusher, alert evaluator and
scheduler count in the worker's own process."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from collector import queue_health, queue_metrics
from vitalscope.runtime import Role, Runtime
from vitalscope.server.single_flight import SingleFlight

router = APIRouter(tags=["health"])
CHECK_TIMEOUT_S = 2.0
# One thread per check at most, however often probes ask: 3 threads while a store hangs.
_CHECKS = SingleFlight()


@router.get("/healthz")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


def _clickhouse_ok(runtime: Runtime) -> None:
    runtime.require_clickhouse().command("SELECT 1")


def _redis_ok(runtime: Runtime) -> None:
    runtime.redis.ping()


class QueueStuck(Exception):
    pass


def _queue_ok(runtime: Runtime) -> dict[str, Any]:
    health = queue_health.read(runtime.redis)
    limit = runtime.settings.collector.queue_max_age_s
    if health.oldest_age_s > limit:
        raise QueueStuck(f"the oldest unacknowledged ingest entry is {health.oldest_age_s:.0f} s "
                         f"old (limit {limit:.0f} s); {health.length} entries in the stream, "
                         f"{health.pending} pending")
    return health.as_dict()


@router.get("/readyz")
async def readyz(request: Request) -> JSONResponse:
    runtime: Runtime = request.app.state.runtime
    checks: dict[str, Callable[[Runtime], object]] = {}
    if runtime.clickhouse is not None:
        checks["clickhouse"] = _clickhouse_ok
    if runtime.redis_url is not None:
        checks["redis"] = _redis_ok
        if runtime.role in (Role.SERVE, Role.COLLECTOR, Role.WORKER):
            checks["queue"] = _queue_ok
    results: dict[str, str] = {}
    body: dict[str, Any] = {}
    for name, check in checks.items():
        try:
            detail = await _CHECKS.run(name, functools.partial(check, runtime),
                                       CHECK_TIMEOUT_S)
            results[name] = "ok"
            if isinstance(detail, dict):
                body[name] = detail
        except TimeoutError:
            results[name] = f"no answer within {CHECK_TIMEOUT_S:.0f} s"
        except Exception as exc:  # any failure means not ready; the reason is reported
            results[name] = f"{type(exc).__name__}: {str(exc)[:200]}"
    ready = all(v == "ok" for v in results.values())
    return JSONResponse({"ready": ready, "checks": results, **body},
                        status_code=200 if ready else 503)


@router.get("/metrics", include_in_schema=False)
async def metrics(request: Request) -> Response:
    runtime: Runtime = request.app.state.runtime
    if runtime.redis_url is not None:
        await asyncio.to_thread(queue_metrics.refresh_blocking, runtime.redis)
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)
