"""The `vitalscope` command."""
