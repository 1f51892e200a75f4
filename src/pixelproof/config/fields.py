"""Field types shared by the map's models: text, durations, IDs, and references to keys.

References (`EventRef`, `StateRef`, …) are checked against the names the map declares, which
the loader passes in the validation context; without a context (a model built in code) they
are plain text. Errors carry `message` and `hint` in their context for `messages.py`.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Annotated, Any, Literal, NoReturn

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, model_validator
from pydantic import ValidationInfo as Info
from pydantic_core import PydanticCustomError

from pixelproof.config.codes import KNOWN_CODES, RULE_CODE
from pixelproof.config.yamlnodes import YamlDate, YamlFloat, YamlInt

Source = Literal["browser", "server"]
SOURCES: tuple[Source, ...] = ("browser", "server")


def fail(kind: str, message: str, hint: str | None = None) -> NoReturn:
    """Raise a validation error that `messages.py` renders as `message; hint`."""
    raise PydanticCustomError(kind, "{message}", {"message": message, "hint": hint})


def did_you_mean(word: str, candidates: Iterable[str]) -> str | None:
    """The closest candidate: a case-insensitive match first, then difflib's best."""
    pool = sorted(set(candidates))
    for candidate in pool:
        if candidate.lower() == word.lower():
            return candidate
    close = difflib.get_close_matches(word, pool, n=1, cutoff=0.6)
    if close:
        return close[0]
    prefixed = [c for c in pool if len(word) >= 3 and c.lower().startswith(word.lower())]
    return prefixed[0] if len(prefixed) == 1 else None


def suggest(word: str, candidates: Iterable[str], what: str) -> str:
    """The hint for an unknown name: 'did you mean …?' or the list of known ones."""
    pool = sorted(set(candidates))
    best = did_you_mean(word, pool)
    if best is not None:
        return f"did you mean '{best}'?"
    if not pool:
        return f"no {what} is declared"
    shown = ", ".join(pool[:16]) + (", …" if len(pool) > 16 else "")
    return f"known {what}: {shown}"


class UnknownKey:
    """Stands in for the value of a key a model does not have, carrying the allowed keys."""

    def __init__(self, key: str, allowed: Iterable[str]) -> None:
        self.key = key
        self.allowed = tuple(sorted(allowed))


class Strict(BaseModel):
    """Base of every map model: unknown keys are errors with 'did you mean'."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=False)

    @model_validator(mode="before")
    @classmethod
    def _mark_unknown(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        allowed = {f.alias or n for n, f in cls.model_fields.items()}
        if all(k in allowed for k in data):
            return data
        return {k: v if k in allowed else UnknownKey(str(k), allowed) for k, v in data.items()}


def as_text(value: object) -> object:
    if isinstance(value, bool):
        fail("yaml_bool", "a YAML boolean where text is expected", "quote it")
    if isinstance(value, YamlInt | YamlFloat | YamlDate):
        return value.text
    return value


Text = Annotated[str, BeforeValidator(as_text)]
NonEmpty = Annotated[str, BeforeValidator(as_text), Field(min_length=1)]

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$")
_UNIT = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0}
DurationText = Annotated[str, Field(pattern=r"^\d+(\.\d+)?(ms|s|m|h)$")]


def parse_duration(value: object) -> float:
    """`500ms`, `10s`, `1m`, `1h`, or a bare number of seconds → seconds."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        if value < 0:
            fail("duration", f"negative duration {value}", "durations are 0 or more")
        return float(value)
    if isinstance(value, str):
        match = _DURATION.match(value)
        if match:
            return float(match.group(1)) * _UNIT[match.group(2) or "s"]
    shown = value if isinstance(value, str) else type(value).__name__
    fail("duration", f"'{shown}' is not a duration", "write 500ms, 10s, 1m or a number of seconds")


Duration = Annotated[
    float, BeforeValidator(parse_duration, json_schema_input_type=float | DurationText)
]


def _pixel_id(value: object) -> object:
    value = as_text(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value


PixelId = Annotated[
    str,
    BeforeValidator(_pixel_id),
    Field(pattern=r"^[0-9]{10,20}$", description="A Meta pixel / dataset ID (digits)."),
]


def _check_code(value: str) -> str:
    if value in KNOWN_CODES:
        return value
    message = (
        f"unknown rule code '{value}'"
        if RULE_CODE.match(value)
        else f"'{value}' is not a rule code"
    )
    fail("rule_code", message, suggest(value.upper(), KNOWN_CODES, "codes"))


RuleCode = Annotated[Text, AfterValidator(_check_code)]


def _names(info: Info, kind: str) -> Mapping[str, Any] | None:
    context = info.context
    if not isinstance(context, Mapping):
        return None
    names = context.get(kind)
    return names if isinstance(names, Mapping) else None


def _event_ref(value: str, info: Info) -> str:
    keys = _names(info, "events")
    if keys is None or value in keys or value == "*":
        return value
    claims = sorted(k for k, name in keys.items() if name == value)
    if claims:
        listed = ", ".join(f"'{k}'" for k in claims)
        fail("unknown_event", f"'{value}' is a Meta name, not an event key", f"use {listed}")
    fail("unknown_event", f"unknown event '{value}'", suggest(value, keys, "events"))


def _ref(kind: str, what: str, extra: tuple[str, ...] = ()) -> Callable[[str, Info], str]:
    def check(value: str, info: Info) -> str:
        names = _names(info, kind)
        if names is None or value in names or value in extra:
            return value
        hint = suggest(value, [*names, *extra], what)
        fail(f"unknown_{kind}", f"unknown {what.rstrip('s')} '{value}'", hint)

    return check


EventRef = Annotated[Text, AfterValidator(_event_ref)]
StateRef = Annotated[Text, AfterValidator(_ref("states", "consent states", ("none",)))]
PersonaRef = Annotated[Text, AfterValidator(_ref("personas", "personas"))]
RoleRef = Annotated[Text, AfterValidator(_ref("roles", "pixel roles"))]
EnvRef = Annotated[Text, AfterValidator(_ref("environments", "environments"))]
JourneyRef = Annotated[Text, AfterValidator(_ref("journeys", "journeys"))]


def unique(items: list[Any], what: str) -> list[Any]:
    """Reject repeats in a list that is really a set."""
    seen: list[Any] = []
    for item in items:
        if item in seen:
            fail("duplicate", f"'{item}' is listed twice in {what}", "list it once")
        seen.append(item)
    return items


Sources = Annotated[
    list[Source],
    Field(min_length=1),
    AfterValidator(lambda v: unique(v, "sources")),
]


def schema_optional(*names: str) -> Callable[[dict[str, Any]], None]:
    """For keys a short form lets the user leave out (the loader fills them in)."""

    def edit(schema: dict[str, Any]) -> None:
        required = [r for r in schema.get("required", []) if r not in names]
        if required:
            schema["required"] = required
        else:
            schema.pop("required", None)

    return edit


def drop_default(schema: dict[str, Any]) -> None:
    """For fields whose default is computed from other fields; the schema must not lie."""
    schema.pop("default", None)
