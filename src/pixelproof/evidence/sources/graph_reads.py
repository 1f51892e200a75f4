"""Which Graph reads to make for a map's pixels, and each read → one `GraphRecord`.

Reads (reference/meta-api.md §4.2): the pixel node; `/stats` three times (`aggregation=event`,
then `event_source=WEB_ONLY` and `SERVER_ONLY`, which OP006 compares); `dataset_quality` (the
top-level node with `dataset_id`); `/da_checks`; and, for `graph fires` only, the per-fire readers
`real_time_event_log` and `raw_fires` (one per Meta event name, at most `MAX_FIRE_EVENTS`), which
meta-api.md marks UNCONFIRMED: a "not allowed" answer there is recorded and the source stays ok.
A record's `path` has no query, its `params` no token; `body` is Meta's answer (pages merged,
`paging` dropped — cursors are not kept) or its error envelope, scrubbed.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pixelproof.errors import GraphError
from pixelproof.evidence.model import GraphRecord, SourceRecord
from pixelproof.evidence.sources.graph import DEFAULT_VERSION, GraphClient

if TYPE_CHECKING:
    from pixelproof.config.load import LoadedMap

PIXEL_FIELDS = (
    "id,name,creation_time,last_fired_time,is_unavailable,data_use_setting,"
    "first_party_cookie_status,enable_automatic_matching,automatic_matching_fields,"
    "owner_business,is_consolidated_container"
)
QUALITY_FIELDS = (
    "web{event_name,event_match_quality,event_coverage,dedupe_key_feedback,data_freshness,"
    "acr,event_potential_aly_acr_increase}"
)
WHATS = ("pixel", "stats", "quality", "checks", "fires")
AUDIT_READS = ("pixel", "stats", "quality", "checks")
MAX_FIRE_EVENTS = 10
INVALID_TOKEN = 190
TOKEN_HINT = "set the variable graph.access_token names (e.g. META_ACCESS_TOKEN) to a read token"


@dataclass(frozen=True, slots=True)
class ReadSpec:
    """One read: the node after the version, its parameters, whether a denial is fatal."""

    what: str
    node: str
    params: Mapping[str, str] = field(default_factory=dict)
    optional: bool = False


def _pixel_reads(what: str, pixel: str, events: Sequence[str]) -> list[ReadSpec]:
    if what == "pixel":
        return [ReadSpec(what, pixel, {"fields": PIXEL_FIELDS})]
    if what == "stats":
        sources: tuple[dict[str, str], ...] = (
            {},
            {"event_source": "WEB_ONLY"},
            {"event_source": "SERVER_ONLY"},
        )
        return [ReadSpec(what, f"{pixel}/stats", {"aggregation": "event", **s}) for s in sources]
    if what == "quality":
        params = {"dataset_id": pixel, "fields": QUALITY_FIELDS}
        return [ReadSpec(what, "dataset_quality", params)]
    if what == "checks":
        return [ReadSpec(what, f"{pixel}/da_checks")]
    log = ReadSpec(what, f"{pixel}/real_time_event_log", optional=True)
    raw = [
        ReadSpec(what, f"{pixel}/raw_fires", {"event": name}, optional=True)
        for name in events[:MAX_FIRE_EVENTS]
    ]
    return [log, *raw]


def plan(whats: Iterable[str], pixels: Iterable[str], events: Sequence[str] = ()) -> list[ReadSpec]:
    """The reads for these kinds, pixel by pixel (each pixel once, in the map's order)."""
    names = sorted(set(events))
    kinds = tuple(whats)
    return [
        spec
        for pixel in dict.fromkeys(pixels)
        for what in kinds
        for spec in _pixel_reads(what, pixel, names)
    ]


@dataclass
class ReadOutcome:
    """What a batch of reads gave: records written, the first failure, denials noted."""

    records: list[GraphRecord] = field(default_factory=list)
    error: str | None = None
    denied: list[str] = field(default_factory=list)

    def source(self) -> SourceRecord:
        status = "error" if self.error else "ok"
        return SourceRecord(name="graph", status=status, error=self.error, items=len(self.records))


@dataclass
class GraphReader:
    """Runs specs with one client; `emit` receives each record as it is made."""

    client: GraphClient
    now: Callable[[], float]
    emit: Callable[[GraphRecord], object] = lambda record: None
    stop: threading.Event | None = None

    def run(self, specs: Sequence[ReadSpec]) -> ReadOutcome:
        out = ReadOutcome()
        for spec in specs:
            if self.stop is not None and self.stop.is_set():
                out.error = out.error or "interrupted before the Graph reads finished"
                break
            record, failure = self._one(spec)
            self.emit(record)
            out.records.append(record)
            if failure is None:
                continue
            if failure.denied and spec.optional:
                out.denied.append(failure.message)
                continue
            out.error = out.error or failure.message
            if failure.code == INVALID_TOKEN:
                break  # every other read would fail the same way
        return out

    def _one(self, spec: ReadSpec) -> tuple[GraphRecord, GraphError | None]:
        path = self.client.path(spec.node)
        try:
            answer = self.client.get(spec.node, spec.params)
        except GraphError as exc:
            note = f"not allowed: {exc.message}" if exc.denied and spec.optional else exc.message
            record = GraphRecord(
                time=self.now(),
                path=path,
                params=dict(spec.params),
                status=exc.status,
                body=exc.body,
                error=note,
            )
            return record, exc
        return GraphRecord(
            time=self.now(), path=path, params=dict(spec.params), status=answer.status,
            body=answer.body,
        ), None  # fmt: skip


def skip_reason(loaded: LoadedMap, *, no_graph: bool = False) -> str | None:
    """Why the Graph source is skipped for this map (DESIGN §13), or None to read."""
    if no_graph:
        return "--no-graph"
    graph = loaded.map.graph
    if graph is None or graph.access_token is None:
        return "graph.access_token is unset or empty"
    if not loaded.environment.pixels:
        return "the environment declares no pixel"
    return None


def client_for(loaded: LoadedMap, **options: Any) -> GraphClient:
    """A client with the map's token, app secret and version (`options`: sleep, clock, …)."""
    graph = loaded.map.graph
    token = graph.access_token if graph is not None else None
    if graph is None or token is None:
        raise GraphError("graph.access_token is unset or empty", hint=TOKEN_HINT)
    secret = graph.app_secret.get_secret_value() if graph.app_secret is not None else None
    version = graph.api_version or DEFAULT_VERSION
    return GraphClient(token.get_secret_value(), secret or None, version, **options)


def map_pixels(loaded: LoadedMap) -> list[str]:
    return list(dict.fromkeys(loaded.environment.pixels.values()))


def event_names(loaded: LoadedMap) -> list[str]:
    return sorted({event.name for event in loaded.map.events.values()})
