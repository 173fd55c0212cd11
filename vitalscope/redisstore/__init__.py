"""Redis: a server given by URL, or a real redis-server that Vitalscope starts itself."""
