"""Which journey and step an event belongs to — by evidence, not by clock (DESIGN §5).

Server events are attributed one by one (a batch may mix sessions) by `attribute_server_event`,
a pure function over a `JourneyIndex` built from each journey's identity keys; the live runner
calls it as events arrive and `check` calls it again, so both agree (open question B9: the
time key only counts windows open at the event's capture time). Keys, strongest first: a
cooperative echo, the `pixelproof/<token>` UA tag, `user_data.fbp`, an event ID or order ID the
journey's browser sent, a persona hash, and arrival time while exactly one window fits.
Disagreeing identity keys are resolved by the stronger one and recorded as a `conflict`.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

from pixelproof.meta.event import ObservedEvent
from pixelproof.meta.timeline import Timeline
from pixelproof.result import Attribution

UA_TAG = re.compile(r"pixelproof/([A-Za-z0-9_.:-]+)")
ECHO_FIELDS = ("pixelproof", "pixelproof_journey")
PERSONA_KEYS = {"email": "em", "phone": "ph", "first_name": "fn", "last_name": "ln",
                "external_id": "external_id"}  # fmt: skip
UNATTRIBUTED = "unattributed"


@dataclass(frozen=True, slots=True)
class JourneyIdentity:
    """A journey's identity keys (raw, as observed; hashes derived here) and its timeline."""

    name: str
    timeline: Timeline
    token: str | None = None  # the UA tag's token (`<run>.<journey>`), also the echo value
    fbps: frozenset[str] = frozenset()
    ids: Mapping[str, int | None] = field(default_factory=dict)  # event/order ID → step
    persona: frozenset[str] = frozenset()  # normalised raw values and their SHA-256 hex
    open_until: float | None = None  # end of its window incl. settle; None: still open


@dataclass(frozen=True, slots=True)
class JourneyIndex:
    """Hash indexes over every journey's keys: one lookup per key per event."""

    journeys: Mapping[str, JourneyIdentity]
    by_token: Mapping[str, frozenset[str]]
    by_fbp: Mapping[str, frozenset[str]]
    by_id: Mapping[str, frozenset[str]]
    by_persona: Mapping[str, frozenset[str]]


def _invert(pairs: Iterable[tuple[str, str]]) -> dict[str, frozenset[str]]:
    out: dict[str, set[str]] = {}
    for value, journey in pairs:
        out.setdefault(value, set()).add(journey)
    return {k: frozenset(v) for k, v in out.items()}


def build_index(identities: Iterable[JourneyIdentity]) -> JourneyIndex:
    """Index journeys by each identity key (linear in their keys)."""
    js = {j.name: j for j in identities}
    tokens = [(t, j.name) for j in js.values() for t in (j.token, j.name) if t]
    return JourneyIndex(
        journeys=js,
        by_token=_invert(tokens),
        by_fbp=_invert((f, j.name) for j in js.values() for f in j.fbps),
        by_id=_invert((i, j.name) for j in js.values() for i in j.ids),
        by_persona=_invert((p, j.name) for j in js.values() for p in j.persona),
    )


def persona_values(raw: Mapping[str, str]) -> frozenset[str]:
    """Normalised persona values and their SHA-256 hex, in the forms both sides send."""
    out: set[str] = set()
    for name, value in raw.items():
        if name not in PERSONA_KEYS or not value:
            continue
        for form in _forms(name, value):
            out.add(form)
            out.add(hashlib.sha256(form.encode()).hexdigest())
    return frozenset(out)


def _forms(name: str, value: str) -> set[str]:
    text = value.strip().lower()
    if name == "phone":
        digits = re.sub(r"\D", "", value)
        return {digits, digits.lstrip("0")} - {""}
    return {text, value.strip()} - {""}


def _texts(value: object) -> list[str]:
    if isinstance(value, str):
        return [value.strip().lower()]
    if isinstance(value, list | tuple):
        return [v.strip().lower() for v in value if isinstance(v, str)]
    return []


def _lookup(index: Mapping[str, frozenset[str]], values: Iterable[str]) -> frozenset[str]:
    found: set[str] = set()
    for value in values:
        found |= index.get(value, frozenset())
    return frozenset(found)


def _echo(event: ObservedEvent) -> list[str]:
    return [v for f in ECHO_FIELDS if isinstance(v := event.custom_data.get(f), str)]


def _ua_tokens(event: ObservedEvent) -> list[str]:
    ua = event.user_data.get("client_user_agent")
    return UA_TAG.findall(ua) if isinstance(ua, str) else []


