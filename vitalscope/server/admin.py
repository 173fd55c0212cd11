"""The admin API (/admin/v1): what CLI commands use while `serve` holds the data folder."""

from __future__ import annotations

import asyncio

from fastapi import APIRouter, Depends, HTTPException, Request, status
from pydantic import BaseModel, Field

from vitalscope.runtime import Runtime
from vitalscope.server.auth import require_admin
from vitalscope.sites import SiteExists, SiteRepository
from vitalscope.sites.events import announce_sites_changed

router = APIRouter(prefix="/admin/v1", tags=["admin"], dependencies=[Depends(require_admin)])


class NewSite(BaseModel):
    name: str = Field(description="Site name: lowercase letters, digits, '-' or '_'.")
    origins: list[str] = Field(default_factory=list, description="Allowed origins.")


def _repository(runtime: Runtime) -> SiteRepository:
    return SiteRepository(runtime.require_clickhouse(), runtime.settings.clickhouse_cluster)


@router.get("/sites")
async def list_sites(request: Request) -> list[dict[str, object]]:
    runtime: Runtime = request.app.state.runtime
    sites = await asyncio.to_thread(_repository(runtime).all)
    return [site.public_dict() for site in sites]


@router.post("/sites", status_code=status.HTTP_201_CREATED)
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
