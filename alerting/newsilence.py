"""The body of POST /admin/v1/alerts/silences, checked as strictly as its OpenAPI schema says:
at least one matcher, each `name op value` (a regular expression that compiles for `=~` and
`!~`), and a duration above 0 and at most 99999 days (longer ones would end past the
calendar)."""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel, Field, field_validator
from pydantic_core import PydanticCustomError

from alerting.silences import MATCHER, Matcher, SilenceError
from vitalscope.config.alerting import parse_duration

# `90`, `1.5h`, `250ms`, `7d`: a number above 0 with at most 5 digits before the point.
SILENCE_DURATION = (r"^(0*[1-9][0-9]{0,4}(\.[0-9]{1,6})?|0+\.[0-9]{0,5}[1-9][0-9]{0,5})"
                    r"(ms|s|m|h|d)?$")
MAX_SILENCE_S = 99999 * 86400.0
MAX_MATCHER = 500
MAX_DURATION = 32
_DURATION = re.compile(SILENCE_DURATION)
_MATCHER = re.compile(MATCHER)


def _invalid(message: str) -> PydanticCustomError:
    return PydanticCustomError("invalid", "{message}", {"message": message})


class NewSilence(BaseModel):
    matchers: list[str] = Field(
        description="Label matchers: name=value, name!=value, name=~regex, name!~regex (a "
        "Python regular expression that compiles).",
        json_schema_extra={"minItems": 1, "items": {
            "type": "string", "maxLength": MAX_MATCHER, "pattern": MATCHER}})
    duration: str | float | None = Field(
        default=None, description="How long: seconds, or a duration like 2h; at most 99999 "
        "days (default: alerting.silence_duration).",
        json_schema_extra={"anyOf": [
            {"type": "string", "maxLength": MAX_DURATION, "pattern": SILENCE_DURATION},
            {"type": "number", "exclusiveMinimum": 0, "maximum": MAX_SILENCE_S},
            {"type": "null"}]})
    comment: str = Field(default="", max_length=500, description="Why.")
    created_by: str = Field(default="", max_length=100, description="Who.")

    @field_validator("matchers")
    @classmethod
    def _matchers(cls, values: list[str]) -> list[str]:
        if not values:
            raise _invalid("a silence needs at least one matcher")
        for value in values:
            try:
                if len(value) > MAX_MATCHER or not _MATCHER.fullmatch(value):
                    raise SilenceError(f"{value[:100]!r} is not a matcher like site=shop, "
                                       "rule!=x or page_group=~/checkout.*")
                Matcher.parse(value)
            except SilenceError as exc:
                raise _invalid(str(exc)) from None
        return values

    @field_validator("duration", mode="before")
    @classmethod
    def _duration(cls, value: Any) -> Any:
        if value is None:
            return None
        if isinstance(value, str) and len(value) <= MAX_DURATION and _DURATION.fullmatch(value):
            return float(parse_duration(value))
        if isinstance(value, int | float) and not isinstance(value, bool) \
                and 0 < value <= MAX_SILENCE_S:
            return float(value)
        raise _invalid(f"{str(value)[:40]!r} is not a duration above 0 and at most 99999 days "
                       "like 30s, 5m, 1h or 7d")
