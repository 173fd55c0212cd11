"""Operating the dead-letter stream (`vitalscope deadletters`, /admin/v1/deadletters): list,
replay into the ingest stream, drop.

A dead letter holds a stream entry: one row ClickHouse refused (with its site, table, event
id and the id of the entry it came from) or a whole entry that could not be decoded. Replay
decodes it as the flusher would; what still fails stays, with the reason. What passes is
queued again and removed from the dead letters in one atomic step, so a replay that is
interrupted or run twice queues nothing twice."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import redis

from collector.payload import BadEntry, decode_entry
from vitalscope.redisstore import keys

REASON_CHARS = 200
# KEYS[1]: dead letters, KEYS[2]: ingest stream. ARGV[1]: dead-letter id, ARGV[2]: stream cap.
# Returns the new entry id, "gone" (no such dead letter: replayed or dropped meanwhile) or
# "full" (the stream is at its cap; nothing changed).
_REQUEUE = """
local letter = redis.call('XRANGE', KEYS[1], ARGV[1], ARGV[1])
if #letter == 0 then return 'gone' end
if redis.call('XLEN', KEYS[2]) >= tonumber(ARGV[2]) then return 'full' end
local fields, data = letter[1][2], nil
for i = 1, #fields, 2 do if fields[i] == 'b' then data = fields[i + 1] end end
if data == nil then return 'gone' end
local id = redis.call('XADD', KEYS[2], '*', 'b', data)
redis.call('XDEL', KEYS[1], ARGV[1])
return id
"""
PAGE = 500


class UnknownDeadLetter(ValueError):
    pass


@dataclass
class DeadLetter:
    id: str
    at_ms: int
    site: str
    table: str
    event: str
    entry: str
    reason: str
    data: bytes

    def as_dict(self, full_reason: bool = False) -> dict[str, Any]:
        reason = self.reason if full_reason else self.reason[:REASON_CHARS]
        return {"id": self.id, "at_ms": self.at_ms, "site": self.site, "table": self.table,
                "event": self.event, "entry": self.entry, "reason": reason}


def _text(value: Any) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value or "")


def _letter(raw_id: Any, fields: dict[Any, Any]) -> DeadLetter:
    ident = _text(raw_id)
    field = {_text(k): v for k, v in fields.items()}
    return DeadLetter(ident, int(ident.split("-", 1)[0]), _text(field.get("site")),
                      _text(field.get("table")), _text(field.get("event")),
                      _text(field.get("id")), _text(field.get("reason")),
                      bytes(field.get("b") or b""))


class DeadLetters:
    def __init__(self, client: redis.Redis, stream_max_len: int) -> None:
        self.redis = client
        self.cap = stream_max_len
        self.requeue = client.register_script(_REQUEUE)

    def oldest(self, limit: int = 100) -> list[DeadLetter]:
        raw: Any = self.redis.xrange(keys.DEAD_LETTERS, count=limit)
        return [_letter(i, f) for i, f in raw]

    def _selected(self, ids: list[str] | None) -> list[DeadLetter]:
        if ids is None:
            out: list[DeadLetter] = []
            start = "-"
            while True:
                chunk: Any = self.redis.xrange(keys.DEAD_LETTERS, min=start, count=PAGE)
                out += [_letter(i, f) for i, f in chunk]
                if len(chunk) < PAGE:
                    return out
                start = "(" + _text(chunk[-1][0])
        found = []
        for ident in ids:
            try:
                found_raw: Any = self.redis.xrange(keys.DEAD_LETTERS, min=ident, max=ident)
            except redis.ResponseError:
                raise UnknownDeadLetter(f"{ident!r} is not a dead-letter id") from None
            if not found_raw:
                raise UnknownDeadLetter(f"no dead letter {ident!r}")
            found.append(_letter(*found_raw[0]))
        return found

    def replay(self, ids: list[str] | None) -> dict[str, Any]:
        """Queues the selected dead letters (all when `ids` is None) again."""
        replayed: list[dict[str, str]] = []
        kept: list[dict[str, str]] = []
        for letter in self._selected(ids):
            try:
                decode_entry(letter.data)
            except BadEntry as exc:
                kept.append({"id": letter.id, "reason": f"still invalid: {exc}"})
                continue
            answer = _text(self.requeue(keys=[keys.DEAD_LETTERS, keys.STREAM],
                                        args=[letter.id, self.cap]))
            if answer == "full":
                kept.append({"id": letter.id, "reason": "the ingest stream is full; retry "
                             "later"})
            elif answer != "gone":
                replayed.append({"id": letter.id, "queued_as": answer})
        return {"replayed": replayed, "kept": kept}

    def drop(self, ids: list[str] | None) -> dict[str, Any]:
        letters = self._selected(ids)
        dropped = 0
        for start in range(0, len(letters), PAGE):
            chunk = [letter.id for letter in letters[start:start + PAGE]]
            dropped += int(self.redis.xdel(keys.DEAD_LETTERS, *chunk))
        return {"dropped": dropped}
