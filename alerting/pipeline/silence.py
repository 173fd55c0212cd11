"""Stage 1: silence. Alerts matched by an active silence go no further."""

from __future__ import annotations

from alerting.model import Alert
from alerting.silences import SilenceStore


class SilenceStage:
    name = "silence"

    def __init__(self, store: SilenceStore) -> None:
        self.store = store
        self.muted: list[Alert] = []  # of the last run, for logs and tests

    def process(self, alerts: list[Alert], now: float) -> list[Alert]:
        silences = self.store.active(now)
        self.muted = [a for a in alerts if any(s.matches(a.labels) for s in silences)]
        muted = {a.fingerprint for a in self.muted}
        return [a for a in alerts if a.fingerprint not in muted]
