"""Pydantic's errors → `file:line:col: path: what is wrong; hint`, in the user's own terms.

A pydantic `loc` follows the expanded model (tags, short forms turned long); `resolve` walks
it against the data as written and stops at the deepest value that exists in the file.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from pixelproof.config.environment import Environment
from pixelproof.config.events import Event
from pixelproof.config.fields import UnknownKey, did_you_mean, suggest
from pixelproof.config.paths import PathKey
from pixelproof.config.problems import Problems, resolve
from pixelproof.config.steps import ACTIONS, MODIFIERS

_YAML11_BOOLS = frozenset({"yes", "no", "on", "off", "y", "n", "true", "false"})
_EXPECTED = {
    "string_type": "text",
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "int_from_float": "a whole number",
    "float_type": "a number",
    "float_parsing": "a number",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "list_type": "a list",
    "dict_type": "a mapping",
    "model_type": "a mapping",
    "model_attributes_type": "a mapping",
    "date_type": "a date like 2027-01-01",
    "date_parsing": "a date like 2027-01-01",
    "date_from_datetime_parsing": "a date like 2027-01-01",
    "date_from_datetime_inexact": "a date like 2027-01-01",
}
_PATTERNS = {
    "^[0-9]{10,20}$": ("a pixel ID", "it is the 15–16 digit number shown in Events Manager"),
    "^[A-Za-z0-9][A-Za-z0-9_-]*$": (
        "a valid name",
        "use letters, digits, - and _, starting with a letter or digit",
    ),
    "^[A-Za-z_][A-Za-z0-9_.:-]*$": (
        "a valid event key",
        "start with a letter; then letters, digits, _ . : -",
    ),
    "^v[0-9]+\\.[0-9]+$": ("a Graph API version", "write it like v25.0"),
    "^[A-Za-z0-9_.-]+$": ("a valid step id", "use letters, digits, _ . -"),
}
_MISSING_HINTS = {
    "version": "add `version: 1` at the top of the map",
    "marketing": "say marketing: granted, denied or partial (only accept/reject imply it)",
    "sources": "add sources: [browser], [server] or [browser, server]",
    "kind": "add kind: staging or kind: production",
    "events": "declare at least one event under events:",
    "steps": "add steps: [{goto: /}, …]",
    "reason": 'add reason: "…" so the exception explains itself',
    "capture": "add capture: sink, relay, logs or none",
    "name": "give it a name: letters, digits, - and _",
}


def _shown(value: object, text: str | None) -> str:
    if value is None:
        return "nothing (an empty value)"
    if isinstance(value, bool):
        return f"the boolean {text or str(value).lower()}"
    if isinstance(value, int | float):
        return f"the number {text or value}"
    if isinstance(value, str):
        return f"the text '{value}'"
    if isinstance(value, list):
        return "a list"
    return "a mapping" if isinstance(value, dict) else type(value).__name__


def _step(value: object) -> tuple[str, str | None, str | None]:
    """Message, hint and the key to point at for a value that is not one step."""
    if not isinstance(value, dict):
        if isinstance(value, str) and value in ACTIONS:
            return f"a step is a mapping, not the word '{value}'", f"write {{{value}: {{}}}}", None
        return f"a step is a mapping like {{click: '#pay'}}, not {_shown(value, None)}", None, None
    actions = [k for k in value if k in ACTIONS]
    if len(actions) > 1:
        both = " and ".join(f"'{a}'" for a in actions)
        return f"a step has one action; this one has {both}", "split it into separate steps", None
    unknown = [k for k in value if k not in ACTIONS and k not in MODIFIERS]
    if unknown:
        word = str(unknown[0])
        return f"unknown step '{word}'", suggest(word, ACTIONS, "steps"), word
    return "a step needs an action", "add one, e.g. {id: pay, click: '#pay'}", None


def _custom(err: ErrorDetails, text: str | None) -> tuple[str, str | None]:
    ctx: Mapping[str, Any] = err.get("ctx") or {}
    if err["type"] == "yaml_bool":
        word = text or "no"
        return f"'{word}' is read as a boolean by YAML 1.1, not as text", f'quote it: "{word}"'
    return str(ctx.get("message", err["msg"])), ctx.get("hint")


def _builtin(err: ErrorDetails, text: str | None) -> tuple[str, str | None]:
    kind, value = err["type"], err["input"]
    ctx: Mapping[str, Any] = err.get("ctx") or {}
    if kind in _EXPECTED:
        hint = f"write [{value}]" if kind == "list_type" and isinstance(value, str) else None
        if value is None and kind in ("dict_type", "model_type"):
            hint = "if its keys are on the next lines, indent them under it"
        return f"expected {_EXPECTED[kind]}, got {_shown(value, text)}", hint
    if kind == "literal_error":
        options = re.findall(r"'([^']*)'", str(ctx.get("expected", "")))
        best = did_you_mean(str(value), options) if isinstance(value, str) else None
        hint = f"did you mean '{best}'?" if best else None
        return f"expected one of {ctx.get('expected')}, got {_shown(value, text)}", hint
    if kind == "string_pattern_mismatch":
        pattern = str(ctx.get("pattern", ""))
        what, hint = _PATTERNS.get(pattern, ("valid here", f"match {pattern}"))
        return f"'{value}' is not {what}", hint
    if kind in ("too_short", "string_too_short"):
        return "must not be empty", None
    bounds = {"greater_than_equal": "ge", "less_than_equal": "le", "greater_than": "gt"}
    if kind in bounds:
        limit = next(iter(ctx.values()), "")
        relation = {"ge": "at least", "le": "at most", "gt": "more than"}[bounds[kind]]
        return f"must be {relation} {limit}, got {value}", None
    return err["msg"], None


_CUSTOM_DATA = frozenset(
    {
        "value",
        "currency",
        "content_ids",
        "content_type",
        "contents",
        "content_name",
        "content_category",
        "num_items",
        "order_id",
        "predicted_ltv",
        "search_string",
        "status",
        "delivery_category",
        "net_revenue",
    }
)
_EXPECTATION_KEYS = frozenset({"count", "params", "sources", "within"})


def _nesting_hint(value: UnknownKey) -> str | None:
    """A key that belongs one level deeper, the commonest nesting slip."""
    if value.key in ACTIONS and "steps" in value.allowed:
        return f"'{value.key}' is a step; put it under steps: as - {value.key}: …"
    if value.key in _CUSTOM_DATA and "params" in value.allowed and "sources" in value.allowed:
        return f"'{value.key}' is a parameter; put it under params: {{{value.key}: …}}"
    if value.key in _EXPECTATION_KEYS and "expect" in value.allowed:
        return f"it belongs to one event: expect: {{KEY: {{{value.key}: …}}}}"
    if value.key in _EXPECTATION_KEYS and "expect_none" in value.allowed:
        return f"it belongs to one event: expect_none: {{KEY: {{{value.key}: …}}}}"
    return None


def _misplaced(path: PathKey) -> str | None:
    """`events: {sources: …}`: an event's own key one level too high."""
    if len(path) == 2 and path[0] == "events" and path[1] in Event.model_fields:
        return f"'{path[1]}' is a key of one event; indent it under that event"
    if len(path) == 2 and path[0] == "environments" and path[1] in Environment.model_fields:
        return f"'{path[1]}' is a key of one environment; indent it under that environment"
    return None


