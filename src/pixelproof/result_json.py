"""`AuditResult` ⇄ JSON bytes: sorted keys, fixed orders, sets serialised sorted.

The same result always gives the same bytes (a test runs under two hash seeds).
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Mapping
from enum import Enum
from typing import Any, TypeVar, Union, get_args, get_origin

import orjson

from pixelproof.errors import InputError
from pixelproof.result import SCHEMA, AuditResult

T = TypeVar("T")


def to_data(value: object) -> object:
    """Plain JSON data of a result record (dataclasses, enums, tuples, sets, mappings)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_data(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, (set, frozenset)):
        return sorted((to_data(v) for v in value), key=orjson.dumps)
    if isinstance(value, (list, tuple)):
        return [to_data(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): to_data(v) for k, v in value.items()}
    return value


def dumps(result: AuditResult) -> bytes:
    """The result.json bytes: indented, sorted keys, trailing newline."""
    return orjson.dumps(to_data(result), option=orjson.OPT_SORT_KEYS | orjson.OPT_INDENT_2) + b"\n"


def loads(data: bytes, *, path: str = "<result>") -> AuditResult:
    """Parse result.json; raise InputError when it is not a pixelproof result at all."""
    try:
        raw = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise InputError(f"{path}: not JSON ({exc})") from exc
    if not isinstance(raw, dict) or raw.get("schema") != SCHEMA:
        raise InputError(f"{path}: not a {SCHEMA} file", hint="pass a result.json pixelproof wrote")
    try:
        return build(AuditResult, raw)
    except (TypeError, ValueError, KeyError) as exc:
        raise InputError(f"{path}: malformed result ({exc})") from exc


def build(cls: type[T], data: object) -> T:
    """Rebuild a record of `cls` from plain data, following its type hints."""
    return typing.cast(T, _convert(cls, data))


def _convert(tp: Any, data: object) -> object:
    origin = get_origin(tp)
    if origin in (Union, types.UnionType):
        if data is None:
            return None
        inner = [a for a in get_args(tp) if a is not type(None)]
        return _convert(inner[0], data)
    if origin is tuple:
        if not isinstance(data, list):
            raise TypeError(f"expected a list, got {type(data).__name__}")
        return tuple(_convert(get_args(tp)[0], v) for v in data)
    if origin in (Mapping, dict) or tp is Mapping:
        if not isinstance(data, dict):
            raise TypeError(f"expected an object, got {type(data).__name__}")
        return dict(data)
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        return _build_dataclass(tp, data)
    if isinstance(tp, type) and issubclass(tp, Enum):
        return tp(data)
    if tp is float and isinstance(data, int):
        return float(data)
    return data


def _build_dataclass(tp: type, data: object) -> object:
    if not isinstance(data, dict):
        raise TypeError(f"{tp.__name__}: expected an object")
    hints = typing.get_type_hints(tp)
    kwargs = {
        f.name: _convert(hints[f.name], data[f.name])
        for f in dataclasses.fields(tp)
        if f.name in data
    }
    return tp(**kwargs)
