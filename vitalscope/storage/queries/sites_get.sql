SELECT name, public_key, server_key_hash, origins, enabled, created_at, updated_at
FROM sites FINAL
WHERE name = {name:String}
