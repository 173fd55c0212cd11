"""A ClickHouse exception as the HTTP interface reports it: its code and the HTTP status."""

from __future__ import annotations

import re

# Codes the endpoint raises itself (the numbers ClickHouse gives the same failures).
BAD_ARGUMENTS = 36
NOT_IMPLEMENTED = 48
UNKNOWN_COMPRESSION_METHOD = 89
CANNOT_DECOMPRESS = 271
SESSION_NOT_FOUND = 372
QUERY_IS_TOO_LARGE = 229
INVALID_SESSION_TIMEOUT = 374

# ClickHouse's own mapping of exception codes to HTTP statuses (HTTPHandler.cpp,
# exceptionCodeToHTTPStatus), for the codes a query through this endpoint can meet; the
# rest answer 500. clickhouse-connect retries 429/503/504 only, so none of these is retried.
_STATUS = {
    **dict.fromkeys((192, 193, 194, 516), 401),  # unknown user, wrong/required password, auth
    **dict.fromkeys((164, 497), 403),  # readonly, access denied
    # unparsable input, syntax, bad AST, type mismatch, incorrect data, value out of range
    **dict.fromkeys((6, 26, 27, 38, 41, 53, 62, 72, 117, 167, 168, 169, 321), 400),
    # unknown table/function/identifier/type/storage/database/setting/aggregate/format
    **dict.fromkeys((46, 47, 50, 56, 60, 63, 73, 81, 115), 404),
    QUERY_IS_TOO_LARGE: 413,
    NOT_IMPLEMENTED: 501,
}

_CODE = re.compile(r"Code: (\d+)\. ")


class ClickHouseFailure(Exception):
    """A failed query: `code` is the ClickHouse exception code, the message its text."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code

    @property
    def status(self) -> int:
        return _STATUS.get(self.code, 500)

    @property
    def body(self) -> bytes:
        text = str(self)
        if not text.startswith("Code: "):
            text = f"Code: {self.code}. DB::Exception: {text}"
        return (text.rstrip() + "\n").encode("utf-8", "replace")

    @classmethod
    def from_engine(cls, exc: BaseException) -> ClickHouseFailure:
        """chDB's exception text (`Code: N. DB::Exception: ...`, possibly wrapped by the
        streaming inserter) as a failure with that code."""
        text = str(exc)
        match = _CODE.search(text)
        if match is None:
            return cls(1001, text.strip() or type(exc).__name__)  # STD_EXCEPTION
        return cls(int(match.group(1)), text[match.start():].strip())
