"""Error messages normalised for grouping: the variable parts (numbers, ids, quoted values,
URLs) become placeholders, so one bug with many values is one group."""

from __future__ import annotations

import re

MAX_MESSAGE = 256
_URL = re.compile(r"\b[a-z][a-z0-9+.-]*://[^\s'\"`<>()]+", re.IGNORECASE)
_QUOTED = re.compile(r"'[^'\n]*'|\"[^\"\n]*\"|`[^`\n]*`")
_UUID = re.compile(
    r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b", re.IGNORECASE)
# 0x-prefixed, or 8+ hex digits with at least one digit (so plain words stay words).
_HEX = re.compile(r"\b0x[0-9a-f]+\b|\b(?=[0-9a-f]*\d)[0-9a-f]{8,}\b", re.IGNORECASE)
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_SPACE = re.compile(r"\s+")
# Browsers prefix the message of an uncaught error in some paths (`Uncaught TypeError: x`).
_UNCAUGHT = re.compile(r"^(?:Uncaught )?(?:[A-Za-z]*Error: )?")


def normalise_message(message: str) -> str:
    text = _UNCAUGHT.sub("", message.strip(), count=1)
    text = _URL.sub("<url>", text)
    text = _QUOTED.sub("<str>", text)
    text = _UUID.sub("<uuid>", text)
    text = _HEX.sub("<hex>", text)
    text = _NUMBER.sub("<n>", text)
    return _SPACE.sub(" ", text).strip()[:MAX_MESSAGE]
