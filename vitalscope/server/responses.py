"""What the OpenAPI schema says about answers every route shares: the JSON error body and
the statuses routes answer with, and the CSV alternative of table endpoints."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


class ErrorBody(BaseModel):
    """Every 4xx answer (collector/errors.py and the app's error handlers)."""

    error: str = Field(description="Machine-readable code: invalid_request, invalid_filter, "
                       "http_401, http_404, ...")
    field: str | None = Field(default=None, description="The parameter or body field that is "
                              "wrong, when one is.")
    message: str = Field(description="What is wrong, in words.")


WHY = {
    400: "The body is not JSON.",
    401: "No valid bearer token (or, for /api/v1, login session).",
    404: "No such resource (site, check, run, rule, silence, receiver), or the admin API is "
         "off.",
    405: "Method not allowed; `Allow` lists the methods of the path.",
    409: "Conflicts with what exists.",
    413: "The body is over a size limit; the message names the limit.",
    422: "A parameter or body field is invalid; `field` names it.",
    429: "Too many wrong credentials from this client or for this account "
         "(vitalscope/auth/throttle.py); `Retry-After` says when to try again.",
    503: "This process does not serve it.",
    504: "No answer in time.",
}


def errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    """`responses=` of a route or router: the given error statuses with the error body. A
    route that checks credentials (401) is throttled too (429)."""
    if 401 in codes and 429 not in codes:
        codes = (*codes, 429)
    return {code: {"model": ErrorBody, "description": WHY[code]} for code in codes}


def json_or_csv(description: str = "JSON, or CSV with `format=csv`."
                ) -> dict[int | str, dict[str, Any]]:
    """The 200 answer of an endpoint that also exports its table as CSV."""
    return {200: {"description": description, "content": {
        "application/json": {"schema": {"type": "object"}},
        "text/csv": {"schema": {"type": "string"}},
    }}}


def json_object(description: str = "Successful Response") -> dict[int | str, dict[str, Any]]:
    return {200: {"description": description,
                  "content": {"application/json": {"schema": {"type": "object"}}}}}
