"""Silences: label matchers with an expiry; a silenced alert is not notified."""

from __future__ import annotations

import json
import re
import time
import uuid
from dataclasses import asdict, dataclass, field

import redis

from vitalscope.redisstore import keys

SILENCES_KEY = keys.ALERTS_SILENCES
# name, operator, value; spaces and tabs around them; no control characters. Also the OpenAPI
# pattern of a matcher (the same text means the same in Python and ECMA regular expressions).
MATCHER = r"^[ \t]*([A-Za-z_][A-Za-z0-9_]*)[ \t]*(=~|!~|!=|=)[ \t]*([^\x00-\x1f\x7f]*?)[ \t]*$"
_MATCHER = re.compile(MATCHER)


class SilenceError(ValueError):
    pass


@dataclass(frozen=True)
class Matcher:
    name: str
    op: str
    value: str

    @classmethod
    def parse(cls, text: str) -> Matcher:
        match = _MATCHER.fullmatch(text)
        if match is None:
            raise SilenceError(f"{text!r} is not a matcher like site=shop, rule!=x or "
                               "page_group=~/checkout.*")
        name, op, value = match.groups()
        value = value.strip("\"'")
        if op in ("=~", "!~"):
            try:
                re.compile(value)
            except re.error as exc:
                raise SilenceError(f"matcher {text!r}: bad regular expression: {exc}") from None
        return cls(name, op, value)

    def matches(self, labels: dict[str, str]) -> bool:
        have = labels.get(self.name, "")
        if self.op == "=":
            return have == self.value
        if self.op == "!=":
            return have != self.value
        found = re.fullmatch(self.value, have) is not None
        return found if self.op == "=~" else not found

    def __str__(self) -> str:
        return f"{self.name}{self.op}{self.value}"


@dataclass
class Silence:
    id: str
    matchers: list[Matcher]
    starts_at: float
    ends_at: float
    comment: str = ""
    created_by: str = ""
    created_at: float = field(default_factory=time.time)

    def active(self, now: float) -> bool:
        return self.starts_at <= now < self.ends_at

    def matches(self, labels: dict[str, str]) -> bool:
        return all(m.matches(labels) for m in self.matchers)

    def as_dict(self, now: float | None = None) -> dict[str, object]:
        at = time.time() if now is None else now
        data = asdict(self)
        data["matchers"] = [str(m) for m in self.matchers]
        data["state"] = "active" if self.active(at) else (
            "pending" if self.starts_at > at else "expired")
        return data


def _load(raw: bytes) -> Silence:
    data = json.loads(raw)
    data["matchers"] = [Matcher(**m) for m in data["matchers"]]
    return Silence(**data)


class SilenceStore:
    def __init__(self, client: redis.Redis) -> None:
        self.redis = client

    def add(self, matchers: list[str], duration_s: float, *, comment: str = "",
            created_by: str = "", starts_at: float | None = None) -> Silence:
        if not matchers:
            raise SilenceError("a silence needs at least one matcher")
        if duration_s <= 0:
            raise SilenceError("a silence must last more than 0 s")
        start = time.time() if starts_at is None else starts_at
        silence = Silence(uuid.uuid4().hex[:12], [Matcher.parse(m) for m in matchers], start,
                          start + duration_s, comment, created_by)
        data = asdict(silence)
        self.redis.hset(SILENCES_KEY, silence.id, json.dumps(data))
        return silence

    def all(self) -> list[Silence]:
        raw: dict[bytes, bytes] = self.redis.hgetall(SILENCES_KEY)  # type: ignore[assignment]
        return sorted((_load(v) for v in raw.values()), key=lambda s: s.created_at)

    def active(self, now: float) -> list[Silence]:
        return [s for s in self.all() if s.active(now)]

    def expire(self, silence_id: str, now: float | None = None) -> Silence:
        raw = self.redis.hget(SILENCES_KEY, silence_id)
        if raw is None:
            raise SilenceError(f"no silence {silence_id!r}")
        silence = _load(raw)  # type: ignore[arg-type]
        silence.ends_at = min(silence.ends_at, time.time() if now is None else now)
        self.redis.hset(SILENCES_KEY, silence.id, json.dumps(asdict(silence)))
        return silence
