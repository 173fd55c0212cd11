"""Field types shared by the settings sections (vitalscope/config/) and the config models
features declare for the settings (alert receivers): durations; names are in
vitalscope/names.py. Outside the settings package, whose import loads every section, so a
feature model can use them."""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import BeforeValidator

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$")
_UNIT_S = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0, None: 1.0}


def parse_duration(value: Any) -> Any:
    """`90`, `90s`, `5m`, `1.5h`, `7d`, `250ms` -> seconds."""
    if isinstance(value, bool):  # pydantic would read true as 1 s
        raise ValueError(f"{value!r} is not a duration like 30s, 5m, 1h or 7d")
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, str):
        match = _DURATION.match(value)
        if match is None:
            raise ValueError(f"{value!r} is not a duration like 30s, 5m, 1h or 7d")
        return float(match.group(1)) * _UNIT_S[match.group(2)]
    return value


Duration = Annotated[float, BeforeValidator(parse_duration)]
