"""Event keys: what the map declares, and which key an observed event is (DESIGN §13).

`facts_from_map` flattens the pydantic map and the run's environment into small frozen
records the pure stages read (`KeySpec`, `RoleSpec`, `MapFacts`). `MapFacts.resolve` gives an
observed event the one key whose name, sources, `action_source` and pixel role match; when no
key matches everything it relaxes the role, then the action source, so that rules about a
mapped event sent to the wrong place (EV004, EV007, SE008) still know which key it was.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from pixelproof.meta.event import ObservedEvent

if TYPE_CHECKING:  # the map's models pull pydantic and YAML; the pure stages only read them
    from pixelproof.config.environment import PixelRole
    from pixelproof.config.events import Event
    from pixelproof.config.model import EventMap


class EnvironmentView(Protocol):
    """What keys need of the run's resolved environment (`config.environment.Environment`)."""

    @property
    def kind(self) -> str: ...

    @property
    def pixels(self) -> Mapping[str, str]: ...


@dataclass(frozen=True, slots=True)
class KeySpec:
    """One event key, flattened for the pure stages."""

    key: str
    name: str
    sources: frozenset[str]
    action_source: str = "website"
    dedup: str = "none"  # event_id | fbp | external_id | none
    id_required: frozenset[str] = frozenset()
    unique: str = "per_action"  # per_action | per_order | per_journey
    pair: bool = True
    in_journeys: bool = True
    server_within: float | None = None
    deferred: bool = False
    consent_required: bool = False
    owner: str | None = None

    @property
    def dual(self) -> bool:
        """Declared from both sources, and pairable (not a CRM twin)."""
        return self.pair and self.sources >= {"browser", "server"}


@dataclass(frozen=True, slots=True)
class RoleSpec:
    """A pixel role of the run's environment: its ID and what it receives."""

    role: str
    pixel_id: str
    events: frozenset[str] | None = None  # None: every key ("*")
    capi: bool = True
    owner: str | None = None

    def receives(self, key: str, source: str) -> bool:
        if source == "server" and not self.capi:
            return False
        return self.events is None or key in self.events


@dataclass(frozen=True, slots=True)
class MapFacts:
    """The map as the checks read it: keys, roles, foreign environments' pixels, timing."""

    keys: Mapping[str, KeySpec] = field(default_factory=dict)
    roles: tuple[RoleSpec, ...] = ()
    ignored: frozenset[str] = frozenset()
    environment_kind: str = "staging"
    other_pixels: Mapping[str, str] = field(default_factory=dict)  # pixel ID → "kind 'name'"
    browser_within: float = 5.0
    server_within: float = 30.0
    quiet: float = 1.0
    settle: float = 30.0
    _by_name: Mapping[str, tuple[KeySpec, ...]] = field(default_factory=dict)

    @property
    def pixel_ids(self) -> frozenset[str]:
        return frozenset(r.pixel_id for r in self.roles)

    def roles_of(self, pixel_id: str | None) -> tuple[RoleSpec, ...]:
        return tuple(r for r in self.roles if r.pixel_id == pixel_id)

    def pixels_for(self, key: str, source: str) -> tuple[str, ...]:
        """The pixels that should receive `key` from `source` (sorted, unique)."""
        return tuple(sorted({r.pixel_id for r in self.roles if r.receives(key, source)}))

    def keys_named(self, name: str | None) -> tuple[KeySpec, ...]:
        return self._by_name.get(name or "", ())

    def resolve(self, event: ObservedEvent) -> str | None:
        """The event's key (DESIGN §13 "Event keys"), or None when no key or several fit."""
        source = str(event.source)
        found = [k for k in self.keys_named(event.name) if source in k.sources]
        if not found:
            return None
        action = event.action_source or "website"
        roles = self.roles_of(event.pixel_id)
        tiers = (
            [k for k in found if k.action_source == action and _role_fits(k, roles, source)],
            [k for k in found if k.action_source == action],
            found,
        )
        for tier in tiers:
            if len(tier) == 1:
                return tier[0].key
            if len(tier) > 1:
                return _prefer_journey_keys(tier, event)
        return None


def _role_fits(key: KeySpec, roles: tuple[RoleSpec, ...], source: str) -> bool:
    return any(r.receives(key.key, source) for r in roles)


def _prefer_journey_keys(tier: list[KeySpec], event: ObservedEvent) -> str | None:
    """Two keys still fit: a journey's event is the journey key, else undecidable."""
    if event.journey is None:
        return None
    live = [k for k in tier if k.in_journeys]
    return live[0].key if len(live) == 1 else None


def key_spec(key: str, event: Event, default_server_within: float) -> KeySpec:
    """One pydantic event key as a `KeySpec`."""
    return KeySpec(
        key=key,
        name=event.name or key,
        sources=frozenset(event.sources),
        action_source=event.action_source,
        dedup=event.dedup,
        id_required=frozenset(event.event_id.required),
        unique=event.event_id.unique,
        pair=event.pair,
        in_journeys=event.journeys != "none",
        server_within=event.server.within or default_server_within,
        deferred=event.server.deferred,
        consent_required=event.consent.event == "required",
        owner=event.owner,
    )


def _role_spec(role: str, pixel_id: str, spec: PixelRole | None) -> RoleSpec:
    if spec is None:
        return RoleSpec(role, pixel_id)
    events = None if spec.events == "*" else frozenset(spec.events)
    return RoleSpec(role, pixel_id, events, spec.capi, spec.owner)


def _other_pixels(m: EventMap, environment: EnvironmentView) -> dict[str, str]:
    ours = set(environment.pixels.values())
    out: dict[str, str] = {}
    for name, env in sorted(m.environments.items()):
        if env.kind == environment.kind:
            continue
        for pixel in env.pixels.values():
            if pixel not in ours:
                out.setdefault(pixel, f"{env.kind} environment '{name}'")
    return out


def facts_from_map(m: EventMap, environment: EnvironmentView) -> MapFacts:
    """Flatten the map and the run's environment for attribution, pairing and the rules."""
    roles_decl = m.roles()
    roles = tuple(
        _role_spec(role, pixel, roles_decl.get(role))
        for role, pixel in sorted(environment.pixels.items())
    )
    within = m.timing.server_within
    keys = {k: key_spec(k, e, within) for k, e in m.events.items()}
    return build_facts(
        keys.values(),
        roles,
        ignored=frozenset(m.pixels.ignore),
        environment_kind=environment.kind,
        other_pixels=_other_pixels(m, environment),
        timing=(m.timing.browser_within, within, m.timing.quiet, m.timing.journey_settle),
    )


def build_facts(
    keys: Iterable[KeySpec],
    roles: Iterable[RoleSpec] = (),
    *,
    ignored: frozenset[str] = frozenset(),
    environment_kind: str = "staging",
    other_pixels: Mapping[str, str] | None = None,
    timing: tuple[float, float, float, float] = (5.0, 30.0, 1.0, 30.0),
) -> MapFacts:
    """`MapFacts` from hand-built specs (tests) or the map (`facts_from_map`)."""
    specs = {k.key: k for k in keys}
    by_name: dict[str, list[KeySpec]] = {}
    for spec in specs.values():
        by_name.setdefault(spec.name, []).append(spec)
    browser, server, quiet, settle = timing
    return MapFacts(
        keys=specs,
        roles=tuple(roles),
        ignored=ignored,
        environment_kind=environment_kind,
        other_pixels=dict(other_pixels or {}),
        browser_within=browser,
        server_within=server,
        quiet=quiet,
        settle=settle,
        _by_name={n: tuple(v) for n, v in by_name.items()},
    )
