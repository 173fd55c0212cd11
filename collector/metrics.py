"""Prometheus metrics of ingest (served at /metrics). Defined once per process."""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

ACCEPTED = Counter("vitalscope_ingest_accepted", "Beacons and server-timing batches durably "
                   "queued.", ["endpoint"])
EVENTS = Counter("vitalscope_ingest_events", "Events (vitals, timings, errors) queued.",
                 ["table"])
REJECTED = Counter("vitalscope_ingest_rejected", "Requests refused, by reason.", ["reason"])
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
FLUSHED = Counter("vitalscope_flush_rows", "Rows inserted into ClickHouse.", ["table"])
