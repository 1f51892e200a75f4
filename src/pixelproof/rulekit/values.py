"""Parameter values after decoding: PA002's type judgement and the comparisons PA003/PA006 use.

Pixel values arrive as wire strings (`cd[value]=49.90`, lists as decoded JSON), server values
as JSON; numeric strings for `value` and lower-case currency codes are correct on both sides.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from pixelproof.meta import standard
from pixelproof.result import Severity

Problem = tuple[Severity, str]
_INTEGER = re.compile(r"^\s*[+-]?\d+\s*$")


def _is_integer(value: object) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, float):
        return value.is_integer()
    return isinstance(value, int) or (isinstance(value, str) and bool(_INTEGER.match(value)))


def _is_boolean(value: object) -> bool:
    return isinstance(value, bool) or (isinstance(value, str) and value in ("true", "false"))


def _is_string(value: object) -> bool:
    return isinstance(value, str) or (
        isinstance(value, int | float) and not isinstance(value, bool)
    )


TYPE_TESTS: dict[str, Callable[[object], bool]] = {
    "string": _is_string,
    "number": standard.is_numeric,
    "integer": _is_integer,
    "boolean": _is_boolean,
    "currency": standard.is_currency,
    "list": lambda v: isinstance(v, list),
    "object": lambda v: isinstance(v, dict),
}


def shown(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _contents_problem(value: object) -> str | None:
    if not isinstance(value, list):
        return f"contents must be a list of {{id, quantity}} objects, got {shown(value)}"
    for i, item in enumerate(value):
        if not isinstance(item, dict) or "id" not in item or "quantity" not in item:
            return f"contents[{i}] lacks id or quantity: {shown(item)}"
    return None


def _value_problems(value: object) -> list[Problem]:
    number = standard.number_of(value)
    if number is None:
        return [(Severity.ERROR, f"value {shown(value)} is not a number or numeric string")]
    if number < 0:
        return [(Severity.WARNING, f"value {shown(value)} is negative")]
    return []


def _currency_problems(value: object, side: str) -> list[Problem]:
    if not standard.is_currency(value):
        return [(Severity.ERROR, f"currency {shown(value)} is not an ISO 4217 code")]
    if side == "browser" and isinstance(value, str) and not standard.pixel_accepts_currency(value):
        text = f"currency {value!r} is valid ISO 4217 but outside the Pixel's own list"
        return [(Severity.INFO, text + " (the Pixel logs a console error, the hit is still sent)")]
    return []


def standard_problems(name: str, value: object, side: str) -> list[Problem]:
    """Problems of Meta's standard parameters (reference/meta-api.md §1.10, §2.4)."""
    if name == "value":
        return _value_problems(value)
    if name == "currency":
        return _currency_problems(value, side)
    if name == "content_ids" and not isinstance(value, list):
        return [(Severity.ERROR, f"content_ids must be a list, got {shown(value)}")]
    if name == "contents":
        problem = _contents_problem(value)
        return [(Severity.ERROR, problem)] if problem else []
    if name == "num_items" and not _is_integer(value):
        return [(Severity.ERROR, f"num_items {shown(value)} is not an integer")]
    if name == "content_type" and not (isinstance(value, str) and value in standard.CONTENT_TYPES):
        return [(Severity.WARNING, f"content_type {shown(value)} is not product or product_group")]
    if name == "predicted_ltv" and not standard.is_numeric(value):
        return [(Severity.ERROR, f"predicted_ltv {shown(value)} is not a number")]
    return []


def canonical(value: object, ptype: str | None = None) -> object:
    """A value as comparisons see it: numbers as floats, currencies upper-case, lists as text."""
    if ptype == "currency" and isinstance(value, str):
        return value.strip().upper()
    number = standard.number_of(value)
    if number is not None and ptype in (None, "number", "integer"):
        return number
    if isinstance(value, list):
        return [str(v) for v in value]
    if isinstance(value, bool):
        return "true" if value else "false"
    return value if isinstance(value, dict) else str(value)


def same(
    expected: object,
    actual: object,
    ptype: str | None,
    tolerance: float = 0.0,
    as_set: bool = False,
) -> bool:
    """Equal after PA002's normalisation; numbers within `tolerance`, lists as sets if asked."""
    a, b = canonical(expected, ptype), canonical(actual, ptype)
    if isinstance(a, float) and isinstance(b, float):
        return abs(a - b) <= tolerance + 1e-9
    if isinstance(a, list) and isinstance(b, list) and as_set:
        return set(a) == set(b)
    return a == b
