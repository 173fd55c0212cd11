"""/healthz: the process answers. /readyz: ClickHouse and Redis answer, for real."""

from __future__ import annotations

import asyncio

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from vitalscope.runtime import Runtime

router = APIRouter(tags=["health"])
CHECK_TIMEOUT_S = 2.0


@router.get("/healthz")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


def _clickhouse_ok(runtime: Runtime) -> None:
    runtime.require_clickhouse().command("SELECT 1")


def _redis_ok(runtime: Runtime) -> None:
    runtime.redis.ping()


@router.get("/readyz")
async def readyz(request: Request) -> JSONResponse:
    runtime: Runtime = request.app.state.runtime
    checks = {}
    if runtime.clickhouse is not None:
        checks["clickhouse"] = _clickhouse_ok
    if runtime.redis_url is not None:
        checks["redis"] = _redis_ok
    results: dict[str, str] = {}
    for name, check in checks.items():
        try:
            await asyncio.wait_for(asyncio.to_thread(check, runtime), CHECK_TIMEOUT_S)
            results[name] = "ok"
        except TimeoutError:
            results[name] = f"no answer within {CHECK_TIMEOUT_S:.0f} s"
        except Exception as exc:  # any failure means not ready; the reason is reported
            results[name] = f"{type(exc).__name__}: {str(exc)[:200]}"
    ready = all(v == "ok" for v in results.values())
    return JSONResponse({"ready": ready, "checks": results}, status_code=200 if ready else 503)
