"""Evidence records (`pixelproof.evidence/1`): raw observations only, one class per kind.

Nothing here is parsed Meta data — a `/tr` hit is kept as method, URL, headers and body; a CAPI
batch as its body, path and response — so a parser fix applies to old evidence (DESIGN §1).
Journal lines are `{"kind": KIND, "seq": N, ...fields}` (DESIGN §13 "Evidence file"); the JSON
Schema is `schema/evidence.schema.json`. Times are capture times, epoch seconds (float).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import ClassVar, TypeVar

from pixelproof.evidence.raw import (
    KEPT_COOKIES,
    KEPT_HEADERS,
    decode_body,
    encode_body,
    keep_headers,
)

SCHEMA = "pixelproof.evidence/1"
__all__ = ["KEPT_COOKIES", "KEPT_HEADERS", "decode_body", "encode_body", "keep_headers"]

Json = Mapping[str, object]


@dataclass(frozen=True, slots=True)
class BrowserHit:
    """A browser request: Pixel `/tr` or privacy-sandbox hit, server-container or Graph call."""

    KIND: ClassVar[str] = "browser_request"
    seq: int = 0
    time: float | None = None
    method: str = "GET"
    url: str = ""
    headers: Mapping[str, str] = field(default_factory=dict)
    body: str | None = None
    body_encoding: str = "utf-8"
    resource_type: str | None = None
    frame: str | None = None  # URL of the frame that sent it (None: main frame or unknown)
    document: str | None = None  # the document it came from (HAR pageref, live page id)
    status: int | None = None
    journey: str | None = None
    step: int | None = None
    source: str = "browser"  # browser | har
    origin: str | None = None  # where in the input: "shop.har:entries[17]"
    problems: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ServerBatch:
    """One CAPI request as the sink, relay or a log saw it (body stored without tokens)."""

    KIND: ClassVar[str] = "server_batch"
    seq: int = 0
    time: float | None = None
    content_type: str | None = None
    body: str | None = None
    body_encoding: str = "utf-8"
    path: str | None = None
    response: Json | None = None  # {"status": int, "body": str}
    user_agent: str | None = None
    remote: str | None = None
    token_fp: str | None = None
    retry_of: int | None = None  # the `sink_seq` of the batch this one re-sends
    sink_seq: int | None = None  # the sink's own line number (`seq` of its capi.jsonl)
    shape: str = "sink"  # sink | envelope | request | event | invalid
    pixel_hint: str | None = None  # --capi-log PIXEL=FILE or the map's single pixel
    source: str = "sink"  # sink | relay | capi_log
    origin: str | None = None
    problems: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class JourneyRecord:
    KIND: ClassVar[str] = "journey"
    seq: int = 0
    name: str = ""
    status: str = "pass"  # pass | fail | error | skip
    consent: str | None = None
    started: float | None = None
    ended: float | None = None
    error: str | None = None


@dataclass(frozen=True, slots=True)
class StepRecord:
    KIND: ClassVar[str] = "step"
    seq: int = 0
    journey: str = ""
    index: int = 0
    id: str | None = None
    key: str = ""
    action: str = ""
    status: str = "pass"
    started: float | None = None
    ended: float | None = None
    error: str | None = None
    screenshot: str | None = None


@dataclass(frozen=True, slots=True)
class ConsentRecord:
    KIND: ClassVar[str] = "consent"
    seq: int = 0
    journey: str = ""
    step: int | None = None
    time: float | None = None
    state: str = ""  # granted | denied | partial | a map-defined name
    action: str | None = None


@dataclass(frozen=True, slots=True)
class CookiesRecord:
    KIND: ClassVar[str] = "cookies"
    seq: int = 0
    journey: str = ""
    step: int | None = None
    time: float | None = None
    cookies: tuple[Json, ...] = ()  # {name, value, domain, path, expires, http_only, ...}


@dataclass(frozen=True, slots=True)
class PageErrorRecord:
    KIND: ClassVar[str] = "page_error"
    seq: int = 0
    journey: str = ""
    step: int | None = None
    time: float | None = None
    message: str = ""
    url: str | None = None


@dataclass(frozen=True, slots=True)
class ConsoleRecord:
    KIND: ClassVar[str] = "console"
    seq: int = 0
    journey: str = ""
    step: int | None = None
    time: float | None = None
    level: str = "log"
    text: str = ""
    url: str | None = None


@dataclass(frozen=True, slots=True)
class ScriptLoadRecord:
    KIND: ClassVar[str] = "script_load"
    seq: int = 0
    journey: str | None = None
    step: int | None = None
    time: float | None = None
    url: str = ""
    status: int | None = None
    frame: str | None = None
    document: str | None = None


@dataclass(frozen=True, slots=True)
class FbqCallRecord:
    """One `fbq(...)` call seen by the init-script trap, with its arguments and caller."""

    KIND: ClassVar[str] = "fbq_call"
    seq: int = 0
    journey: str = ""
    step: int | None = None
    time: float | None = None
    args: tuple[object, ...] = ()
    script: str | None = None
    frame: str | None = None
    document: str | None = None
    url: str | None = None  # location.href at call time


@dataclass(frozen=True, slots=True)
class IdentityRecord:
    """A journey's raw identity keys (open question C16): hashes and IDs derive in `check`."""

    KIND: ClassVar[str] = "identity"
    seq: int = 0
    journey: str = ""
    ua_tag: str | None = None
    user_agent: str | None = None
    fbp: str | None = None
    fbc: str | None = None
    persona: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class GraphRecord:
    """One Graph API read: path without query, parameters without token, the answer."""

    KIND: ClassVar[str] = "graph"
    seq: int = 0
    time: float | None = None
    path: str = ""
    params: Mapping[str, str] = field(default_factory=dict)
    status: int | None = None
    body: Json | None = None
    error: str | None = None