def _is_yaml_bool(value: object, text: str | None, kind: str) -> bool:
    return (
        isinstance(value, bool)
        and text is not None
        and text.lower() in _YAML11_BOOLS
        and kind not in ("bool_type", "bool_parsing")
    )


def add_validation_errors(
    exc: ValidationError, data: object, problems: Problems, unset: Mapping[PathKey, str]
) -> None:
    """Turn every pydantic error into a located problem.

    A 'missing key' that an unknown key next to it probably meant (`sorces` for `sources`)
    is left out: the typo is the one problem.
    """
    errors = exc.errors()
    meant = {_meant(err, data) for err in errors if isinstance(err["input"], UnknownKey)}
    for err in errors:
        if err["type"] == "missing" and (resolve(data, err["loc"]), err["loc"][-1]) in meant:
            continue
        if _losing_branch(err, errors):
            continue
        _add_one(err, data, problems, unset)


def _losing_branch(err: ErrorDetails, errors: list[ErrorDetails]) -> bool:
    """`events: [PageView, Purchse]` fails `"*"` and the list: only the list's error counts.

    A union member that wanted a scalar is dropped when the value is a list or mapping and a
    sibling member got far enough to report something inside it.
    """
    loc = err["loc"]
    if err["type"] != "literal_error" or not isinstance(err["input"], list | dict) or not loc:
        return False
    prefix = loc[:-1]
    return any(
        other is not err
        and len(other["loc"]) > len(loc)
        and other["loc"][: len(prefix)] == prefix
        and other["loc"][len(prefix)] != loc[-1]
        for other in errors
    )


