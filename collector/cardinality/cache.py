"""What one collector process knows about admitted values: per site and day, the values
Redis admitted and whether a kind is full. A full kind's values are all known (Redis sent
them when it said full), so a never-seen value is folded without asking anyone. Bounded:
past `max_values`, whole site-days are forgotten, oldest first (days arrive in order, so
that is yesterday's before today's), and asked again. A value counts one per started 256
characters."""

from __future__ import annotations

from dataclasses import dataclass, field

from collector.cardinality import KINDS, Kind

UNIT_CHARS = 256


def units(value: str) -> int:
    """What a value counts against `max_values`: one per started 256 characters, so the
    bound holds memory whatever the values' lengths (a script URL may have 2,048)."""
    return 1 + (len(value) - 1) // UNIT_CHARS if value else 1


@dataclass(slots=True)
class SiteDay:
    admitted: dict[Kind, set[str]] = field(
        default_factory=lambda: {kind: set() for kind in KINDS})
    full: set[Kind] = field(default_factory=set)
    size: int = 0
    cached: bool = True  # False once evicted (a request in flight may still hold it)


class AdmittedCache:
    def __init__(self, max_values: int) -> None:
        self.max_values = max_values
        # Insertion order is age: a lookup does not reorder (it is on every request).
        self._days: dict[tuple[str, int], SiteDay] = {}
        self._size = 0

    def get(self, site: str, day: int) -> SiteDay:
        entry = self._days.get((site, day))
        if entry is None:
            entry = self._days[(site, day)] = SiteDay()
        return entry

    def learn(self, entry: SiteDay, kind: Kind, values: list[str], full: bool) -> None:
        """Records values Redis admitted; a full kind's values are the complete set."""
        known = entry.admitted[kind]
        grown = 0
        for value in values:
            if value not in known:
                known.add(value)
                grown += units(value)
        if full:
            entry.full.add(kind)
        entry.size += grown
        if entry.cached:
            self._size += grown
            self._evict(entry)

    def _evict(self, keep: SiteDay) -> None:
        while self._size > self.max_values and len(self._days) > 1:
            key, oldest = next(iter(self._days.items()))
            del self._days[key]
            if oldest is keep:  # still in use: it goes to the back of the line
                self._days[key] = oldest
                continue
            oldest.cached = False
            self._size -= oldest.size

    def __len__(self) -> int:
        return self._size
