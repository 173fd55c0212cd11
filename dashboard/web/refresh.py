"""The live refresh: one timer per page, paused while a refresh is on the server.

Dash's renderer drops a callback still in flight when the same callback is asked again, but
the server still works it out. A timer that fired regardless would therefore, on a server
slower than the refresh interval, queue one stale render per interval per open page, and a
reader opening another page would wait behind all of them. Instead every callback the timer
drives sets `tick.disabled` while it runs; re-enabling it starts a full interval, so a page
has at most one refresh in flight and the next starts one interval after the last answer.

The timer drives the shell's router only. On a page that refreshes its own blocks
(`Page.live`), the router passes the tick on through `LIVE`, so those blocks' callbacks run
after the router has answered, never beside it, and hold the pause themselves."""

from __future__ import annotations

from typing import Any

from dash import Input, Output, dcc

TICK = "tick"
LIVE = "live-tick"


def components(refresh_s: int) -> list[Any]:
    """The timer (off when `refresh_s` is 0) and the store that passes ticks to live blocks."""
    return [dcc.Interval(id=TICK, interval=max(refresh_s, 1) * 1000, disabled=refresh_s == 0),
            dcc.Store(id=LIVE)]


def paused_while_running(refresh_s: int) -> dict[str, Any]:
    """Keyword arguments for `app.callback` of a callback the timer drives. Nothing when the
    refresh is off: the callback must not switch on a timer the settings switched off."""
    if refresh_s == 0:
        return {}
    return {"running": [(Output(TICK, "disabled"), True, False)]}


def live_tick() -> Input:
    """The input of a live block's refresh callback."""
    return Input(LIVE, "data")
