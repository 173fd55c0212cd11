"""The fingerprint that groups occurrences of one error (docs/errors.md): the error type,
the normalised message and the top in-app frames (file path without host, query, fragment or
content hash; function name unless a minifier's one or two letters). A failed resource load
(type `resource`) groups by its element (the message) and its URL's host and path."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Final
from urllib.parse import urlsplit

from vitalscope.jserrors.message import normalise_message
from vitalscope.jserrors.stack import Frame, parse_stack

TOP_FRAMES = 3
# The SDK's type for a failed load of an <img>, <script>, <link>, ... (message: the element).
RESOURCE = "resource"
# A content hash in a file name: `app.3f9a2c1b.js`, `index-BxT3g9aQ.js`, `chunk-5XQHG7NL.js`
# (6+ letters and digits, at least one digit, between . or - and a later dot).
_CONTENT_HASH = re.compile(r"[.-](?=[A-Za-z0-9_]*\d)[A-Za-z0-9_]{6,}(?=\.)")
# Names a minifier makes (`e`, `Qt`) change with every build; grouping ignores them.
_MINIFIED_NAME = re.compile(r"^[A-Za-z_$][A-Za-z0-9_$]?$")
_SOURCE_POSITION = re.compile(r":\d+:\d+$")
# The group of the errors past a site's daily cap of groups (collector/cardinality): a
# fingerprint no grouping gives (it is a hash's first 8 bytes), so `(other)` is one group of
# its own. It is not an error, so never new in a release.
OTHER_FINGERPRINT: Final = 0


@dataclass(frozen=True, slots=True)
class Grouping:
    fingerprint: int  # UInt64
    message: str  # normalised
    top_frame: str  # `function (file)` of the innermost in-app frame, or the file alone


def frame_file(url: str) -> str:
    """The file part of a script URL that stays the same across deploys: its path without
    query, fragment and content hash (the host is left out: CDN or origin, same file)."""
    try:
        parts = urlsplit(url)
        path = parts.path if parts.scheme else url.split("?", 1)[0].split("#", 1)[0]
    except ValueError:
        path = url
    head, _, name = path.rpartition("/")
    return f"{head}/{_CONTENT_HASH.sub('', name)}" if head or path.startswith("/") else (
        _CONTENT_HASH.sub("", name))


def resource_key(url: str) -> str:
    """A failed resource's URL as it groups: host and path without query, fragment or content
    hash. Unlike a script's frames, the host counts: a blocked third party or one failing CDN
    is a problem of its own."""
    try:
        host = urlsplit(url).netloc.rpartition("@")[2].lower()
    except ValueError:
        host = ""
    return host + frame_file(url)


def frame_key(frame: Frame) -> str:
    function = "" if _MINIFIED_NAME.match(frame.function) else frame.function
    file = frame_file(frame.url)
    return f"{function} ({file})" if function else file


def group(error_type: str, message: str, stack: str, source: str) -> Grouping:
    if error_type == RESOURCE:
        keys = [resource_key(source)] if source else []
    else:
        keys = [frame_key(f) for f in parse_stack(stack) if f.in_app][:TOP_FRAMES]
    if not keys and source:
        # No usable stack (a cross-origin script error, a rejection with a string): the
        # file the error event named, without line and column.
        keys = [frame_file(_SOURCE_POSITION.sub("", source))]
    normalised = normalise_message(message)
    text = "\x1f".join((error_type, normalised, *keys))
    digest = hashlib.blake2b(text.encode(), digest_size=8).digest()
    return Grouping(int.from_bytes(digest, "little"), normalised, keys[0] if keys else "")
