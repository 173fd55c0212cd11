-- Every delivery attempt of a notification to a receiver: status, latency, outcome.

CREATE TABLE IF NOT EXISTS alert_deliveries
(
    ts              DateTime64(3, 'UTC') CODEC(Delta(8), ZSTD(1)),
    notification_id String CODEC(ZSTD(1)),
    receiver        LowCardinality(String),
    kind            LowCardinality(String),
    group_key       String CODEC(ZSTD(1)),
    attempt         UInt16,
    outcome         LowCardinality(String),
    status_code     UInt16,
    latency_ms      Float64,
    error           String CODEC(ZSTD(1))
)
ENGINE = MergeTree
PARTITION BY toYYYYMM(ts)
-- Serves: deliveries of the dashboard (latest first, per receiver) and the attempts of one
-- notification (receiver + notification_id).
ORDER BY (receiver, ts, notification_id)
TTL toDateTime(ts) + INTERVAL 90 DAY DELETE
SETTINGS non_replicated_deduplication_window = 10000;