def _meant(err: ErrorDetails, data: object) -> tuple[PathKey, str | None]:
    value = err["input"]
    assert isinstance(value, UnknownKey)
    return resolve(data, err["loc"][:-1]), did_you_mean(value.key, value.allowed)


def _add_one(
    err: ErrorDetails, data: object, problems: Problems, unset: Mapping[PathKey, str]
) -> None:
    value, loc = err["input"], err["loc"]
    path = resolve(data, loc)
    hint: str | None
    if isinstance(value, UnknownKey):
        hint = _nesting_hint(value) or suggest(value.key, value.allowed, "keys")
        where = (*path[:-1], value.key) if path and path[-1] == value.key else path
        problems.add(where[:-1], f"unknown key '{value.key}'", hint, at_key=True, where=where)
        return
    if err["type"] == "unknown_step":
        message, hint, focus = _step(value)
        focused: PathKey | None = (*path, focus) if focus else None
        problems.add(path, message, hint, at_key=focus is not None, where=focused)
        return
    spot = problems.source.spot(path)
    message, hint = _describe(err, path, spot.text if spot else None)
    hint = _misplaced(path) or hint
    if value is None and path in unset:
        hint = f"it comes from ${{{unset[path]}}}, which is not set (or empty)"
    # a key's own error points at the key, when the key is really in the file
    at_key = len(loc) >= 2 and loc[-1] == "[key]" and bool(path) and path[-1] == loc[-2]
    problems.add(path, message, hint, at_key=at_key)


_MAPPINGS: dict[PathKey, str] = {
    (
        "events",
    ): "events are keys, not list items: drop the '- ' and write PageView: {sources: [browser]}",
    ("personas",): "personas are keys, not list items: write jane: {email: …}",
    ("environments",): "environments are keys, not list items: write staging: {kind: staging, …}",
    ("pixels",): "pixel roles are keys, not list items: write main: {events: '*'}",
}
_LISTS: dict[PathKey, str] = {
    ("journeys",): "journeys is a list: start each journey with '- ', as in - name: checkout",
    ("server_containers",): "server_containers is a list: start each with '- ', as in - {url: …}",
}


def _shape_hint(path: PathKey, value: object, kind: str) -> str | None:
    """The top-level collections newcomers write in the other shape."""
    if kind in ("dict_type", "model_type") and isinstance(value, list):
        return _MAPPINGS.get(path)
    if kind == "list_type" and isinstance(value, dict):
        return _LISTS.get(path)
    return None


def _describe(err: ErrorDetails, path: PathKey, text: str | None) -> tuple[str, str | None]:
    kind, value = err["type"], err["input"]
    if kind == "missing":
        field = str(err["loc"][-1])
        return f"missing key '{field}'", _MISSING_HINTS.get(field)
    if _is_yaml_bool(value, text, kind) or kind == "yaml_bool":
        return _custom({**err, "type": "yaml_bool"}, text)
    if "message" in (err.get("ctx") or {}):
        return _custom(err, text)
    if path == ("version",):
        if isinstance(value, str) and value.strip() == "1":
            return (
                f"version is the text '{value}', not the number 1",
                "write version: 1 (no quotes)",
            )
        return f"format version {text or value} is not supported", "this pixelproof reads 1"
    message, hint = _builtin(err, text)
    hint = _shape_hint(path, value, kind) or hint
    if kind == "too_short" and path:
        hint = _MISSING_HINTS.get(str(path[-1]), hint)
    return message, hint
