"""Several processes on one port: the shared listening sockets, the run's private folder,
the group of child processes with its restarts, the forwarding of requests to the process
that holds chDB, and /metrics summed over every process (docs/collector.md, "Processes")."""
