"""Scheduled Playwright checks of key user flows."""
