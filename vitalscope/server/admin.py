"""The admin API (/admin/v1): what CLI commands use while `serve` holds the data folder."""

from __future__ import annotations

import asyncio
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request, status
from pydantic import BaseModel, Field

from vitalscope.names import SITE_NAME
from vitalscope.runtime import Runtime
from vitalscope.server.auth import require_admin
from vitalscope.server.responses import errors
from vitalscope.sites import SiteExists, SiteRepository
from vitalscope.sites.events import announce_sites_changed

router = APIRouter(prefix="/admin/v1", tags=["admin"], dependencies=[Depends(require_admin)],
                   responses=errors(401, 404))
# scheme://host[:port], as browsers send it; hosts by name or IPv4 (the API's strict form of
# what a configuration file's `origins` accept).
ORIGIN = (r"^https?://[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]"
          r"{0,61}[A-Za-z0-9])?)*(:([1-9][0-9]{0,3}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}"
          r"|655[0-2][0-9]|6553[0-5]))?/?$")


class NewSite(BaseModel):
    name: str = Field(description="Site name: 1-63 lowercase letters, digits, '-' or '_'.",
                      json_schema_extra={"pattern": SITE_NAME.pattern})
    origins: list[Annotated[str, Field(max_length=300, pattern=ORIGIN)]] = Field(
        default_factory=list, max_length=100,
        description="Allowed origins (https://shop.example); empty: any origin.")


def _repository(runtime: Runtime) -> SiteRepository:
    return SiteRepository(runtime.require_clickhouse(), runtime.settings.clickhouse_cluster)


@router.get("/sites")
async def list_sites(request: Request) -> list[dict[str, object]]:
    runtime: Runtime = request.app.state.runtime
    sites = await asyncio.to_thread(_repository(runtime).all)
    return [site.public_dict() for site in sites]


@router.post("/sites", status_code=status.HTTP_201_CREATED, responses=errors(400, 409, 422))
async def add_site(request: Request, body: NewSite) -> dict[str, str | None]:
    runtime: Runtime = request.app.state.runtime
    try:
        created = await asyncio.to_thread(_repository(runtime).add, body.name, body.origins)
    except SiteExists as exc:
        raise HTTPException(status.HTTP_409_CONFLICT, str(exc)) from None
    except ValueError as exc:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, str(exc)) from None
    await asyncio.to_thread(announce_sites_changed, runtime)
    return created.as_dict()
