"""Stacks and messages are written by strangers (up to 4 KiB and 1 KiB an error, many errors a
beacon), so parsing them must cost in proportion to their length. The two patterns that did
not (a URL in a message, a V8 frame) are guarded or replaced; these tests check that the
guard and the replacement change no answer: they agree with the plain patterns on crafted
and on random text. The cost itself is a benchmark figure (`python -m bench error_cpu`)."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from vitalscope.jserrors import stack
from vitalscope.jserrors.message import replace_urls

# The URL pattern normalise_message applied in one pass before, the reference here.
PLAIN_URL = re.compile(r"\b[a-z][a-z0-9+.-]*://[^\s'\"`<>()]+", re.IGNORECASE)

# Characters that decide the patterns' answers: scheme characters of both cases, the
# separators, word characters that are no scheme characters (`_`, `é`), and the non-ASCII
# letters that match [a-z] when case is ignored (Kelvin sign, dotless i, long s).
URL_ALPHABET = "aZ1+.-:/ _é'\"()<>\tKıſ@"
FRAME_ALPHABET = "at (1:)@ \t\u00a0.x/-"
CRAFTED_MESSAGES = [
    "a." * 512, "a+" * 512, "A-" * 500 + "://x", "x." * 300 + " http://a.example/p?q=1",
    "_https://x a1.b-c+d://y (é://z) ſ://k K://k ı://k", "see https://a.example/x://y",
    "fetch failed: https://api.example/v1 and ftp://files.example/a",
]
CRAFTED_LINES = [
    "at " + "a (" * 1300, "at " + ("x (" + "a:1:b") * 500, "at " + "a (" * 1300 + "b:1:1)",
    "at f (" + ":1" * 2000 + ":1:1)", "    at fn (https://x.example/a.js:1:2)",
    "fn@https://x.example/a.js:3:4", "at eval (eval at f (u:1:2), <anonymous>:1:1)",
    "at :1:1", "at x (:1:1)", "@" * 4000, "a@b:1:" * 600, " " * 4000 + ":1:1",
    "\t  fn@u:1:2", " \u00a0\u2003at g (u:5:6)",
]


def test_crafted_messages_get_the_urls_of_the_plain_pattern() -> None:
    for message in CRAFTED_MESSAGES:
        assert replace_urls(message) == PLAIN_URL.sub("<url>", message), message


@settings(max_examples=3000, deadline=None, database=None, derandomize=True)
@given(st.text(alphabet=URL_ALPHABET, max_size=80))
def test_random_messages_get_the_urls_of_the_plain_pattern(message: str) -> None:
    assert replace_urls(message) == PLAIN_URL.sub("<url>", message)


def _plain(line: str) -> tuple[str, str, str, str] | None:
    """The frame the plain patterns read from a line: (function, location, line, column)."""
    match = stack._V8.match(line) or stack._GECKO.match(line)
    if match is None:
        return None
    return ((match.group("fn") or "").strip(), match.group("loc"), match.group("line"),
            match.group("col"))


def _guarded(line: str) -> tuple[str, str, str, str] | None:
    match = stack.frame_match(line)
    if match is None:
        return None
    return ((match.group("fn") or "").strip(), match.group("loc"), match.group("line"),
            match.group("col"))


def test_crafted_lines_read_as_the_plain_patterns_read_them() -> None:
    for line in CRAFTED_LINES:
        assert _guarded(line) == _plain(line), line[:40]
    frames = stack.parse_stack("\n".join(CRAFTED_LINES))
    # The lazy `fn (` part ends at the first ` (`; a location is kept to 512 characters;
    # lines with no `:line:col` end, the eval frame and `at :1:1` (no location) are skipped.
    assert [(f.function, f.url, f.line, f.column) for f in frames] == [
        ("a", ("a (" * 1299 + "b")[:512], 1, 1),
        ("f", (":1" * 2000)[:512], 1, 1),
        ("fn", "https://x.example/a.js", 1, 2),
        ("fn", "https://x.example/a.js", 3, 4),
        ("", "x (", 1, 1),
        ("fn", "u", 1, 2),
        ("g", "u", 5, 6),
    ]


@settings(max_examples=3000, deadline=None, database=None, derandomize=True)
@given(st.text(alphabet=FRAME_ALPHABET, max_size=60))
def test_random_lines_read_as_the_plain_patterns_read_them(line: str) -> None:
    assert _guarded(line) == _plain(line)
