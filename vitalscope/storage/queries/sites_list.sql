-- Every site, latest version of each (sites is a ReplacingMergeTree on updated_at).
SELECT name, public_key, server_key_hash, origins, enabled, created_at, updated_at
FROM sites FINAL
ORDER BY name
