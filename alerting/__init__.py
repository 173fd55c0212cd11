"""Alert rules, their states, and signed webhook delivery."""
