"""The one pattern of names people give things in Vitalscope (sites, alert rules, receivers,
synthetic checks): a lower-case letter or digit, then up to 62 lower-case letters, digits,
`_`, `-` and `.`. A name travels into Redis keys, ClickHouse rows, URL paths and metric
labels, so every entry point (settings, CLI, admin API, dashboard URLs) checks the same one.

Site names leave out `.`, as they always have: a site name is in every stored row and key
already, and widening it is a decision of its own."""

from __future__ import annotations

import re

NAME = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,62}$")
SITE_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,62}$")
