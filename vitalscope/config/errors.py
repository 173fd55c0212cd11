"""Configuration problems told as one line each: the key, where it came from, what is wrong."""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

from pydantic import ValidationError


class ConfigError(Exception):
    """Invalid configuration. `str()` is the message a user reads; no traceback needed."""

    def __init__(self, lines: Sequence[str]) -> None:
        self.lines = list(lines)
        super().__init__("\n".join(self.lines))


def _written(loc: Sequence[int | str]) -> list[int | str]:
    """The keys of `loc` a user wrote: without the member a tagged union picked, which
    pydantic names by its tag (written `field=value`, e.g. `type=slack` for a receiver)."""
    return [p for p in loc if not (isinstance(p, str) and "=" in p)]


def _key_path(loc: Sequence[int | str]) -> str:
    text = ""
    for part in _written(loc):
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += ("." if text else "") + str(part)
    return text or "(root)"


def _origin(loc: Sequence[int | str], config_file: str | None) -> str:
    top = [p for p in _written(loc) if isinstance(p, str)]
    if not top:
        return ""
    env_name = "VITALSCOPE_" + "__".join(p.upper() for p in top)
    if env_name in os.environ:
        return f" (from {env_name})"
    if config_file:
        return f" (in {config_file})"
    return ""


def _shown_input(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def from_validation_error(exc: ValidationError, config_file: str | None) -> ConfigError:
    lines = []
    for err in exc.errors(include_url=False):
        loc = err.get("loc", ())
        message = err.get("msg", "invalid")
        if err.get("type") == "extra_forbidden":
            message = "unknown setting"
        elif message.startswith("Value error, "):
            message = message.removeprefix("Value error, ")
        shown = ""
        if err.get("type") not in ("extra_forbidden", "missing") and "input" in err:
            raw = err["input"]
            if not isinstance(raw, dict | list) and "secret" not in str(loc) \
                    and "token" not in str(loc) and "password" not in str(loc) \
                    and "key" not in str(loc[-1:]) \
                    and "url" not in str(loc[-1:]):
                shown = f", got {_shown_input(raw)}"
        lines.append(
            f"configuration error: {_key_path(loc)}{_origin(loc, config_file)}: {message}{shown}"
        )
    return ConfigError(lines)
