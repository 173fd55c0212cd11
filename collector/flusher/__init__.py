"""The flusher: stream entries -> batched ClickHouse inserts, exactly once."""

from collector.flusher.service import Flusher

__all__ = ["Flusher"]
