"""Records ⇄ journal lines. Reading is total: a wrong field becomes its default and a problem."""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Mapping

import orjson

from pixelproof.evidence import model
from pixelproof.evidence.model import BY_KIND, Record

_OPTS = orjson.OPT_NON_STR_KEYS
_NONE = type(None)


def to_data(record: Record) -> dict[str, object]:
    data: dict[str, object] = {"kind": record.KIND}
    for name in _names(type(record)):
        data[name] = getattr(record, name)
    return data


def dumps(data: object) -> bytes:
    """One JSON line (with the newline). Unknown objects are written as their `str`."""
    return orjson.dumps(data, option=_OPTS | orjson.OPT_APPEND_NEWLINE, default=str)


_NAMES: dict[type, tuple[str, ...]] = {}
_SPECS: dict[type, dict[str, tuple[tuple[type, ...], bool]]] = {}


def _names(cls: type[Record]) -> tuple[str, ...]:
    names = _NAMES.get(cls)
    if names is None:
        names = _NAMES[cls] = tuple(f.name for f in dataclasses.fields(cls))
    return names


def _specs(cls: type[Record]) -> dict[str, tuple[tuple[type, ...], bool]]:
    specs = _SPECS.get(cls)
    if specs is None:
        hints = typing.get_type_hints(cls, vars(model))
        specs = _SPECS[cls] = {name: _spec(hints[name]) for name in _names(cls)}
    return specs


def _spec(hint: object) -> tuple[tuple[type, ...], bool]:
    """Runtime types a field accepts, and whether a JSON list becomes a tuple."""
    origin = typing.get_origin(hint)
    if origin in (types.UnionType, typing.Union):
        allowed: tuple[type, ...] = ()
        as_tuple = False
        for arg in typing.get_args(hint):
            sub, sub_tuple = _spec(arg)
            allowed += sub
            as_tuple = as_tuple or sub_tuple
        return allowed, as_tuple
    if hint is None or hint is _NONE:
        return (_NONE,), False
    if origin is tuple:
        return (list,), True
    if origin is not None and isinstance(origin, type) and issubclass(origin, Mapping):
        return (dict,), False
    if hint is float:
        return (float, int), False
    if isinstance(hint, type):
        return (hint,), False
    return (object,), False


def _valid(value: object, allowed: tuple[type, ...]) -> bool:
    if isinstance(value, bool) and bool not in allowed and object not in allowed:
        return False
    return isinstance(value, allowed)


def from_data(data: Mapping[str, object]) -> tuple[Record | None, list[str]]:
    """A record from one decoded line, or None with the reason; unknown keys are ignored."""
    kind = data.get("kind")
    cls = BY_KIND.get(kind) if isinstance(kind, str) else None
    if cls is None:
        return None, [f"unknown record kind {str(kind)[:40]!r} (skipped)"]
    problems: list[str] = []
    values: dict[str, object] = {}
    for name, (allowed, as_tuple) in _specs(cls).items():
        if name not in data:
            continue
        value = data[name]
        if not _valid(value, allowed):
            problems.append(f"{kind}.{name}: unexpected {type(value).__name__} (default used)")
            continue
        values[name] = tuple(value) if as_tuple and isinstance(value, list) else value
    return cls(**values), problems  # type: ignore[arg-type]
