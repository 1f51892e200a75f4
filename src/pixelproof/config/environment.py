"""Environments (kind, base URL, pixel IDs per role, test code, CAPI capture) and pixel roles."""

from __future__ import annotations

import ipaddress
from typing import Annotated, Any, Literal, Self

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from pixelproof.config.fields import (
    EventRef,
    NonEmpty,
    PixelId,
    Strict,
    Text,
    fail,
    schema_optional,
)

Kind = Literal["staging", "production"]
Capture = Literal["sink", "relay", "logs", "none"]


class Sink(Strict):
    """The local Conversions API endpoint the backend is pointed at during a run."""

    listen: Annotated[Text, Field(pattern=r"^\[?[A-Za-z0-9_.:-]+\]?:[0-9]{1,5}$")] = (
        "127.0.0.1:4010"
    )
    token: Text | None = Field(None, description="shared token; required off loopback")
    accept_tokens: list[Text] = Field(default_factory=list, description="accepted Meta tokens")
    forward: Text | None = Field(None, description="relay: forward to this Graph base URL")

    @property
    def loopback(self) -> bool:
        host = self.listen.rsplit(":", 1)[0].strip("[]")
        if host == "localhost":
            return True
        try:
            return ipaddress.ip_address(host).is_loopback
        except ValueError:
            return False


class LogFile(Strict):
    """A JSONL file of CAPI request bodies (§6); `pixel` when the lines carry no path."""

    path: NonEmpty
    pixel: PixelId | None = None


def _log_short(value: object) -> object:
    return {"path": value} if isinstance(value, str) else value


LogSpec = Annotated[LogFile, BeforeValidator(_log_short, json_schema_input_type=LogFile | str)]


class Capi(Strict, json_schema_extra=schema_optional("capture")):
    """How the server half is captured (DESIGN §6); `sink`/`logs` imply their capture."""

    capture: Capture = Field(description="sink | relay | logs | none (implied by sink or logs)")
    sink: Sink | None = None
    logs: list[LogSpec] | None = None
    reason: Text | None = Field(None, description="why capture is none")

    @model_validator(mode="after")
    def _coherent(self) -> Self:
        if self.capture == "none" and not self.reason:
            fail("capi", "capture: none needs a reason", 'add reason: "…" (who sends CAPI, why)')
        if self.capture == "logs" and not self.logs:
            fail("capi", "capture: logs needs logs: [file.jsonl, …]")
        if self.sink is not None and self.capture not in ("sink", "relay"):
            fail("capi", f"a sink is configured but capture is {self.capture}")
        if self.logs is not None and self.capture != "logs":
            fail("capi", f"logs are listed but capture is {self.capture}")
        sink = self.sink or Sink()
        if self.capture in ("sink", "relay") and not sink.loopback and not sink.token:
            fail(
                "capi",
                f"the sink listens on {sink.listen}, off loopback, without a token",
                'set sink.token: "${PIXELPROOF_SINK_TOKEN}" or listen on 127.0.0.1',
            )
        return self


def _capi_short(value: object) -> object:
    if isinstance(value, dict) and "capture" not in value:
        for implied in ("sink", "logs"):
            if implied in value:
                return {"capture": implied, **value}
    return value


CapiSpec = Annotated[Capi, BeforeValidator(_capi_short)]


class TestEventCode(Strict):
    """The test code staging batches must carry (OP002); never in production (OP001)."""

    __test__ = False  # not a pytest class
    expect: Text | None = None


def _code_short(value: object) -> object:
    return {"expect": value} if isinstance(value, str) else value


TestEventCodeSpec = Annotated[
    TestEventCode,
    BeforeValidator(_code_short, json_schema_input_type=TestEventCode | str),
]


class Ldu(Strict):
    """Limited Data Use (PR005)."""

    required: bool = False
    country: int = 0
    state: int = 0


class Environment(Strict, json_schema_extra=schema_optional("kind")):
    """One place the site runs; the resolved environment of a run uses this model too."""

    kind: Kind = Field(description="staging | production (default: the name, if it is one)")
    base_url: Text | None = None
    pixels: dict[str, PixelId] = Field(default_factory=dict, description="role → pixel ID")
    test_event_code: TestEventCodeSpec | None = None
    capi: CapiSpec | None = None
    ldu: Ldu | None = None


class PixelRole(Strict):
    """What a pixel role receives: `events` (`*` = every event key) and CAPI or not."""

    events: Literal["*"] | list[EventRef] = "*"
    owner: Text | None = None
    capi: bool = Field(True, description="server events go to this pixel's dataset")

    def receives(self, key: str) -> bool:
        return self.events == "*" or key in self.events


class PixelShort(PixelRole):
    """`pixel: {id: …}`: the one-environment short form, defining role `main`."""

    id: PixelId


class Pixels(BaseModel):
    """Pixel roles by name; `ignore` (reserved) lists pixels reported as info only."""

    model_config = ConfigDict(extra="allow", frozen=True)
    __pydantic_extra__: dict[str, PixelRole] = Field(init=False)

    ignore: list[PixelId] = Field(default_factory=list, description="embeds and partners")

    @property
    def roles(self) -> dict[str, PixelRole]:
        return dict(self.__pydantic_extra__ or {})


def environments_input(value: Any) -> Any:
    """An environment named `staging` or `production` has that kind unless it says."""
    if not isinstance(value, dict):
        return value
    out = dict(value)
    for name, env in value.items():
        if name in ("staging", "production") and isinstance(env, dict) and "kind" not in env:
            out[name] = {"kind": name, **env}
    return out
