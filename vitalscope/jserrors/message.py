"""Error messages normalised for grouping: the variable parts (numbers, ids, quoted values,
URLs) become placeholders, so one bug with many values is one group."""

from __future__ import annotations

import re

MAX_MESSAGE = 256
# A URL is `\b[a-z][a-z0-9+.-]*://[^\s'"`<>()]+` (case-insensitive). Searched with that one
# pattern, every letter of a long run of scheme characters with no `://` after it (a crafted
# `a.a.a.a...`) rescans the run: quadratic in a message anyone can send. So the runs followed
# by `://` are found first, each scanned once (a run starts where no scheme character is
# before it), and the URL's start is the first word-boundary letter of its run: the same
# matches as the single pattern (tests/vitalscope/jserrors/test_linear_parsing.py).
_SCHEME_RUN = re.compile(r"(?<![a-z0-9+.-])[a-z0-9+.-]++(?=://[^\s'\"`<>()])", re.IGNORECASE)
_SCHEME_START = re.compile(r"\b[a-z]", re.IGNORECASE)
_URL_REST = re.compile(r"://[^\s'\"`<>()]+")
_QUOTED = re.compile(r"'[^'\n]*'|\"[^\"\n]*\"|`[^`\n]*`")
_UUID = re.compile(
    r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b", re.IGNORECASE)
# 0x-prefixed, or 8+ hex digits with at least one digit (so plain words stay words).
_HEX = re.compile(r"\b0x[0-9a-f]+\b|\b(?=[0-9a-f]*\d)[0-9a-f]{8,}\b", re.IGNORECASE)
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_SPACE = re.compile(r"\s+")
# Browsers prefix the message of an uncaught error in some paths (`Uncaught TypeError: x`).
_UNCAUGHT = re.compile(r"^(?:Uncaught )?(?:[A-Za-z]*Error: )?")


def replace_urls(text: str, placeholder: str = "<url>") -> str:
    parts: list[str] = []
    done = 0
    run = _SCHEME_RUN.search(text)
    while run is not None:
        start = _SCHEME_START.search(text, run.start(), run.end())
        if start is None:
            run = _SCHEME_RUN.search(text, run.end())
            continue
        rest = _URL_REST.match(text, run.end())
        assert rest is not None  # the run's lookahead saw it
        parts += [text[done:start.start()], placeholder]
        done = rest.end()
        run = _SCHEME_RUN.search(text, done)
    return "".join(parts) + text[done:]


def normalise_message(message: str) -> str:
    text = _UNCAUGHT.sub("", message.strip(), count=1)
    text = replace_urls(text)
    text = _QUOTED.sub("<str>", text)
    text = _UUID.sub("<uuid>", text)
    text = _HEX.sub("<hex>", text)
    text = _NUMBER.sub("<n>", text)
    return _SPACE.sub(" ", text).strip()[:MAX_MESSAGE]
