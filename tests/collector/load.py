"""A small load generator for tests: threads posting valid beacons, counting what was
accepted (204) by event id."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field

import httpx

from tests.collector.beacons import CHROME_UA, beacon, event_ids
from tests.collector.conftest import KEY, ORIGIN


@dataclass
class Load:
    url: str
    threads: int = 3
    key: str = KEY
    accepted_ids: set[str] = field(default_factory=set)
    accepted: int = 0
    statuses: dict[int, int] = field(default_factory=dict)
    _stop: threading.Event = field(default_factory=threading.Event)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _workers: list[threading.Thread] = field(default_factory=list)

    def _work(self, limit: int | None) -> None:
        sent = 0
        with httpx.Client(base_url=self.url, timeout=10) as client:
            while not self._stop.is_set() and (limit is None or sent < limit):
                body = beacon(n_vitals=2, n_timings=1)
                answer = client.post(f"/v1/beacon?k={self.key}", content=json.dumps(body),
                                     headers={"Origin": ORIGIN, "User-Agent": CHROME_UA,
                                              "Content-Type": "text/plain"})
                sent += 1
                with self._lock:
                    self.statuses[answer.status_code] = self.statuses.get(
                        answer.status_code, 0) + 1
                    if answer.status_code == 204:
                        self.accepted += 1
                        self.accepted_ids.update(event_ids(body))

    def start(self, per_thread: int | None = None) -> Load:
        for _ in range(self.threads):
            worker = threading.Thread(target=self._work, args=(per_thread,), daemon=True)
            worker.start()
            self._workers.append(worker)
        return self

    def stop(self) -> Load:
        self._stop.set()
        return self.join()

    def join(self) -> Load:
        for worker in self._workers:
            worker.join(60)
        return self