@dataclass(frozen=True, slots=True)
class SourceRecord:
    KIND: ClassVar[str] = "source"
    seq: int = 0
    name: str = ""  # browser | har | sink | relay | capi_log | graph
    status: str = "ok"  # ok | error | skipped
    error: str | None = None
    items: int = 0
    path: str | None = None


@dataclass(frozen=True, slots=True)
class RunEndRecord:
    KIND: ClassVar[str] = "run_end"
    seq: int = 0
    time: float | None = None
    duration_s: float | None = None
    status: str = "finished"  # finished | failed | interrupted
    error: str | None = None
    artefacts: Mapping[str, str] = field(default_factory=dict)


Record = (
    BrowserHit
    | ServerBatch
    | JourneyRecord
    | StepRecord
    | ConsentRecord
    | CookiesRecord
    | PageErrorRecord
    | ConsoleRecord
    | ScriptLoadRecord
    | FbqCallRecord
    | IdentityRecord
    | GraphRecord
    | SourceRecord
    | RunEndRecord
)
RECORD_TYPES: tuple[type[Record], ...] = (
    BrowserHit,
    ServerBatch,
    JourneyRecord,
    StepRecord,
    ConsentRecord,
    CookiesRecord,
    PageErrorRecord,
    ConsoleRecord,
    ScriptLoadRecord,
    FbqCallRecord,
    IdentityRecord,
    GraphRecord,
    SourceRecord,
    RunEndRecord,
)
BY_KIND: dict[str, type[Record]] = {t.KIND: t for t in RECORD_TYPES}
R = TypeVar("R", bound=Record)


@dataclass(frozen=True, slots=True)
class RunInfo:
    """The journal's header: what `check` copies to reproduce `audit` (DESIGN §13)."""

    started_at: str = ""  # ISO 8601 UTC
    started: float | None = None  # epoch seconds, the capture clock's anchor
    options: Json = field(default_factory=dict)
    map_path: str | None = None
    tool_version: str = ""
    artefacts: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Evidence:
    """A journal as read back: `complete` is False for a killed or truncated run."""

    run: RunInfo
    records: tuple[Record, ...]
    problems: tuple[str, ...] = ()
    complete: bool = True

    def of(self, kind: type[R]) -> tuple[R, ...]:
        """The records of one kind, in journal order."""
        return tuple(r for r in self.records if isinstance(r, kind))
