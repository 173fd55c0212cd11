-- Alert history: one row per state change (pending, firing, resolved) of an alert.

CREATE TABLE IF NOT EXISTS alert_events
(
    ts          DateTime64(3, 'UTC') CODEC(Delta(8), ZSTD(1)),
    fingerprint String CODEC(ZSTD(1)),
    rule        LowCardinality(String),
    kind        LowCardinality(String),
    site        LowCardinality(String),
    state       LowCardinality(String),
    severity    LowCardinality(String),
    labels      Map(LowCardinality(String), String),
    value       Float64,
    summary     String CODEC(ZSTD(1)),
    details     String CODEC(ZSTD(3)),
    starts_at   DateTime64(3, 'UTC')
)
ENGINE = MergeTree
PARTITION BY toYYYYMM(ts)
-- Serves: alert history of the dashboard (latest first, optionally one rule), and one
-- alert's timeline (rule + fingerprint).
ORDER BY (rule, fingerprint, ts)
TTL toDateTime(ts) + INTERVAL 400 DAY DELETE
SETTINGS non_replicated_deduplication_window = 10000;
