"""The composition root: what puts the features together into processes. The CLI (`cli/`),
the demo (`demo/`) and the ASGI app of each role (`assembly.py`, with the routes that read a
feature: `health.py`, `admin_deadletters.py`). It imports the features and the kernel; nothing
imports it (the import-linter contracts in pyproject.toml enforce this)."""
