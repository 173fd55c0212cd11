"""Filters of every panel (site, time range, segment): parsed from URL parameters, checked,
and turned into the window and rollup tier the queries run on. Bad values raise
FilterError with a message naming the parameter; they never reach SQL."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TypedDict

from dashboard.metrics import DIMENSIONS
from vitalscope.names import SITE_NAME

RANGES: dict[str, timedelta] = {
    "1h": timedelta(hours=1),
    "24h": timedelta(hours=24),
    "7d": timedelta(days=7),
    "30d": timedelta(days=30),
}
DEFAULT_RANGE = "24h"
MAX_CUSTOM_SPAN = timedelta(days=90)
# The vital 1m tiers keep 36 hours (migration 0083); a window whose previous period (the
# comparison deltas) starts earlier than this reads the 1h tier.
MINUTE_TIER_AGE = timedelta(hours=35)
# The vital 1h tiers keep 17 days (migration 0070); a window whose previous period (the
# comparison deltas) starts earlier than this reads the 1d tier, which keeps 400 days.
HOUR_TIER_AGE = timedelta(days=16)
SEGMENT_VALUE = re.compile(r"^[A-Za-z0-9 ._:/()+-]{1,64}$")
PAGE_GROUP = re.compile(r"^[^\x00-\x1f\x7f]{1,200}$")
# `from` / `to`: an ISO 8601 date or date and time, UTC unless it has a zone. The same text is
# the OpenAPI pattern of the parameters (the calendar is checked on top: no 30 February).
TIME = re.compile(
    r"^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])"
    r"([T ]([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]{1,6})?)?"
    r"(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9])?)?$")


# A window as the API shows it (`from` is a keyword, hence the functional form).
WindowJson = TypedDict("WindowJson", {"from": str, "to": str, "resolution": str})


class FilterError(ValueError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field


@dataclass(frozen=True)
class Tier:
    name: str  # suffix of the rollup tables: 1m, 1h, 1d
    step: timedelta


TIERS = (Tier("1m", timedelta(minutes=1)), Tier("1h", timedelta(hours=1)),
         Tier("1d", timedelta(days=1)))


def _floor(moment: datetime, step: timedelta) -> datetime:
    epoch = datetime(1970, 1, 1, tzinfo=UTC)
    return epoch + ((moment - epoch) // step) * step


@dataclass(frozen=True)
class Window:
    """[start, end) aligned to the tier's buckets."""

    start: datetime
    end: datetime
    tier: Tier

    @property
    def previous(self) -> Window:
        span = self.end - self.start
        return Window(self.start - span, self.start, self.tier)

    def table(self, family: str) -> str:
        return f"{family}_{self.tier.name}"

    def params(self) -> dict[str, object]:
        return {"from": self.start.replace(tzinfo=None), "to": self.end.replace(tzinfo=None)}

    def as_dict(self) -> WindowJson:
        return {"from": self.start.isoformat(), "to": self.end.isoformat(),
                "resolution": self.tier.name}


def pick_tier(span: timedelta, start: datetime, now: datetime) -> Tier:
    if span <= timedelta(hours=6) and start - span >= now - MINUTE_TIER_AGE:
        return TIERS[0]
    if span <= timedelta(days=8) and start - span >= now - HOUR_TIER_AGE:
        return TIERS[1]
    return TIERS[2]


def _parse_time(field: str, text: str) -> datetime:
    if not TIME.fullmatch(text):
        raise FilterError(field, "not an ISO 8601 date/time like 2024-05-01T10:00:00Z")
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise FilterError(field, "not a date of the calendar") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@dataclass(frozen=True)
class Filters:
    site: str
    range: str = DEFAULT_RANGE
    start: datetime | None = None  # custom range only
    end: datetime | None = None
    dim: str = "all"
    val: str = ""

    @property
    def segment(self) -> str:
        return "" if self.dim == "all" else f"{self.dim}:{self.val}"

    def window(self, now: datetime | None = None) -> Window:
        now = now or datetime.now(UTC)
        if self.range == "custom":
            assert self.start is not None and self.end is not None
            start, end = self.start, min(self.end, now)
        else:
            start, end = now - RANGES[self.range], now
        tier = pick_tier(end - start, start, now)
        aligned_end = _floor(end, tier.step)
        if aligned_end < end:
            aligned_end += tier.step
        return Window(_floor(start, tier.step), aligned_end, tier)

    def query_string(self) -> dict[str, str]:
        out = {"site": self.site, "range": self.range}
        if self.range == "custom" and self.start and self.end:
            out["from"], out["to"] = self.start.isoformat(), self.end.isoformat()
        if self.segment:
            out["segment"] = self.segment
        return out


def parse_filters(site: str | None, range_: str | None = None, start: str | None = None,
                  end: str | None = None, segment: str | None = None,
                  now: datetime | None = None) -> Filters:
    """Filters from URL parameters; the site's existence is checked by the caller."""
    now = now or datetime.now(UTC)
    if not site:
        raise FilterError("site", "required")
    if not SITE_NAME.fullmatch(site):
        raise FilterError("site", "not a site name")
    range_ = range_ or DEFAULT_RANGE
    # Checked whatever the range, so a malformed time is never silently ignored.
    begin = _parse_time("from", start) if start is not None else None
    finish = _parse_time("to", end) if end is not None else None
    if range_ == "custom":
        if begin is None or finish is None:
            raise FilterError("range", "custom needs `from` and `to`")
        if begin >= finish:
            raise FilterError("from", "must be before `to`")
        if finish - begin > MAX_CUSTOM_SPAN:
            raise FilterError("to", f"a range spans at most {MAX_CUSTOM_SPAN.days} days")
        if begin > now or begin < now - timedelta(days=400):
            raise FilterError("from", "must lie within the last 400 days")
    elif range_ not in RANGES:
        raise FilterError("range", f"one of {', '.join([*RANGES, 'custom'])}")
    else:
        begin = finish = None  # only a custom range uses them
    dim, val = "all", ""
    if segment:
        dim, sep, val = segment.partition(":")
        if not sep or dim not in DIMENSIONS:
            raise FilterError("segment", f"`dimension:value` with dimension one of "
                                         f"{', '.join(DIMENSIONS)}")
        if not SEGMENT_VALUE.fullmatch(val):
            raise FilterError("segment", "value: 1 to 64 letters, digits or . _ : / ( ) + - "
                                         "and spaces")
    return Filters(site, range_, begin, finish, dim, val)


def check_page_group(value: str | None) -> str:
    if not value or not PAGE_GROUP.fullmatch(value):
        raise FilterError("page_group", "1 to 200 printable characters")
    return value
