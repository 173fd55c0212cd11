"""Stack frames parsed from the `Error.stack` text of the browsers: Chromium/V8
(`    at fn (url:line:col)`) and Firefox/Safari (`fn@url:line:col`)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

MAX_FRAMES = 50  # a stack is at most 4 KiB on the wire; more frames than this are noise
# `at fn (loc)`, `at async fn (loc)`, `at loc`; loc ends in :line:col.
_V8 = re.compile(r"^\s*at (?:(?P<fn>.+?) \()?(?P<loc>.+?):(?P<line>\d+):(?P<col>\d+)\)?\s*$")
# `fn@loc`, `@loc`, `fn/<@loc`; the function part holds no @ (a URL's user@host does not
# occur: page scripts are fetched without credentials in the URL).
_GECKO = re.compile(r"^\s*(?P<fn>[^@]*)@(?P<loc>.+?):(?P<line>\d+):(?P<col>\d+)\s*$")
# What both forms end in. A line without it is no frame, and is skipped before _V8 is
# tried: on a crafted line of many ` (` and no such end, _V8's optional `fn (` part is retried
# at every ` (`, quadratic in a stack anyone can send; with the end present, its first try
# matches.
_FRAME_END = re.compile(r":\d+:\d+\)?\s*$")
# Safari's frames of code without a function: `global code@...`, `eval code@...`.
_NO_FUNCTION = frozenset({"global code", "eval code", "module code", "<anonymous>"})
_IN_APP_SCHEMES = frozenset({"http", "https"})


@dataclass(frozen=True, slots=True)
class Frame:
    function: str  # as the browser named it (minified in a minified bundle), "" if none
    url: str  # the script's URL as in the stack (query strings are cut by the SDK)
    line: int  # 1-based
    column: int  # 1-based

    @property
    def in_app(self) -> bool:
        """Code the page loaded over http(s): not an extension, eval'd or native code."""
        try:
            return urlsplit(self.url).scheme in _IN_APP_SCHEMES
        except ValueError:
            return False

    def as_dict(self) -> dict[str, object]:
        return {"function": self.function, "url": self.url, "line": self.line,
                "column": self.column, "in_app": self.in_app}


def _function(name: str) -> str:
    name = name.strip()
    for prefix in ("async ", "new "):
        if name.startswith(prefix):
            name = name[len(prefix):]
    # Firefox marks closures `outer/<` or `outer/inner<`: the name is enough.
    name = name.rstrip("<").rstrip("/")
    return "" if name in _NO_FUNCTION else name[:200]


def frame_match(line: str) -> re.Match[str] | None:
    """_V8's or else _GECKO's match of one line, at a cost in proportion to its length (the
    patterns alone are quadratic on some lines anyone can send, see _FRAME_END). Leading
    white space is stripped first: both patterns skip it, and _GECKO would otherwise try
    every split of a long run of it between its leading `\\s*` and its `[^@]*`."""
    if _FRAME_END.search(line) is None:
        return None
    line = line.lstrip()
    return _V8.match(line) or _GECKO.match(line)


def parse_stack(stack: str) -> list[Frame]:
    """The frames of a stack, innermost first; lines that are no frame (the message line
    V8 puts first, `at <anonymous>`, native code) are skipped."""
    frames: list[Frame] = []
    for raw in stack.splitlines():
        match = frame_match(raw)
        if match is None:
            continue
        location = match.group("loc")
        # V8's eval frames: `at eval (eval at fn (url:1:2), <anonymous>:1:1)` name no file.
        if location.startswith("eval at ") or "<anonymous>" in location:
            continue
        frames.append(Frame(_function(match.group("fn") or ""), location[:512],
                            int(match.group("line")), int(match.group("col"))))
        if len(frames) >= MAX_FRAMES:
            break
    return frames
