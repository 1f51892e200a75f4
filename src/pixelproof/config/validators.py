"""Short-form expanders and single-value checks used by `model.py`."""

from __future__ import annotations

import fnmatch
import re
from typing import Any

from pixelproof.config.fields import fail
from pixelproof.config.steps import ACTIONS

_PERSONA_PLACEHOLDERS = frozenset({"run.id", "journey", "uuid"})
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
# Never blockable: the Pixel, Meta's endpoints (DESIGN §4 `site.block`).
_META_URLS = (
    "https://connect.facebook.net/en_US/fbevents.js",
    "https://connect.facebook.net/signals/config/111111111111111",
    "https://www.facebook.com/tr/?id=111111111111111&ev=PageView",
    "https://graph.facebook.com/v25.0/111111111111111/events",
)
_MARKETING_BY_NAME = {"accept": "granted", "reject": "denied"}


def check_block(pattern: str) -> str:
    """A `site.block` glob must never catch Meta's own traffic."""
    for url in _META_URLS:
        if fnmatch.fnmatch(url, pattern):
            fail(
                "block",
                f"'{pattern}' would block Meta's own traffic ({url.split('?')[0]})",
                "block only third parties; pixelproof needs the Pixel to run",
            )
    return pattern


def check_persona_value(value: str) -> str:
    """Persona values may use {run.id}, {journey} and {uuid} only."""
    for name in _PLACEHOLDER.findall(value):
        if name not in _PERSONA_PLACEHOLDERS:
            fail(
                "placeholder",
                f"unknown placeholder {{{name}}} in a persona value",
                "use {run.id}, {journey} or {uuid}",
            )
    return value


def fraction(value: float) -> float:
    """Thresholds are fractions; 90 is 90 %, written 0.9."""
    if not 0 <= value <= 1:
        shown = f"{value:g}"
        fail(
            "fraction", f"{shown} is not a fraction between 0 and 1", f"{shown}% is {value / 100:g}"
        )
    return value


def _state(name: str, value: Any) -> Any:
    if isinstance(value, dict) and any(k in ACTIONS for k in value):
        value = [value]
    if isinstance(value, list):
        value = {"steps": value}
    if isinstance(value, dict) and "marketing" not in value and name in _MARKETING_BY_NAME:
        value = {**value, "marketing": _MARKETING_BY_NAME[name]}
    return value


def states_input(value: Any) -> Any:
    """`accept: [steps]` → `{steps: [...], marketing: granted}`; `reject` is denied."""
    if not isinstance(value, dict):
        return value
    return {name: _state(str(name), state) for name, state in value.items()}


def consent_input(value: Any) -> Any:
    """`consent: {accept: …, reject: …}` (no `states:`) puts every non-banner key in states."""
    if not isinstance(value, dict) or "states" in value:
        return value
    states = {k: v for k, v in value.items() if k != "banner"}
    out: dict[str, Any] = {"states": states}
    if "banner" in value:
        out["banner"] = value["banner"]
    return out
