"""Text that Plotly draws as it is written.

Plotly reads a subset of HTML in every string it draws (titles, trace and legend names,
annotations, axis and tick labels, hover text): `<a href>`, `<b>`, `<br>`, `<i>`,
`<span style>`, `<sub>`, `<sup>` and entities. Beacon strings are written by whoever holds a
site's public key, so a release tag or a server-timing name could become a live link or
styled text on the dashboard. Every string from a beacon or a config goes through `plain`
before it reaches a figure; only our own hover templates carry markup."""

from __future__ import annotations

import html


def plain(value: object) -> str:
    """`value` as text Plotly shows literally (`&`, `<`, `>` as entities, which Plotly turns
    back into the characters). Shorten before, never after: a cut could split an entity."""
    return html.escape(str(value), quote=False)
