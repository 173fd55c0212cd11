"""Filters and view options live in the query string, so a link shows the same thing."""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import parse_qsl, urlencode


def parse(search: str | None) -> dict[str, str]:
    return dict(parse_qsl((search or "").lstrip("?"), keep_blank_values=False))


def build(params: Mapping[str, str | None]) -> str:
    clean = {k: v for k, v in params.items() if v not in (None, "")}
    return "?" + urlencode(clean) if clean else ""


FILTER_KEYS = ("site", "range", "from", "to", "segment")


def filter_params(search: str | None) -> dict[str, str]:
    params = parse(search)
    return {k: params[k] for k in FILTER_KEYS if k in params}
