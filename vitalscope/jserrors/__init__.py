"""JS errors: stack frames parsed from browser stacks, messages normalised and the grouping
fingerprint (docs/errors.md), shared by the collector (at ingest) and the dashboard (when a
stack is shown and symbolicated)."""
