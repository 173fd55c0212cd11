"""Alert rules, their states, and delivery to receivers (webhooks, Slack, Alertmanager,
PagerDuty)."""
