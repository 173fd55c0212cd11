"""Checks of the tests, against the test shop."""

from __future__ import annotations

from typing import Any

from synthetics.model import CheckPlan
from tests.synthetics.shop import Shop
from vitalscope.config import load_settings


def checkout(shop: Shop, **extra: Any) -> dict[str, Any]:
    """home -> product -> add to cart -> cart -> checkout -> thanks."""
    return {
        "name": "checkout",
        "base_url": shop.url,
        "site": "shop",
        "tags": ["team:shop"],
        "page_groups": {"/product/*": "/product/:id"},
        "steps": [
            {"goto": "/", "page_group": "home"},
            {"assert_status": 200},
            {"click": "#product"},
            {"assert_text": "Blue mug", "selector": "h1"},
            {"click": "#add"},
            {"assert_text": "Added to cart", "selector": "#status"},
            {"click": "#cart"},
            {"assert_text": "1 item", "selector": "#items"},
            {"click": "#checkout"},
            {"fill": {"selector": "#email", "value": "ada@example.com"}},
            {"select": {"selector": "#shipping", "value": "express"}},
            {"click": "#pay"},
            {"wait_for": {"url": "*/thanks"}},
            {"assert_url": "*/thanks"},
            {"assert_visible": "text=Thank you for your order"},
        ],
        **extra,
    }


def plan(check: dict[str, Any], **synthetics: Any) -> CheckPlan:
    settings = load_settings(synthetics={"checks": [check], **synthetics})
    return CheckPlan.of(settings.synthetics.checks[0], settings)
