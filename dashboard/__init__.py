"""The Dash dashboard and the JSON API behind it."""
