-- INP and LCP attribution of issue 16 (docs/beacon-v1.md, "Script and LCP attribution").
-- INP: the longest script of the interaction's Long Animation Frames: its URL (scrubbed), the
-- host and party (first/third) the collector derives against the site's origins
-- (collector/enrich/scripts.py), function, invoker, invoker type and its duration in ms; the
-- frames' script/style/paint totals travel in attr_parts (loafScript, loafStyle, loafPaint).
-- LCP: the resource's delivery type and render-blocking status. Empty where not reported.

ALTER TABLE vitals ADD COLUMN IF NOT EXISTS attr_script_url String DEFAULT '' CODEC(ZSTD(1));

ALTER TABLE vitals ADD COLUMN IF NOT EXISTS attr_script_host LowCardinality(String) DEFAULT '';

ALTER TABLE vitals ADD COLUMN IF NOT EXISTS attr_script_function String DEFAULT '' CODEC(ZSTD(1));

ALTER TABLE vitals ADD COLUMN IF NOT EXISTS attr_script_invoker String DEFAULT '' CODEC(ZSTD(1));

ALTER TABLE vitals ADD COLUMN IF NOT EXISTS attr_script_invoker_type LowCardinality(String) DEFAULT '';

ALTER TABLE vitals ADD COLUMN IF NOT EXISTS attr_script_duration Float64 DEFAULT 0 CODEC(ZSTD(1));

ALTER TABLE vitals ADD COLUMN IF NOT EXISTS attr_script_party LowCardinality(String) DEFAULT '';

ALTER TABLE vitals ADD COLUMN IF NOT EXISTS attr_delivery_type LowCardinality(String) DEFAULT '';

ALTER TABLE vitals ADD COLUMN IF NOT EXISTS attr_render_blocking LowCardinality(String) DEFAULT '';
