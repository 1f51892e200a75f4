"""Pixel wire parameters (reference/meta-api.md §1.3–1.4, pixel-wire-observed.md): names, groups.

Bracketed names arrive as `cd[value]` or `cd%5Bvalue%5D`; `wire.decode_pairs` has decoded both by
the time they get here. Nested objects travel as JSON strings inside one bracketed field.
"""

from __future__ import annotations

import re

import orjson

# Parameters lifted into their own ObservedEvent fields; everything else goes to `params`.
LIFTED = frozenset({"id", "ev", "eid", "eid[]", "dl", "ts", "fbp", "fbc", "a"})
# Bracketed groups: `cd` custom data, `ud` user data, `udff` automatic matching.
GROUPS = frozenset({"cd", "ud", "udff"})
_BRACKET = re.compile(r"^([A-Za-z0-9_]+)\[(.*)\]$", re.DOTALL)
RQM_TRANSPORT = {
    "GET": "get",
    "FGET": "get",
    "formPOST": "form_post",
    "SB": "beacon",
    "fetch": "fetch",
    "xhr": "xhr",
}
TRACK_METHODS = {
    "0": "track",
    "1": "trackSingle",
    "2": "trackSingleCustom",
    "3": "trackSingleSystem",
    "4": "trackCustom",
    "5": "trackSystem",
}
SYSTEM_CATEGORIES = {"automatic": "automatic", "user_properties": "user_properties"}


def split_bracket(name: str) -> tuple[str, str] | None:
    """`cd[value]` → ("cd", "value"); None for a plain name."""
    match = _BRACKET.match(name)
    return (match.group(1), match.group(2)) if match else None


def custom_value(raw: str) -> tuple[object, str | None]:
    """A `cd[…]` value: JSON arrays and objects decoded, scalars kept as the wire's strings."""
    text = raw.lstrip()
    if not text.startswith(("[", "{")):
        return raw, None
    try:
        return orjson.loads(text), None
    except orjson.JSONDecodeError:
        return raw, "looks like JSON but does not parse"


def int_param(raw: str | None) -> tuple[int | None, str | None]:
    if raw is None or raw == "":
        return None, None
    text = raw.strip()
    if text.isascii() and text.isdigit() and len(text) < 20:
        return int(text), None
    return None, f"not an integer: {raw[:40]!r}"
