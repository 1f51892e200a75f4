"""One event key of the map: what each source sends, its parameters, ID, consent and timing."""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal, Self

from pydantic import AfterValidator, BeforeValidator, Field, model_validator

from pixelproof.config.codes import USER_DATA_KEYS
from pixelproof.config.fields import (
    SOURCES,
    Duration,
    NonEmpty,
    Source,
    Sources,
    Strict,
    Text,
    drop_default,
    fail,
    suggest,
)
from pixelproof.meta.standard import PERSONA_KEYS

ParamType = Literal["string", "number", "integer", "boolean", "currency", "list", "object"]
ActionSource = Literal[
    "website",
    "app",
    "email",
    "phone_call",
    "chat",
    "physical_store",
    "system_generated",
    "business_messaging",
    "other",
]
Dedup = Literal["event_id", "fbp", "external_id", "none"]


class Compare(Strict):
    """How browser and server values of one parameter are compared (PA003)."""

    tolerance: Annotated[float, Field(ge=0)] = 0.0
    relative: bool = Field(False, description="tolerance is a fraction of the larger value")
    as_set: bool | None = Field(None, description="compare lists as sets (default: content_ids)")


def _check_pattern(value: str | None) -> str | None:
    if value is not None:
        try:
            re.compile(value)
        except re.error as exc:
            fail("pattern", f"invalid regular expression: {exc}", "check the escaping")
    return value


Pattern = Annotated[Text, AfterValidator(_check_pattern)]


class Param(Strict):
    """A parameter's long form; `required` defaults to every declared source."""

    type: ParamType
    required: bool | Sources = True
    enum: list[Any] | None = None
    min: float | None = None
    pattern: Pattern | None = None
    compare: Compare = Field(default_factory=Compare)


def _param_short(value: object) -> object:
    return {"type": value} if isinstance(value, str) else value


ParamSpec = Annotated[
    Param, BeforeValidator(_param_short, json_schema_input_type=Param | ParamType)
]


class EventId(Strict):
    """Where the event ID comes from and what must carry it (DD001, DD002, DD004, DD006)."""

    required: Annotated[list[Source], Field(json_schema_extra=drop_default)] = Field(
        default_factory=list,
        description="sources that must send an ID (default: all, when dedup is event_id)",
    )
    minted_by: Literal["browser", "server", "order", "tag_manager", "plugin"] | None = None
    same_as: Text | None = Field(None, description="payload field the ID equals, e.g. order_id")
    unique: Literal["per_action", "per_order", "per_journey"] = "per_action"
    format: Pattern | None = Field(None, description="regular expression every ID must match")


def _event_id_short(value: object) -> object:
    if value == "shared":
        return {}
    if value == "none":
        return {"required": []}
    return value


EventIdSpec = Annotated[
    EventId,
    BeforeValidator(_event_id_short, json_schema_input_type=EventId | Literal["shared", "none"]),
]


class EventConsent(Strict):
    """`event: required` — no hit before consent; `user_data: required` — no identifiers."""

    event: Literal["required", "not_required"] = "not_required"
    user_data: Literal["required", "not_required"] = "not_required"


def _consent_short(value: object) -> object:
    return {"event": value} if isinstance(value, str) else value


ConsentSpec = Annotated[
    EventConsent,
    BeforeValidator(_consent_short, json_schema_input_type=EventConsent | Literal["required"]),
]


class UserDataKey(Strict):
    """One match key a source must send; `when_available` only when it exists."""

    key: NonEmpty
    when: Literal["always", "when_available"] = "always"


def _user_data_item(value: object) -> object:
    if isinstance(value, dict) and len(value) == 1:
        ((key, when),) = value.items()
        return {"key": key, "when": when}
    return {"key": value} if isinstance(value, str) else value


_LONG_NAMES = {
    **{field: key for field, key in PERSONA_KEYS.items() if field != key},
    "user_agent": "client_user_agent",
    "ip": "client_ip_address",
    "ip_address": "client_ip_address",
}


def _known_key(item: UserDataKey) -> UserDataKey:
    if item.key in USER_DATA_KEYS:
        return item
    short = _LONG_NAMES.get(item.key)
    hint = f"Meta's key for it is '{short}'" if short else suggest(item.key, USER_DATA_KEYS, "keys")
    fail("user_data", f"unknown user_data key '{item.key}'", hint)


UserDataItem = Annotated[
    UserDataKey,
    BeforeValidator(
        _user_data_item,
        json_schema_input_type=str | dict[str, Literal["always", "when_available"]],
    ),
    AfterValidator(_known_key),
]


class UserData(Strict):
    """Match keys per source (SE003)."""

    browser: list[UserDataItem] = Field(default_factory=list)
    server: list[UserDataItem] = Field(default_factory=list)


class ServerTiming(Strict):
    """When the server copy must arrive: `within` after the action, or `deferred`."""

    within: Duration | None = None
    deferred: bool = False

    @model_validator(mode="after")
    def _one(self) -> Self:
        if self.deferred and self.within is not None:
            fail("server", "set within or deferred, not both", "deferred waits for journey_settle")
        return self


class Event(Strict):
    """An event key (ours); `name` is Meta's and defaults to the key."""

    name: Annotated[NonEmpty, Field(json_schema_extra=drop_default)] = Field(
        "", description="Meta's event name (default: the key)"
    )
    sources: Sources
    params: dict[str, ParamSpec] = Field(default_factory=dict)
    event_id: EventIdSpec = Field(default_factory=EventId)
    dedup: Annotated[Dedup, Field(json_schema_extra=drop_default)] = Field(
        "none", description="event_id for dual-source events, else none"
    )
    action_source: ActionSource = "website"
    consent: ConsentSpec = Field(default_factory=EventConsent)
    user_data: UserData = Field(default_factory=UserData)
    server: ServerTiming = Field(default_factory=ServerTiming)
    owner: Text | None = None
    journeys: Literal["any", "none"] = "any"
    pair: bool = True
    spa: Literal["automatic", "manual", "none"] | None = Field(
        None, description="route-change PageViews: automatic (the Pixel), manual (site), none"
    )

    @model_validator(mode="after")
    def _defaults(self) -> Self:
        dual = set(self.sources) == set(SOURCES)
        if "dedup" not in self.model_fields_set and dual:
            object.__setattr__(self, "dedup", "event_id")
        if "required" not in self.event_id.model_fields_set:
            required = list(self.sources) if self.dedup == "event_id" else []
            object.__setattr__(
                self, "event_id", self.event_id.model_copy(update={"required": required})
            )
        for source in self.event_id.required:
            if source not in self.sources:
                fail("event_id", f"event_id.required names '{source}', which is not in sources")
        return self
