"""What an uploaded file must be: a source map is a JSON object of format version 3 that
Sentry's `symbolic` parses; a minified script is UTF-8 text; both are bounded in size. The
URL prefix and the release name are checked too. Every refusal names what is wrong."""

from __future__ import annotations

import json
import re
from typing import Literal

from symbolic.exceptions import SymbolicError
from symbolic.sourcemap import SourceMapView

Kind = Literal["map", "source"]
KINDS: tuple[Kind, ...] = ("map", "source")
MAX_URL = 2048
MAX_RELEASE = 128  # the beacon's `rel` limit (collector/wire.py)
# Where scripts are served: `https://host/path/`, or `~/path/` for any scheme and host.
URL_PREFIX = re.compile(r"^(https?://[^\s/?#]+|~)/[^\s?#]*$")
SCRIPT_URL = re.compile(r"^(https?://[^\s/?#]+|~)/[^\s?#]+$")
RELEASE = re.compile(r"^[^\x00-\x1f\x7f]{1,128}$")


class BadSourcemap(ValueError):
    """An upload refused for its content; `str()` says what is wrong."""


class TooLarge(BadSourcemap):
    pass


def check_release(release: str) -> str:
    if not RELEASE.fullmatch(release):
        raise BadSourcemap("release: 1 to 128 printable characters")
    return release


def check_url(url: str) -> str:
    if len(url) > MAX_URL or not SCRIPT_URL.fullmatch(url):
        raise BadSourcemap("url: the script's URL, `https://host/path/app.js` or "
                           "`~/path/app.js` (any host), without query or fragment, at most "
                           f"{MAX_URL} characters")
    return url


def check_file(kind: Kind, data: bytes, max_bytes: int) -> None:
    if len(data) > max_bytes:
        raise TooLarge(f"{kind}: {len(data)} bytes is over the limit of {max_bytes} "
                       "(sourcemaps.max_file_bytes)")
    if not data:
        raise BadSourcemap(f"{kind}: empty")
    if kind == "source":
        try:
            data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise BadSourcemap(f"source: not UTF-8 text (byte {exc.start})") from None
        return
    try:
        document = json.loads(data)
    except (ValueError, RecursionError) as exc:
        raise BadSourcemap(f"map: not JSON: {str(exc)[:200]}") from None
    if not isinstance(document, dict):
        raise BadSourcemap("map: not a JSON object")
    if document.get("version") != 3:
        raise BadSourcemap("map: `version` must be 3 (source map revision 3)")
    if not isinstance(document.get("mappings"), str) and not isinstance(
            document.get("sections"), list):
        raise BadSourcemap("map: has neither `mappings` (a string) nor `sections`")
    if "mappings" in document and not isinstance(document.get("sources"), list):
        raise BadSourcemap("map: `sources` must be a list")
    try:
        SourceMapView.from_json_bytes(data)
    except SymbolicError as exc:
        raise BadSourcemap(f"map: cannot be read: {str(exc)[:200]}") from None
