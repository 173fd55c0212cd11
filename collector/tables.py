"""Columns the collector writes, per table, in the order rows are built (0001_initial.sql,
columns added by later migrations at the end).

Rows travel through the Redis stream as JSONCompactEachRow lines in this order (see
collector/payload.py); times are `seconds.milliseconds` strings."""

from __future__ import annotations

PAGE_VIEWS = ("site", "started_at", "received_at", "page_view_id", "session_id", "url",
              "page_group", "referrer_host", "nav_type", "device", "browser", "browser_version",
              "os", "country", "connection", "device_memory", "hardware_concurrency",
              "viewport_width", "viewport_height", "release", "route_change_ms", "tags")
VITALS = ("site", "metric", "ts", "received_at", "event_id", "page_view_id", "session_id",
          "value", "delta", "rating", "page_group", "url", "nav_type", "device", "browser",
          "browser_version", "os", "country", "connection", "release", "attr_target",
          "attr_url", "attr_event", "attr_parts", "tags", "attr_script_url",
          "attr_script_host", "attr_script_function", "attr_script_invoker",
          "attr_script_invoker_type", "attr_script_duration", "attr_script_party",
          "attr_delivery_type", "attr_render_blocking")
SERVER_TIMINGS = ("site", "source", "ts", "received_at", "event_id", "page_view_id",
                  "request_id", "page_group", "url", "name", "duration", "description",
                  "cache_status", "status_code", "device", "browser", "country", "release")
JS_ERRORS = ("site", "ts", "received_at", "event_id", "page_view_id", "session_id",
             "fingerprint", "error_type", "message", "source", "stack", "occurrences",
             "page_group", "url", "device", "browser", "os", "release", "message_norm",
             "top_frame")

COLUMNS: dict[str, tuple[str, ...]] = {
    "page_views": PAGE_VIEWS,
    "vitals": VITALS,
    "server_timings": SERVER_TIMINGS,
    "js_errors": JS_ERRORS,
}

# Tables whose rows carry a client-made event id, and where: a copy of an event already
# stored is dropped by the flusher (collector/flusher/dedup.py). Page views need none: their
# table keeps the last version of each page view.
EVENT_ID_COLUMN: dict[str, int] = {
    table: COLUMNS[table].index("event_id") for table in ("vitals", "server_timings",
                                                          "js_errors")
}

# Columns that together scope an event id (ids are unique only within them), per table with
# event ids: the page view; for server timings also the source and the request id, so a
# backend's timings (the API: a request id, or the batch's source where there is no page
# view) never share a scope with a page view's own.
SCOPE_COLUMNS: dict[str, tuple[int, ...]] = {
    "vitals": (VITALS.index("page_view_id"),),
    "js_errors": (JS_ERRORS.index("page_view_id"),),
    "server_timings": tuple(SERVER_TIMINGS.index(c)
                            for c in ("source", "request_id", "page_view_id")),
}
