"""Pixel `/tr` hits → browser events (reference/meta-api.md §1, pixel-wire-observed.md).

`parse_pixel_hit` reads one captured request — GET image, hidden-iframe form POST, beacon
(multipart) or fetch — by re-parsing its URL and body with the one decoder of `wire.py`; when a
parameter is in both, the body wins and the query's value is kept in `params` under `?name`.
`parse_browser_hits` numbers events `b1, b2, …` in capture order and adds the trigger classes
the wire can show across hits (DESIGN §13 "Offline clocks"): a PageView without `eid` whose
`dl` changed within one document is `history` (`hash` when only the fragment changed). "Within
one document" is read from the per-pixel event counter `ec`, which only a page load resets to 0
(`it` is not usable: 2.9.252 re-stamps it on history PageViews); a repeat with the same `dl`
is `unknown`, as is any later PageView whose predecessor the capture does not hold.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from pixelproof.evidence.model import BrowserHit, decode_body
from pixelproof.meta import params as wp
from pixelproof.meta import wire
from pixelproof.meta.event import EMPTY, ObservedEvent, Side, Transport, Trigger

SANDBOX_PATH = "/privacy_sandbox/pixel/register/trigger"
State = dict[tuple[str | None, str | None], tuple[str | None, str]]


def hit_kind(url: str) -> str | None:
    """'tr' for a Pixel hit, 'privacy_sandbox' for Chrome's attribution copy, else None."""
    path = wire.path_of(url).rstrip("/")
    if path.endswith(SANDBOX_PATH):
        return "privacy_sandbox"
    if path == "/tr" or path.endswith("/tr"):
        return "tr"
    return None


def hit_pairs(hit: BrowserHit) -> tuple[dict[str, str], list[str]]:
    """All parameters of a hit, body over query; conflicting query values kept as `?name`."""
    query = wire.decode_pairs(wire.query_of(hit.url))
    merged = dict(query)
    if len(merged) < len(query):  # a repeated name: the first one wins
        merged = {}
        for name, value in query:
            merged.setdefault(name, value)
    if hit.body is None or hit.method.upper() == "GET":
        return merged, []
    ctype = hit.headers.get("content-type")
    pairs, problems = wire.decode_form(decode_body(hit.body, hit.body_encoding), ctype)
    seen: set[str] = set()
    for name, value in pairs:
        if name in seen:
            continue
        seen.add(name)
        old = merged.get(name)
        if old is not None and old != value:
            merged["?" + name] = old
        merged[name] = value
    return merged, list(problems)


def _transport(hit: BrowserHit, rqm: str | None) -> str:
    if rqm in wp.RQM_TRANSPORT:
        return wp.RQM_TRANSPORT[rqm]
    if hit.method.upper() == "GET":
        return Transport.GET
    ctype = hit.headers.get("content-type", "")
    return Transport.BEACON if ctype.startswith("multipart/") else Transport.POST


def _wire_trigger(kind: str, fields: dict[str, str]) -> str | None:
    if kind == "privacy_sandbox":
        return Trigger.PRIVACY_SANDBOX
    if fields.get("noscript") == "1":
        return Trigger.NOSCRIPT
    if fields.get("id") and fields.get("ev") and "v" not in fields and "ts" not in fields:
        return Trigger.NOSCRIPT  # a hand-built image pixel: no script stamped it
    es = fields.get("es")
    if es:
        return wp.SYSTEM_CATEGORIES.get(es, Trigger.AUTOMATIC)
    return None


def _groups(
    fields: dict[str, str], problems: list[str]
) -> tuple[dict[str, object], dict[str, object], dict[str, object], dict[str, str]]:
    custom: dict[str, object] = {}
    user: dict[str, object] = {}
    auto: dict[str, object] = {}
    rest: dict[str, str] = {}
    target = {"cd": custom, "ud": user, "udff": auto}
    for name, value in fields.items():
        if "[" not in name:  # most parameters: no group, nothing to split
            if name not in wp.LIFTED:
                rest[name] = value
            continue
        if name in wp.LIFTED:
            continue
        split = wp.split_bracket(name)
        if split is None or split[0] not in wp.GROUPS:
            rest[name] = value
            continue
        group, key = split
        if group == "cd":
            decoded, why = wp.custom_value(value)
            custom[key] = decoded
            if why:
                problems.append(f"{name}: {why}")
        else:
            target[group][key] = value
    return custom, user, auto, rest


def parse_pixel_hit(
    hit: BrowserHit, *, ref: str = "", state: State | None = None
) -> tuple[ObservedEvent, ...]:
    """The event one captured request carries: one for a `/tr` hit, none for other requests.

    `state` carries the last `dl` per (pixel, journey) between calls, so that an eid-less
    PageView later in one document (`ec` > 0) is told apart; without it the hit stands alone.
    """
    kind = hit_kind(hit.url)
    if kind is None:
        return ()
    fields, problems = hit_pairs(hit)
    problems = list(hit.problems) + problems
    for required in ("id", "ev"):
        if not fields.get(required):
            problems.append(f"no '{required}' parameter: not a complete Pixel hit")
    ts, why = wp.int_param(fields.get("ts"))
    if why:
        problems.append(f"ts: {why}")
    custom, user, auto, rest = _groups(fields, problems)
    event_id = fields.get("eid", fields.get("eid[]"))
    name = fields.get("ev") or None
    trigger = _wire_trigger(kind, fields) or _document_trigger(
        fields, name, event_id, hit, {} if state is None else state
    )
    event = ObservedEvent(
        ref=ref,
        source=Side.BROWSER,
        pixel_id=fields.get("id") or None,
        name=name,
        event_id=event_id,
        channel="pixel",
        transport=_transport(hit, fields.get("rqm")),
        trigger=trigger,
        time=hit.time,
        ts=ts,
        url=fields.get("dl"),
        custom_data=custom,
        user_data=user,
        problems=tuple(problems),
        seq=hit.seq,
        journey=hit.journey,
        step=hit.step,
        fbp=fields.get("fbp") or None,
        fbc=fields.get("fbc") or None,
        user_data_auto=auto or EMPTY,
        params=rest,
        partner_agent=fields.get("a") or None,
    )
    return (event,)


def _document_trigger(
    fields: dict[str, str], name: str | None, event_id: str | None, hit: BrowserHit, state: State
) -> str:
    key = (fields.get("id"), hit.journey)
    url = fields.get("dl", "")
    previous = state.get(key)
    state[key] = (hit.document, url)
    if name != "PageView" or event_id is not None:
        return Trigger.EXPLICIT
    counter = fields.get("ec")
    if counter == "0":
        return Trigger.EXPLICIT  # the first hit of a page load
    if previous is None or not counter or not counter.isdigit():
        return Trigger.UNKNOWN
    document, last_url = previous
    if document is not None and hit.document is not None and document != hit.document:
        return Trigger.UNKNOWN
    if last_url == url:
        return Trigger.UNKNOWN  # a bfcache restore or a double fire: the wire cannot tell
    same_page = last_url.partition("#")[0] == url.partition("#")[0]
    return Trigger.HASH if same_page else Trigger.HISTORY


def parse_browser_hits(hits: Iterable[BrowserHit], *, start: int = 1) -> Iterator[ObservedEvent]:
    """Events of captured requests in capture order, numbered `b<N>`, triggers classified."""
    number = start
    state: State = {}
    for hit in hits:
        for event in parse_pixel_hit(hit, ref=f"b{number}", state=state):
            number += 1
            yield event
