"""Telling an outage (retry until it passes) from data ClickHouse rejects (retrying cannot
help: after a few attempts such entries go to the dead-letter stream)."""

from __future__ import annotations

import re
import struct

# ClickHouse error codes that mean "this data is wrong", not "ClickHouse is unwell".
DATA_ERROR_CODES = frozenset({
    6,    # CANNOT_PARSE_TEXT
    27,   # CANNOT_PARSE_INPUT_ASSERTION_FAILED
    38,   # CANNOT_PARSE_DATE
    41,   # CANNOT_PARSE_DATETIME
    53,   # TYPE_MISMATCH
    69,   # ARGUMENT_OUT_OF_BOUND
    70,   # CANNOT_CONVERT_TYPE
    72,   # CANNOT_PARSE_NUMBER
    117,  # INCORRECT_DATA
    321,  # VALUE_IS_OUT_OF_RANGE_OF_DATA_TYPE
})
_CODE = re.compile(r"Code: (\d+)")
DATA = "data"
UNAVAILABLE = "unavailable"


def classify(exc: BaseException) -> str:
    # Errors raised while clickhouse-connect serialises rows are about the rows themselves.
    if isinstance(exc, TypeError | ValueError | OverflowError | struct.error | KeyError |
                  IndexError) and not isinstance(exc, UnicodeError | ConnectionError):
        match = _CODE.search(str(exc))
        if match is None or int(match.group(1)) in DATA_ERROR_CODES:
            return DATA
    match = _CODE.search(str(exc))
    if match is not None and int(match.group(1)) in DATA_ERROR_CODES:
        return DATA
    return UNAVAILABLE


def reason(exc: BaseException) -> str:
    text = re.sub(r"\s+", " ", str(exc)).strip()
    return f"{type(exc).__name__}: {text[:500]}"
