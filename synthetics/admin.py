"""Admin API of the synthetics (/admin/v1/synthetics): what `vitalscope synthetics run` uses
while a server holds the data folder. A run requested here goes through the same queue as
scheduled runs, so it executes on whichever worker has a free slot."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Path, Request, status

from synthetics.service import SyntheticsService
from vitalscope.names import NAME as CHECK_NAME
from vitalscope.server.auth import require_admin
from vitalscope.server.responses import errors

router = APIRouter(prefix="/admin/v1/synthetics", tags=["synthetics"],
                   dependencies=[Depends(require_admin)], responses=errors(401, 404, 503))

QUEUE_WAIT_S = 60.0


def _service(request: Request) -> SyntheticsService:
    for service in request.app.state.services.services:
        if isinstance(service, SyntheticsService):
            return service
    raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE,
                        "this process does not run synthetic checks")


@router.get("/checks")
async def list_checks(request: Request) -> list[dict[str, Any]]:
    service = _service(request)
    return [
        {"name": p.name, "location": p.location, "timeout_s": p.timeout_s,
         "retries": p.retries, "hosts": list(p.hosts), "enabled": p.config.enabled}
        for p in service.plans.values()
    ]


@router.post("/checks/{name}/run", responses=errors(409, 422, 504))
async def run_check(request: Request, name: Annotated[str, Path(
        pattern=CHECK_NAME.pattern, description="Check name.")]) -> dict[str, Any]:
    """Runs a check now and answers with its result (status, attempts, steps, vitals)."""
    service = _service(request)
    plan = service.plans.get(name)
    if plan is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND,
                            f"no check named {name!r} in the server's configuration")
    run_id = await service.queue.request_waiting(
        name, plan.max_duration_s, "manual", wait_s=plan.max_duration_s + QUEUE_WAIT_S)
    if run_id is None:
        raise HTTPException(status.HTTP_409_CONFLICT,
                            f"check {name!r} is still running; try again later")
    result = await service.queue.wait_result(run_id, 2 * plan.max_duration_s + QUEUE_WAIT_S)
    if result is None:
        raise HTTPException(status.HTTP_504_GATEWAY_TIMEOUT,
                            f"run {run_id} of {name!r} gave no result in time")
    return result
