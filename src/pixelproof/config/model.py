"""The event map, format 1 (DESIGN §4): pydantic models with every short form expanded."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal, Self

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    SecretStr,
    Tag,
    ValidationInfo,
    model_validator,
)

from pixelproof.config.codes import CODES_ABOUT_UNMAPPED
from pixelproof.config.environment import (
    CapiSpec,
    Environment,
    Kind,
    Pixels,
    PixelShort,
    TestEventCodeSpec,
    environments_input,
)
from pixelproof.config.events import Event
from pixelproof.config.fields import (
    Duration,
    EnvRef,
    EventRef,
    JourneyRef,
    NonEmpty,
    PersonaRef,
    RoleRef,
    RuleCode,
    Source,
    StateRef,
    Strict,
    Text,
    as_text,
)
from pixelproof.config.fields import _event_ref as check_event_ref
from pixelproof.config.steps import Step
from pixelproof.config.validators import (
    check_block,
    check_persona_value,
    consent_input,
    fraction,
    states_input,
)

Name = Annotated[Text, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]*$")]
EventKey = Annotated[Text, Field(pattern=r"^[A-Za-z_][A-Za-z0-9_.:-]*$")]


def _drop_unset(headers: dict[str, str | None]) -> dict[str, str | None]:
    return {k: v for k, v in headers.items() if v is not None}


class HttpCredentials(Strict):
    username: NonEmpty
    password: Text | None = None


class Site(Strict):
    """The site under audit; `headers` go to its own origin only."""

    base_url: Text | None = None
    domains: list[NonEmpty] = Field(default_factory=list, description="our event_source_url hosts")
    mark_user_agent: bool = True
    http_credentials: HttpCredentials | None = None
    headers: Annotated[dict[str, Text | None], AfterValidator(_drop_unset)] = Field(
        default_factory=dict, description="an unset ${VAR} drops the header"
    )
    storage_state: Text | None = None
    block: list[Annotated[NonEmpty, AfterValidator(check_block)]] = Field(default_factory=list)


class Timing(Strict):
    """Defaults; an event's `server` and an expectation's `within` win over these."""

    browser_within: Duration = 5.0
    server_within: Duration = 30.0
    quiet: Duration = 1.0
    journey_settle: Duration = 30.0


class ServerContainer(Strict):
    url: NonEmpty
    kind: Literal["ga4", "stape", "capi_gateway", "other"] = "other"


class ConsentState(Strict):
    """Steps that reach the state, and what it means for marketing (PR004)."""

    steps: list[Step] = Field(min_length=1)
    marketing: Literal["granted", "denied", "partial"]


StateInput = ConsentState | list[Step] | Step


class Consent(Strict):
    banner: Text | None = Field(None, description="selector; its absence is a journey error")
    states: Annotated[
        dict[Name, ConsentState],
        BeforeValidator(states_input, json_schema_input_type=dict[str, StateInput]),
    ] = Field(default_factory=dict)


class ConsentShort(BaseModel):
    """`consent: {banner, accept: …, reject: …}`: every other key is a state (schema only)."""

    model_config = ConfigDict(extra="allow", title="ConsentShort")
    __pydantic_extra__: dict[str, StateInput] = Field(init=False)
    banner: str | None = None


ConsentSpec = Annotated[
    Consent, BeforeValidator(consent_input, json_schema_input_type=Consent | ConsentShort)
]
PersonaText = Annotated[Text, AfterValidator(check_persona_value)]


class Persona(Strict):
    """A test identity; values may use {run.id}, {journey}, {uuid}."""

    email: PersonaText | None = None
    phone: PersonaText | None = None
    first_name: PersonaText | None = None
    last_name: PersonaText | None = None
    date_of_birth: PersonaText | None = None
    gender: PersonaText | None = None
    city: PersonaText | None = None
    state: PersonaText | None = None
    zip: PersonaText | None = None
    country: PersonaText | None = None
    external_id: PersonaText | None = None


class Landing(Strict):
    fbclid: Text | None = Field(None, description="auto, or a fixed fbclid for the first goto")


def _persona_kind(value: Any) -> str:
    return "inline" if isinstance(value, dict) else "ref"


PersonaSpec = Annotated[
    Annotated[PersonaRef, Tag("ref")] | Annotated[Persona, Tag("inline")],
    Discriminator(_persona_kind),
]


class Journey(Strict):
    """A scripted visit: consent state, persona, steps, and events it must never see."""

    name: Name
    environments: list[EnvRef] | None = Field(None, description="default: every environment")
    consent: StateRef = "none"
    persona: PersonaSpec | None = None
    landing: Landing = Field(default_factory=Landing)
    steps: list[Step] = Field(min_length=1)
    forbid: list[EventRef] = Field(default_factory=list)


class Ignore(Strict):
    """A finding the team accepts; kept in results as `ignored`, never failing a run."""

    code: RuleCode
    event: Text | None = Field(None, description="an event key (EV002/EV004/OP006/OP007: a name)")
    journey: JourneyRef | None = None
    pixel: RoleRef | None = None
    source: Source | None = None
    reason: NonEmpty
    until: dt.date | None = None

    @model_validator(mode="after")
    def _event_is_key(self, info: ValidationInfo) -> Self:
        if self.event is not None and self.code not in CODES_ABOUT_UNMAPPED:
            check_event_ref(self.event, info)
        return self


class Checks(Strict):
    ignore: list[Ignore] = Field(default_factory=list)
    severity: dict[RuleCode, Literal["error", "warning", "info"]] = Field(default_factory=dict)
    options: dict[RuleCode, dict[str, Any]] = Field(default_factory=dict)


def _emq_key(value: str, info: ValidationInfo) -> str:
    return value if value == "default" else check_event_ref(value, info)


Fraction = Annotated[float, AfterValidator(fraction)]


class Thresholds(Strict):
    """OP004 bounds; fractions (Graph's percentages are divided by 100)."""

    emq: dict[Annotated[Text, AfterValidator(_emq_key)], Annotated[float, Field(ge=0, le=10)]] = (
        Field(default_factory=dict, description="event key (or default) → minimum match quality")
    )
    dedupe_key_coverage: Fraction | None = None
    event_coverage: Fraction | None = None
    browser_server_ratio: Annotated[float, Field(gt=1)] | None = Field(
        None, description="OP006: flag names whose browser/server ratio is beyond this factor"
    )


Secret = Annotated[SecretStr, BeforeValidator(as_text)]


class Graph(Strict):
    """Graph API reads; the token comes from the environment only."""

    access_token: Secret | None = Field(None, description='"${META_ACCESS_TOKEN}"; never literal')
    app_secret: Secret | None = Field(None, description="enables appsecret_proof")
    api_version: Annotated[Text, Field(pattern=r"^v[0-9]+\.[0-9]+$")] | None = None
    thresholds: Thresholds = Field(default_factory=Thresholds)


class EventMap(Strict):
    """The whole map. After loading, `environments` holds the one-environment short form too."""

    version: Literal[1]
    name: Text | None = None
    environments: Annotated[dict[Name, Environment], BeforeValidator(environments_input)] = Field(
        default_factory=dict
    )
    environment: Kind | None = Field(None, description="short form: one environment of this kind")
    pixel: PixelShort | None = Field(None, description="short form: role main's pixel")
    capi: CapiSpec | None = Field(None, description="short form: the one environment's capi")
    test_event_code: TestEventCodeSpec | None = None
    pixels: Pixels = Field(default_factory=Pixels)
    site: Site = Field(default_factory=Site)
    timing: Timing = Field(default_factory=Timing)
    server_containers: list[ServerContainer] = Field(default_factory=list)
    consent: ConsentSpec | None = None
    personas: dict[Name, Persona] = Field(default_factory=dict)
    events: dict[EventKey, Event] = Field(min_length=1)
    journeys: list[Journey] = Field(default_factory=list)
    checks: Checks = Field(default_factory=Checks)
    graph: Graph | None = None

    @model_validator(mode="after")
    def _expand(self) -> Self:
        named = {
            k: e if e.name else e.model_copy(update={"name": k}) for k, e in self.events.items()
        }
        object.__setattr__(self, "events", named)
        if self.environment is not None and not self.environments:
            object.__setattr__(self, "environments", {self.environment: self.short_environment()})
        return self

    def short_environment(self) -> Environment:
        """The one-environment short form as a full environment."""
        assert self.environment is not None
        pixels = {"main": self.pixel.id} if self.pixel else {}
        return Environment(
            kind=self.environment,
            base_url=self.site.base_url,
            pixels=pixels,
            test_event_code=self.test_event_code,
            capi=self.capi,
        )

    def roles(self) -> dict[str, Any]:
        """Pixel roles: declared ones, plus `main` from the `pixel` short form."""
        roles: dict[str, Any] = dict(self.pixels.roles)
        if self.pixel is not None:
            roles.setdefault("main", self.pixel)
        return roles
