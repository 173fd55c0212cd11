"""One step of a synthetic check as written in the YAML file (`synthetics.checks[].steps[]`).

A step is a mapping with `action` and the fields that action uses, or the short form
`- goto: https://shop.example/` where the action's main field is given directly.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

# action -> (fields it requires, fields it may use); `name` and `timeout_s` apply to all.
ACTIONS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "goto": (frozenset({"url"}), frozenset({"page_group"})),
    "click": (frozenset({"selector"}), frozenset()),
    "fill": (frozenset({"selector", "value"}), frozenset()),
    "press": (frozenset({"key"}), frozenset({"selector"})),
    "select": (frozenset({"selector", "value"}), frozenset()),
    "wait_for": (frozenset(), frozenset({"selector", "url", "network_idle", "state"})),
    "assert_text": (frozenset({"text"}), frozenset({"selector"})),
    "assert_visible": (frozenset({"selector"}), frozenset()),
    "assert_url": (frozenset({"url"}), frozenset()),
    "assert_status": (frozenset({"status"}), frozenset()),
    "screenshot": (frozenset(), frozenset({"label", "full_page"})),
}
# The field a short-form step (`- click: "#buy"`) fills in.
SHORT_FORM_FIELD = {
    "goto": "url", "click": "selector", "press": "key", "wait_for": "selector",
    "assert_text": "text", "assert_visible": "selector", "assert_url": "url",
    "assert_status": "status", "screenshot": "label",
}
COMMON_FIELDS = frozenset({"action", "name", "timeout_s"})


class StepConfig(BaseModel):
    """One step: what to do in the page, checked before anything runs."""

    model_config = ConfigDict(extra="forbid")

    action: str = Field(description="What the step does: " + ", ".join(ACTIONS) + ".")
    name: str | None = Field(
        default=None, description="Label shown in results; default: the action and its target."
    )
    url: str | None = Field(
        default=None,
        description="goto: absolute URL, or a path under the check's `base_url`. assert_url / "
        "wait_for: the expected page URL, `*` matching anything (`*/checkout*`).",
    )
    selector: str | None = Field(
        default=None, description="Playwright selector of the element (`#buy`, `text=Pay`)."
    )
    value: str | None = Field(default=None, description="fill: text to type; select: option value.")
    key: str | None = Field(default=None, description="press: key name (`Enter`, `Control+A`).")
    text: str | None = Field(
        default=None, description="assert_text: text the element (default: the page) contains."
    )
    status: int | None = Field(
        default=None, ge=100, le=599,
        description="assert_status: HTTP status of the last page navigation.",
    )
    network_idle: bool | None = Field(
        default=None, description="wait_for: wait until the network has been idle for 500 ms."
    )
    state: str | None = Field(
        default=None,
        description="wait_for with a selector: `visible` (default), `attached`, `hidden` or "
        "`detached`.",
    )
    page_group: str | None = Field(
        default=None,
        description="goto: page group the lab vitals of this page are filed under, to compare "
        "with the real-user data of that group. Default: the URL path.",
    )
    label: str | None = Field(default=None, description="screenshot: file name label.")
    full_page: bool | None = Field(default=None, description="screenshot: the whole page.")
    timeout_s: float | None = Field(
        default=None, gt=0, le=600,
        description="Seconds this step may take; default `synthetics.step_timeout_s`.",
    )

    @model_validator(mode="before")
    @classmethod
    def _short_form(cls, data: Any) -> Any:
        if not isinstance(data, dict) or "action" in data:
            return data
        actions = [k for k in data if k in ACTIONS]
        if len(actions) != 1:
            raise ValueError(
                "a step needs `action: ...` or exactly one of " + ", ".join(ACTIONS)
            )
        action = actions[0]
        rest = {k: v for k, v in data.items() if k != action}
        given = data[action]
        if isinstance(given, dict):
            return {"action": action, **given, **rest}
        if given is None:
            return {"action": action, **rest}
        if action not in SHORT_FORM_FIELD:
            raise ValueError(f"{action} takes a mapping ({', '.join(sorted(ACTIONS[action][0]))})")
        return {"action": action, SHORT_FORM_FIELD[action]: given, **rest}

    @model_validator(mode="after")
    def _fields_fit_action(self) -> StepConfig:
        if self.action not in ACTIONS:
            raise ValueError(
                f"unknown action {self.action!r}; use one of {', '.join(ACTIONS)}"
            )
        required, optional = ACTIONS[self.action]
        given = {k for k in self.model_fields_set if getattr(self, k) is not None}
        missing = sorted(required - given)
        if missing:
            raise ValueError(f"{self.action} needs {', '.join(missing)}")
        stray = sorted(given - required - optional - COMMON_FIELDS)
        if stray:
            raise ValueError(f"{self.action} does not use {', '.join(stray)}")
        if self.action == "wait_for":
            targets = [k for k in ("selector", "url", "network_idle") if k in given]
            if len(targets) != 1:
                raise ValueError("wait_for needs exactly one of selector, url, network_idle")
            if self.state is not None and self.selector is None:
                raise ValueError("wait_for: state goes with a selector")
        if self.state is not None and self.state not in ("visible", "attached", "hidden",
                                                         "detached"):
            raise ValueError(f"state {self.state!r}: use visible, attached, hidden or detached")
        return self

    def describe(self) -> str:
        """A short label for results and the CLI."""
        if self.name:
            return self.name
        target = next((str(v) for v in (self.url, self.selector, self.key, self.text,
                                         self.status, self.label) if v is not None), "")
        if self.action == "wait_for" and self.network_idle:
            target = "network idle"
        return f"{self.action} {target}".strip()
