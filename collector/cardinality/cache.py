"""What one collector process knows about admitted values: per site and day, the values
Redis admitted and whether a kind is full. A full kind's values are all known (Redis sent
them when it said full), so a never-seen value is folded without asking anyone. Bounded:
past `max_values`, whole site-days are forgotten, least recently used first, and asked
again."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field

from collector.cardinality import KINDS, Kind


@dataclass(slots=True)
class SiteDay:
    admitted: dict[Kind, set[str]] = field(
        default_factory=lambda: {kind: set() for kind in KINDS})
    full: set[Kind] = field(default_factory=set)
    size: int = 0


class AdmittedCache:
    def __init__(self, max_values: int) -> None:
        self.max_values = max_values
        self._days: OrderedDict[tuple[str, int], SiteDay] = OrderedDict()
        self._size = 0

    def get(self, site: str, day: int) -> SiteDay:
        key = (site, day)
        entry = self._days.get(key)
        if entry is None:
            entry = self._days[key] = SiteDay()
        else:
            self._days.move_to_end(key)
        return entry

    def learn(self, entry: SiteDay, kind: Kind, values: list[str], full: bool) -> None:
        """Records values Redis admitted; a full kind's values are the complete set."""
        known = entry.admitted[kind]
        before = len(known)
        known.update(values)
        if full:
            entry.full.add(kind)
        grown = len(known) - before
        entry.size += grown
        self._size += grown
        self._evict(entry)

    def _evict(self, keep: SiteDay) -> None:
        while self._size > self.max_values and len(self._days) > 1:
            key, oldest = next(iter(self._days.items()))
            if oldest is keep:
                self._days.move_to_end(key)
                continue
            del self._days[key]
            self._size -= oldest.size

    def __len__(self) -> int:
        return self._size
