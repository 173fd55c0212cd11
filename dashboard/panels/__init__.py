"""What each dashboard panel shows, as JSON-able data: the API returns it as is, the Dash
pages draw it. Every number comes from the query layer (rollups + cache)."""
