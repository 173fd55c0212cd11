-- Source maps per site and release (docs/errors.md), uploaded by `vitalscope sourcemaps
-- upload` through the admin API, read by every role that symbolicates. One row per file of
-- a release: the map of a minified script, or the minified script itself (its scopes give
-- the original function names). `body` is zlib-compressed by the writer (maps are large and
-- compress ~5x), so the column stores it as is; a new upload of the same file replaces the old.
CREATE TABLE IF NOT EXISTS sourcemap_files
(
    site        LowCardinality(String),
    release     String,
    url         String,
    kind        Enum8('map' = 1, 'source' = 2),
    size        UInt64,
    sha256      String,
    body        String CODEC(NONE),
    uploaded_at DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree(uploaded_at)
-- Serves: sourcemap_lookup (the files of one script of one release, read when a stack of that
-- release is symbolicated) and sourcemap_list (a release's files, without bodies).
ORDER BY (site, release, url, kind);
