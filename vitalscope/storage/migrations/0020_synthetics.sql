-- Synthetic checks: one row per run, per step of each attempt, and per lab vital of each
-- page a run visited. `synthetic_runs` is also read by the alerting (synthetic failures):
-- its columns run_id, check, location, started_at, status ('passed' | 'failed' | 'flaky'),
-- duration_ms, attempts and error are a contract; add columns, never rename them.

CREATE TABLE IF NOT EXISTS synthetic_runs
(
    run_id          String,
    `check`         LowCardinality(String),
    location        LowCardinality(String),
    started_at      DateTime64(3, 'UTC') CODEC(Delta(8), ZSTD(1)),
    finished_at     DateTime64(3, 'UTC') CODEC(Delta(8), ZSTD(1)),
    status          LowCardinality(String),
    duration_ms     Float64,
    attempts        UInt8,
    error           String CODEC(ZSTD(1)),
    failed_step     UInt16,
    trigger         LowCardinality(String),
    site            LowCardinality(String),
    tags            Array(LowCardinality(String)),
    console_errors  Array(String) CODEC(ZSTD(1)),
    failed_requests Array(String) CODEC(ZSTD(1)),
    screenshot      String,
    trace           String
)
ENGINE = MergeTree
PARTITION BY toYYYYMM(started_at)
-- Serves: status grid (last run, flake rate, p75 duration per check over a range), run
-- history of one check, synthetic-failure alerts (latest runs of a check and location).
ORDER BY (`check`, location, started_at)
TTL toDateTime(started_at) + INTERVAL 400 DAY DELETE
SETTINGS non_replicated_deduplication_window = 10000, ttl_only_drop_parts = 1;

CREATE TABLE IF NOT EXISTS synthetic_steps
(
    run_id      String,
    `check`     LowCardinality(String),
    location    LowCardinality(String),
    started_at  DateTime64(3, 'UTC') CODEC(Delta(8), ZSTD(1)),
    attempt     UInt8,
    step        UInt16,
    action      LowCardinality(String),
    name        String CODEC(ZSTD(1)),
    status      LowCardinality(String),
    offset_ms   Float64,
    duration_ms Float64,
    url         String CODEC(ZSTD(1)),
    error       String CODEC(ZSTD(1))
)
ENGINE = MergeTree
PARTITION BY toYYYYMM(started_at)
-- Serves: step timings of one run (check + time range + run_id) and the step timing chart
-- of a check over time (p75 per step).
ORDER BY (`check`, started_at, run_id, attempt, step)
TTL toDateTime(started_at) + INTERVAL 400 DAY DELETE
SETTINGS non_replicated_deduplication_window = 10000, ttl_only_drop_parts = 1;

CREATE TABLE IF NOT EXISTS synthetic_vitals
(
    run_id     String,
    `check`    LowCardinality(String),
    location   LowCardinality(String),
    site       LowCardinality(String),
    ts         DateTime64(3, 'UTC') CODEC(Delta(8), ZSTD(1)),
    attempt    UInt8,
    page_group LowCardinality(String),
    url        String CODEC(ZSTD(1)),
    metric     LowCardinality(String),
    value      Float64
)
ENGINE = MergeTree
PARTITION BY toYYYYMM(ts)
-- Serves: lab vitals per page group of a check (p75 per metric) and lab against field
-- (RUM vitals_1m of the same site and page group).
ORDER BY (`check`, page_group, metric, ts)
TTL toDateTime(ts) + INTERVAL 400 DAY DELETE
SETTINGS non_replicated_deduplication_window = 10000, ttl_only_drop_parts = 1;
