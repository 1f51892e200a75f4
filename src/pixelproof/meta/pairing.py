"""Browser ⇄ server pairing: what Meta will probably deduplicate (DESIGN §5, §13).

Per journey, in passes, each event paired at most once: (1) exact key → `deduplicated`;
(2) same ID, other name → `name-mismatch`; (3) same name and ID, other dataset →
`dataset-mismatch`; fallback dedup (`dedup: fbp|external_id` keys whose visitor key and name
agree) → `fallback-dedup`; (4) heuristic near-names in a time window → `name-mismatch` /
`id-mismatch` / `id-missing`; (5) one leftover of each side in one step → low-confidence
`name-mismatch`; (6) the rest one-sided. Passes 1, 2, 4, 5 run per dataset, pass 3 across
datasets; passes 2 and 5 never pair two different standard names. Journey-less evidence is
scoped by visitor (`fbp`, else `external_id`); visitor-less events fall back to a time window
(low confidence); pass 5 is off there. Every pass is a hash join over bounded candidates.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from functools import partial
from statistics import median

from pixelproof.meta.candidates import (
    INF,
    Bucket,
    Clock,
    always,
    fallback_key,
    heuristic_status,
    id_key,
    make_pair,
    per_dataset,
    same_visitor,
    score,
    split_sides,
    visitor,
)
from pixelproof.meta.event import ObservedEvent, Side
from pixelproof.meta.keys import MapFacts
from pixelproof.meta.names import near, two_standards
from pixelproof.result import Pair

NOT_EVENTS = frozenset({"automatic", "user_properties", "privacy_sandbox"})
EARLY = 60.0  # a server copy may be stamped up to 60 s before the browser's
K = 4  # heuristic candidates per browser event


@dataclass(frozen=True, slots=True)
class PairingOutcome:
    pairs: tuple[Pair, ...]
    clock_offset: float | None = None  # applied to journey-less evidence (given or estimated)


def pairable(event: ObservedEvent, facts: MapFacts) -> bool:
    """Events that take part: real events, accepted copies, keys that pair (not CRM twins)."""
    if event.source is Side.BROWSER and event.trigger in NOT_EVENTS:
        return False
    if event.source is Side.SERVER and event.accepted is False:
        return False
    spec = facts.keys.get(event.event_key or "")
    return spec is None or spec.pair


class _Pairer:
    """The passes over one scope (a journey, or journey-less evidence)."""

    def __init__(self, facts: MapFacts, clock: Clock, journey: str | None) -> None:
        self.facts, self.clock, self.journey = facts, clock, journey
        self.taken: set[str] = set()
        self.pairs: list[Pair] = []

    def emit(
        self, b: ObservedEvent | None, s: ObservedEvent | None, status: str, basis: str,
        confidence: str = "high",
    ) -> None:  # fmt: skip
        delay = None
        if b is not None and s is not None:
            bt, st = self.clock.browser(b), self.clock.server(s)
            delay = None if bt is None or st is None else round(st - bt, 3)
            self.taken.update((b.ref, s.ref))
            if s.time is None and basis not in ("event_id", "fbp", "external_id"):
                confidence = "low"
        key = (b.event_key if b is not None else None) or (s.event_key if s else None)
        spec = self.facts.keys.get(key or "")
        pair = make_pair(self.journey, b, s, status, basis, delay, confidence)
        self.pairs.append(replace(pair, name=spec.name if spec else pair.name, event_key=key))

    def free(self, events: Iterable[ObservedEvent]) -> list[ObservedEvent]:
        return [e for e in events if e.ref not in self.taken]

    # -- ID passes -----------------------------------------------------------------------
    def join(
        self, browser: Sequence[ObservedEvent], server: Sequence[ObservedEvent],
        key: Callable[[ObservedEvent], tuple[object, ...] | None],
        fits: Callable[[ObservedEvent, ObservedEvent], bool], status: str, basis: str,
    ) -> None:  # fmt: skip
        buckets: dict[tuple[object, ...], list[ObservedEvent]] = {}
        for s in self.free(server):
            k = key(s)
            if k is not None:
                buckets.setdefault(k, []).append(s)
        ready = {k: Bucket(v, self.clock.server, self.taken) for k, v in buckets.items()}
        for b in sorted(self.free(browser), key=lambda e: (e.seq, e.ref)):
            k = key(b)
            bucket = ready.get(k) if k is not None else None
            if bucket is None or b.ref in self.taken:
                continue
            match = bucket.nearest(self.clock.browser(b), partial(fits, b))
            if match is not None:
                self.emit(b, match, status, basis)

    def id_passes(self, browser: list[ObservedEvent], server: list[ObservedEvent]) -> None:
        ok = same_visitor if self.journey is None else always
        self.join(browser, server, lambda e: id_key(e, True, True), ok, "deduplicated", "event_id")

    def later_id_passes(self, browser: list[ObservedEvent], server: list[ObservedEvent]) -> None:
        ok = same_visitor if self.journey is None else always

        def renamed(b: ObservedEvent, s: ObservedEvent) -> bool:
            return b.name != s.name and not two_standards(b.name or "", s.name or "") and ok(b, s)

        # Pass 3 only for copies with no same-name twin on their own dataset: one fbq('track')
        # fans out to every pixel, and the server copy belongs to the dataset it went to.
        on_b = {(e.pixel_id, e.name) for e in browser}
        on_s = {(e.pixel_id, e.name) for e in server}

        def moved(b: ObservedEvent, s: ObservedEvent) -> bool:
            alone = (s.pixel_id, s.name) not in on_b and (b.pixel_id, b.name) not in on_s
            return b.pixel_id != s.pixel_id and alone and ok(b, s)

        self.join(browser, server, lambda e: id_key(e, True, False), renamed,
                  "name-mismatch", "event_id")  # fmt: skip
        self.join(browser, server, lambda e: id_key(e, False, True), moved,
                  "dataset-mismatch", "event_id")  # fmt: skip

    def fallback(self, browser: list[ObservedEvent], server: list[ObservedEvent]) -> None:
        for mode in ("fbp", "external_id"):
            modal = [b for b in browser if self._dedup(b) == mode]
            if modal:
                key = fallback_key(mode)
                self.join(modal, server, key, always, "fallback-dedup", mode)

    def _dedup(self, event: ObservedEvent) -> str | None:
        spec = self.facts.keys.get(event.event_key or "")
        return spec.dedup if spec else None

    # -- heuristic passes ----------------------------------------------------------------
    def heuristic(
        self, browser: Sequence[ObservedEvent], server: Sequence[ObservedEvent], basis: str | None,
        confidence: str = "high",
    ) -> None:  # fmt: skip
        """Pass 4 over one dataset: near names, time window, no order-ID veto, best score."""
        by_name: dict[str, list[ObservedEvent]] = {}
        for s in self.free(server):
            by_name.setdefault(s.name or "", []).append(s)
        buckets = {n: Bucket(v, self.clock.server, self.taken) for n, v in by_name.items()}
        options: list[tuple[int, float, int, int, ObservedEvent, ObservedEvent, int]] = []
        for b in self.free(browser):
            for s, gap, points in self._options(b, buckets):
                options.append((-points, gap, b.seq, s.seq, b, s, points))
        options.sort(key=lambda o: (o[0], o[1], o[2], o[3], o[4].ref, o[5].ref))
        for _, _, _, _, b, s, points in options:
            if b.ref in self.taken or s.ref in self.taken:
                continue
            made = basis or ("name+order_id" if points >= 100 else "name+score")
            self.emit(b, s, heuristic_status(b, s), made, confidence)

    def _options(
        self, b: ObservedEvent, buckets: dict[str, Bucket]
    ) -> Iterator[tuple[ObservedEvent, float, int]]:
        bt = self.clock.browser(b)
        within = self._within(b)
        for name, bucket in buckets.items():
            if not near(b.name or "", name):
                continue
            lo, hi = (-INF, INF) if bt is None else (bt - EARLY, bt + within)
            for s in bucket.around(bt, K, lo, hi):
                points = score(b, s)
                st = self.clock.server(s)
                if points is None or ((bt is None or st is None) and points < 100):
                    continue
                yield s, INF if bt is None or st is None else abs(st - bt), points

    def _within(self, b: ObservedEvent) -> float:
        spec = self.facts.keys.get(b.event_key or "")
        if spec is not None and spec.deferred:
            return INF if self.journey is not None else self.facts.settle
        if spec is not None and spec.server_within is not None:
            return spec.server_within + self.facts.quiet
        return self.facts.server_within + self.facts.quiet

    def leftovers(self, browser: list[ObservedEvent], server: list[ObservedEvent]) -> None:
        """Pass 5: one browser and one server leftover of one step, dual-source keys."""
        steps: dict[tuple[object, ...], tuple[list[ObservedEvent], list[ObservedEvent]]] = {}
        for e in self.free(browser) + self.free(server):
            if e.step is None or not self._leftover(e):
                continue
            sides = steps.setdefault((e.step, e.pixel_id), ([], []))
            sides[0 if e.source is Side.BROWSER else 1].append(e)
        for bs, ss in steps.values():
            if len(bs) != 1 or len(ss) != 1:
                continue
            b, s = bs[0], ss[0]
            dual = {self._dual(b), self._dual(s)}
            names = (b.name or "", s.name or "")
            unrelated = not near(*names) and not two_standards(*names)
            if True in dual and unrelated and score(b, s) is not None:
                self.emit(b, s, "name-mismatch", "step-leftover", "low")

    def _dual(self, e: ObservedEvent) -> bool | None:
        spec = self.facts.keys.get(e.event_key or "")
        return None if spec is None else spec.dual

    def _leftover(self, e: ObservedEvent) -> bool:
        explicit = e.source is Side.SERVER or e.trigger in ("explicit", "consent_replay", None)
        return explicit and self._dual(e) is not False

    def one_sided(self, events: Iterable[ObservedEvent]) -> None:
        for e in self.free(events):
            if e.source is Side.BROWSER:
                self.emit(e, None, "browser-only", "none")
            else:
                self.emit(None, e, "server-only", "none")


def _journey_scope(p: _Pairer, events: list[ObservedEvent]) -> None:
    browser, server = split_sides(events)
    p.id_passes(browser, server)
    p.later_id_passes(browser, server)
    p.fallback(browser, server)
    for b, s in per_dataset(browser, server):
        p.heuristic(b, s, None)
    for b, s in per_dataset(browser, server):
        p.leftovers(b, s)
    p.one_sided(events)


def _estimate(pairs: Sequence[Pair], times: dict[str, ObservedEvent], clock: Clock) -> float:
    """Median server−browser delay of exact pairs, used when beyond the heuristic window."""
    deltas = []
    for pair in pairs:
        b, s = times.get(pair.browser or ""), times.get(pair.server or "")
        bt = clock.browser(b) if b else None
        st = clock.server(s) if s else None
        if bt is not None and st is not None:
            deltas.append(st - bt)
    guess = median(deltas) if deltas else 0.0
    return round(guess, 3) if abs(guess) > EARLY else 0.0


def _loose_scope(p: _Pairer, events: list[ObservedEvent], given: float | None) -> float:
    """Journey-less evidence: ID passes with a visitor veto, then visitor-scoped heuristics."""
    browser, server = split_sides(events)
    p.id_passes(browser, server)
    offset = given if given is not None else _estimate(p.pairs, {e.ref: e for e in events}, p.clock)
    p.clock = Clock(offset)
    p.later_id_passes(browser, server)
    p.fallback(browser, server)
    scoped: dict[str | None, list[ObservedEvent]] = {}
    for e in p.free(events):
        scoped.setdefault(visitor(e), []).append(e)
    for key, group in sorted(scoped.items(), key=lambda kv: kv[0] or ""):
        if key is not None:
            for b, s in per_dataset(*split_sides(group)):
                p.heuristic(b, s, None)
    orphans = {e.ref for e in scoped.get(None, [])}
    for b, s in per_dataset(*split_sides(p.free(events))):
        lone_b = [e for e in b if e.ref in orphans]
        lone_s = [e for e in s if e.ref in orphans]
        p.heuristic(lone_b, s, "time-window", "low")
        p.heuristic(b, lone_s, "time-window", "low")
    p.one_sided(events)
    return offset


def pair_events(
    events: Iterable[ObservedEvent], facts: MapFacts, *, clock_offset: float | None = None
) -> PairingOutcome:
    """Every pair of DESIGN §5 over attributed, keyed events (retries already collapsed)."""
    scopes: dict[str | None, list[ObservedEvent]] = {}
    for e in events:
        if pairable(e, facts):
            scopes.setdefault(e.journey, []).append(e)
    pairs: list[Pair] = []
    applied: float | None = clock_offset
    for journey in sorted(scopes, key=lambda j: (j is None, j or "")):
        pairer = _Pairer(facts, Clock(clock_offset or 0.0), journey)
        if journey is None:
            applied = _loose_scope(pairer, scopes[journey], clock_offset)
        else:
            _journey_scope(pairer, scopes[journey])
        pairs += pairer.pairs
    return PairingOutcome(tuple(pairs), applied)
