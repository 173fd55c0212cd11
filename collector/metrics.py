"""Prometheus metrics of ingest (served at /metrics). Defined once per process."""

from __future__ import annotations

from collections.abc import Iterator

from prometheus_client import REGISTRY, Counter, Gauge, Histogram
from prometheus_client.core import CounterMetricFamily
from prometheus_client.registry import Collector

from collector.tables import COLUMNS


class _HotCounters(Collector):
    """Counters of every accepted request, as plain ints read at scrape time: a
    prometheus-client Counter takes a lock per increment, which the hot path pays on every
    beacon. Only the event loop thread writes them."""

    def __init__(self) -> None:
        self.accepted = {"beacon": 0, "server_timings": 0}
        self.events = dict.fromkeys(COLUMNS, 0)

    def collect(self) -> Iterator[CounterMetricFamily]:
        accepted = CounterMetricFamily(
            "vitalscope_ingest_accepted", "Beacons and server-timing batches durably queued.",
            labels=["endpoint"])
        for endpoint, value in self.accepted.items():
            accepted.add_metric([endpoint], value)
        events = CounterMetricFamily(
            "vitalscope_ingest_events", "Events (vitals, timings, errors) queued.",
            labels=["table"])
        for table, value in self.events.items():
            events.add_metric([table], value)
        yield accepted
        yield events


HOT = _HotCounters()
REGISTRY.register(HOT)
REJECTED = Counter("vitalscope_ingest_rejected", "Requests refused, by reason.", ["reason"])
EVENTS_DROPPED = Counter("vitalscope_ingest_events_dropped", "Events dropped from accepted "
                         "beacons and batches, by reason (out_of_window).", ["reason"])
DROPPED = Counter("vitalscope_ingest_dropped", "Valid beacons dropped by enrichment, by "
                  "reason (bots, ...).", ["reason"])
QUEUE_DEPTH = Gauge("vitalscope_ingest_queue_depth", "Entries in the ingest stream (queued "
                    "and unacknowledged).")
QUEUE_PENDING = Gauge("vitalscope_ingest_queue_pending", "Entries read by a flusher and not "
                      "yet acknowledged.")
FLUSH_BATCH = Histogram("vitalscope_flush_batch_rows", "Rows per ClickHouse insert.",
                        ["table"], buckets=(1, 10, 100, 500, 1000, 5000, 10000, 50000))
FLUSH_LATENCY = Histogram("vitalscope_flush_insert_seconds", "Seconds per ClickHouse insert.",
                          ["table"])
INSERT_FAILURES = Counter("vitalscope_flush_insert_failures", "Failed ClickHouse inserts "
                          "(retried).", ["table", "kind"])
DEAD_LETTERS = Counter("vitalscope_flush_dead_letters", "Entries moved to the dead-letter "
                       "stream, by reason.", ["reason"])
DUPLICATES = Counter("vitalscope_flush_duplicates", "Rows not inserted because an earlier "
                     "batch stored the same event id (a resent beacon).", ["table"])
FLUSHED = Counter("vitalscope_flush_rows", "Rows inserted into ClickHouse.", ["table"])
CARDINALITY_FOLDED = Counter("vitalscope_cardinality_folded", "Values stored as `(other)` "
                             "because their site passed its daily cap, by kind.", ["kind"])
CARDINALITY_LOOKUPS = Counter("vitalscope_cardinality_lookups", "Redis calls admitting "
                              "values this process had not seen (none once values repeat).")