def event_ids(event: ObservedEvent) -> list[str]:
    """The event ID and order ID an event carries (the IDs attribution joins on)."""
    order = event.custom_data.get("order_id")
    ids = [event.event_id, order if isinstance(order, str) else None]
    if isinstance(order, int) and not isinstance(order, bool):
        ids.append(str(order))
    return [i for i in ids if i]


def _persona(event: ObservedEvent) -> list[str]:
    keys = PERSONA_KEYS.values()
    values = [t for k in keys for t in _texts(event.user_data.get(k))]
    phones = [re.sub(r"\D", "", t) for t in _texts(event.user_data.get("ph"))]
    return values + [p for p in phones if p]


def _open_at(index: JourneyIndex, time: float | None) -> frozenset[str]:
    if time is None:
        return frozenset()
    return frozenset(
        j.name
        for j in index.journeys.values()
        if j.timeline.started is not None
        and j.timeline.started <= time
        and (j.open_until is None or time <= j.open_until)
    )


def candidates(event: ObservedEvent, index: JourneyIndex) -> list[tuple[str, frozenset[str]]]:
    """Each key's candidate journeys, strongest key first."""
    time = event.time if event.time is not None else event.event_time
    return [
        ("echo", _lookup(index.by_token, _echo(event))),
        ("user_agent", _lookup(index.by_token, _ua_tokens(event))),
        ("fbp", _lookup(index.by_fbp, [event.fbp] if event.fbp else [])),
        ("event_id", _lookup(index.by_id, event_ids(event))),
        ("persona", _lookup(index.by_persona, _persona(event))),
        ("time", _open_at(index, time)),
    ]


def decide(found: Sequence[tuple[str, frozenset[str]]]) -> tuple[str | None, Attribution]:
    """Narrow by each key in turn; a key that disagrees with the stronger ones is a conflict."""
    chosen: frozenset[str] | None = None
    method = UNATTRIBUTED
    conflicts: list[str] = []
    seen: set[str] = set()
    for key, names in found:
        if not names:
            continue
        seen |= names
        if chosen is not None and not chosen & names:
            if key != "time":
                conflicts.append(f"{key}:{','.join(sorted(names))}")
            continue
        chosen = names if chosen is None else chosen & names
        if len(chosen) == 1 and method == UNATTRIBUTED:
            method = key
    journey = next(iter(chosen)) if chosen is not None and len(chosen) == 1 else None
    attribution = Attribution(method, tuple(sorted(seen)), tuple(conflicts) or None)
    return journey, attribution


def _step(event: ObservedEvent, identity: JourneyIdentity) -> int | None:
    for value in event_ids(event):
        if value in identity.ids and identity.ids[value] is not None:
            return identity.ids[value]
    time = event.time if event.time is not None else event.event_time
    window = identity.timeline.step_at(time)
    return window.index if window is not None else None


def attribute_server_event(
    event: ObservedEvent, index: JourneyIndex
) -> tuple[ObservedEvent, Attribution]:
    """The event with `journey`/`step` filled (or left None), and how it was decided."""
    journey, attribution = decide(candidates(event, index))
    if journey is None:
        return replace(event, journey=None, step=None), attribution
    step = _step(event, index.journeys[journey])
    return replace(event, journey=journey, step=step), attribution


def attribute_browser_event(
    event: ObservedEvent, timelines: Mapping[str, Timeline]
) -> tuple[ObservedEvent, Attribution | None]:
    """A hit's journey from the evidence (recorded by the live runner), else its time window.

    The recorded step becomes its action step (an `expect`/`wait` step extends the action
    step before it); a hit with no step takes the window its capture time falls in.
    """
    if not timelines:
        return event, None
    if event.journey is not None:
        line = timelines.get(event.journey)
        if line is None:
            return event, Attribution("recorded")
        step = line.action_step(event.step)
        if step is None:
            window = line.step_at(event.time)
            step = window.index if window else None
        return replace(event, step=step), Attribution("recorded")
    fits = [t for t in timelines.values() if _inside(t, event.time)]
    if len(fits) != 1:
        names = tuple(sorted(t.name for t in fits))
        return event, Attribution(UNATTRIBUTED, names, None)
    window = fits[0].step_at(event.time)
    step = window.index if window else None
    return replace(event, journey=fits[0].name, step=step), Attribution("time")


def _inside(line: Timeline, time: float | None) -> bool:
    if time is None or line.started is None:
        return False
    return line.started <= time and (line.ended is None or time <= line.ended)
