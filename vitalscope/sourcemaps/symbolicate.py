"""Stack frames turned back into original files, lines and functions with the release's
source maps, when a stack is read (never at ingest: maps come after the errors they explain).
Parsing is Sentry's `symbolic`: with the minified script its scopes give the original
function name (SourceMapCache); with the map alone, file, line and column (SourceMapView).
Parsed maps are kept in a bounded LRU cache, used while their stored digest is unchanged."""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from symbolic.exceptions import SymbolicError
from symbolic.sourcemap import SourceMapView
from symbolic.sourcemapcache import SourceMapCache

from vitalscope.jserrors.stack import Frame, parse_stack
from vitalscope.sourcemaps.store import SourcemapStore
from vitalscope.storage.sql import named_query


@dataclass(frozen=True)
class Parsed:
    digest: str
    cache: SourceMapCache | None  # with the minified script
    view: SourceMapView | None  # the map alone

    def original(self, frame: Frame) -> dict[str, Any] | None:
        if self.cache is not None:
            token = self.cache.lookup(frame.line, frame.column, 0)
            if token is None or not token.src:
                return None
            return {"file": token.src, "line": token.line, "column": token.col,
                    "function": token.function_name or None}
        assert self.view is not None
        match = self.view.lookup(frame.line - 1, frame.column - 1)
        if match is None or not match.src:
            return None
        return {"file": match.src, "line": match.src_line + 1, "column": match.src_col + 1,
                "function": None}


def candidate_urls(url: str) -> list[str]:
    """The keys a script's map may be stored under: its URL without query and fragment,
    then `~/path` (uploaded for any host)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return []
    if parts.scheme not in ("http", "https") or not parts.path:
        return []
    return [f"{parts.scheme}://{parts.netloc}{parts.path}", f"~{parts.path}"]


class Symbolicator:
    """One per process (its cache is shared); the store is the caller's, so each thread
    reads through its own ClickHouse client."""

    def __init__(self, cache_entries: int) -> None:
        self.cache_entries = cache_entries
        self._cache: OrderedDict[tuple[str, str, str], Parsed] = OrderedDict()
        self._lock = threading.Lock()

    @staticmethod
    def _current(store: SourcemapStore, site: str, release: str,
                 urls: list[str]) -> tuple[str, str] | None:
        """(url, digest of its map) of the first candidate with a map, None without one."""
        result = store.client.query(
            named_query("vitalscope.sourcemaps.sourcemap_versions"),
            parameters={"site": site, "release": release, "urls": urls})
        maps = {url: sha for url, kind, sha in result.result_rows if kind == "map"}
        return next(((url, maps[url]) for url in urls if url in maps), None)

    def _parsed(self, store: SourcemapStore, site: str, release: str,
                script_url: str) -> Parsed | None:
        urls = candidate_urls(script_url)
        current = self._current(store, site, release, urls) if urls else None
        if current is None:
            return None
        key = (site, release, current[0])
        with self._lock:
            parsed = self._cache.get(key)
            if parsed is not None and parsed.digest == current[1]:
                self._cache.move_to_end(key)
                return parsed
        files = store.load(site, release, [current[0]])
        if not files:
            return None
        try:
            if "source" in files:
                parsed = Parsed(current[1], SourceMapCache.from_bytes(files["source"],
                                                                      files["map"]), None)
            else:
                parsed = Parsed(current[1], None, SourceMapView.from_json_bytes(files["map"]))
        except SymbolicError:
            return None  # checked at upload; a map symbolic cannot read explains nothing
        if self.cache_entries:
            with self._lock:
                self._cache[key] = parsed
                self._cache.move_to_end(key)
                while len(self._cache) > self.cache_entries:
                    self._cache.popitem(last=False)
        return parsed

    def stack(self, store: SourcemapStore, site: str, release: str,
              stack: str) -> dict[str, Any]:
        """The frames of a stack, each with its minified location and, where the release
        has a map for its script, `original` (file, line, column, function); `sourcemap`
        says whether maps were applied, and `note` why not."""
        frames = parse_stack(stack)
        parsed: dict[str, Parsed | None] = {}
        out: list[dict[str, Any]] = []
        for frame in frames:
            entry: dict[str, Any] = {**frame.as_dict(), "original": None}
            if frame.in_app:
                if frame.url not in parsed:
                    parsed[frame.url] = self._parsed(store, site, release, frame.url)
                found = parsed[frame.url]
                if found is not None:
                    entry["original"] = found.original(frame)
            out.append(entry)
        in_app = [e for e in out if e["in_app"]]
        mapped = sum(1 for e in in_app if e["original"] is not None)
        if not in_app:
            state, note = "none_needed", None
        elif mapped == len(in_app):
            state, note = "applied", None
        elif mapped:
            state, note = "partial", "some scripts of this release have no source map"
        else:
            state = "missing"
            note = (f"release {release!r} has no source map for these scripts: minified frames "
                    "shown" if release else "no release: minified frames shown")
        return {"frames": out, "sourcemap": state, "note": note}
