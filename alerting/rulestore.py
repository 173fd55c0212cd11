"""Rules from the YAML configuration plus rules added through the admin API (kept in
Redis). Configuration rules cannot be changed through the API: the file is their truth."""

from __future__ import annotations

import json

import redis
from pydantic import ValidationError

from vitalscope.config.alerting import AlertingSettings, RuleConfig, check_receivers
from vitalscope.redisstore import keys

RULES_KEY = keys.ALERTS_RULES


class RuleError(ValueError):
    """A rule refused; `str()` is one line naming what is wrong."""


class RuleConflict(RuleError):
    pass


def validation_message(exc: ValidationError) -> str:
    first = exc.errors(include_url=False)[0]
    where = ".".join(str(p) for p in first.get("loc", ()))
    message = str(first.get("msg", "invalid")).removeprefix("Value error, ")
    if first.get("type") == "extra_forbidden":
        message = "unknown field"
    return f"{where}: {message}" if where else message


def parse_rule(data: object) -> RuleConfig:
    try:
        return RuleConfig.model_validate(data)
    except ValidationError as exc:
        raise RuleError(validation_message(exc)) from None


class RuleStore:
    def __init__(self, settings: AlertingSettings, client: redis.Redis) -> None:
        self.settings = settings
        self.redis = client

    def configured(self) -> list[RuleConfig]:
        return list(self.settings.rules)

    def added(self) -> list[RuleConfig]:
        raw: dict[bytes, bytes] = self.redis.hgetall(RULES_KEY)  # type: ignore[assignment]
        rules = []
        for value in raw.values():
            try:
                rules.append(RuleConfig.model_validate_json(value))
            except ValidationError:
                continue  # written by an older version with other fields: skipped, not fatal
        return sorted(rules, key=lambda r: r.name)

    def all(self) -> list[RuleConfig]:
        configured = self.configured()
        names = {r.name for r in configured}
        return configured + [r for r in self.added() if r.name not in names]

    def add(self, rule: RuleConfig, replace: bool = False) -> RuleConfig:
        if rule.name in {r.name for r in self.configured()}:
            raise RuleConflict(f"rule {rule.name!r} is defined in the configuration file")
        try:
            check_receivers(rule, {r.name for r in self.settings.receivers})
        except ValueError as exc:
            raise RuleError(str(exc)) from None
        body = rule.model_dump_json(by_alias=True)
        if replace:
            self.redis.hset(RULES_KEY, rule.name, body)
        elif not self.redis.hsetnx(RULES_KEY, rule.name, body):
            raise RuleConflict(f"rule {rule.name!r} exists")
        return rule

    def delete(self, name: str) -> None:
        if name in {r.name for r in self.configured()}:
            raise RuleConflict(f"rule {name!r} is defined in the configuration file")
        if not self.redis.hdel(RULES_KEY, name):
            raise RuleError(f"no rule {name!r}")


def rule_json(rule: RuleConfig, source: str) -> dict[str, object]:
    data: dict[str, object] = json.loads(rule.model_dump_json(by_alias=True))
    data["source"] = source
    return data
