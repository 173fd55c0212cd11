"""Named SQL files of the shared storage layer."""
