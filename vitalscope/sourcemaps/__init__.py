"""Source maps per site and release: checked uploads (`checks.py`), storage in ClickHouse
(`store.py`) and symbolication of stack frames when read (`symbolicate.py`)."""
