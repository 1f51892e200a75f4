"""What checks read from the raw evidence (DESIGN §13 record kinds): steps, consent, identity.

Every reader answers empty when `ctx.evidence` is None or lacks the kind, so a rule can tell
"the evidence has no timeline" (HAR or log input: `not_applicable`) from "nothing happened".
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, TypeVar

from pixelproof.evidence.model import (
    BrowserHit,
    IdentityRecord,
    JourneyRecord,
    Record,
    ServerBatch,
    StepRecord,
)

if TYPE_CHECKING:
    from pixelproof.checks.base import CheckContext

R = TypeVar("R", bound=Record)
StepKeys = Mapping[tuple[str, int], str]


def records(ctx: CheckContext, kind: type[R]) -> tuple[R, ...]:
    return () if ctx.evidence is None else ctx.evidence.of(kind)


def step_keys(ctx: CheckContext) -> dict[tuple[str, int], str]:
    """(journey, step index) → step key, from the evidence's step records."""
    return {(s.journey, s.index): s.key for s in records(ctx, StepRecord) if s.key}


def journeys(ctx: CheckContext) -> dict[str, JourneyRecord]:
    return {j.name: j for j in records(ctx, JourneyRecord)}


def identity(ctx: CheckContext, journey: str | None) -> IdentityRecord | None:
    if journey is None:
        return None
    return next((r for r in records(ctx, IdentityRecord) if r.journey == journey), None)


def browser_user_agent(ctx: CheckContext, journey: str | None) -> str | None:
    """The journey's browser UA: its identity record, else a captured request's header."""
    found = identity(ctx, journey)
    if found is not None and found.user_agent:
        return found.user_agent
    for hit in records(ctx, BrowserHit):
        if hit.journey == journey and journey is not None and hit.headers.get("user-agent"):
            return hit.headers["user-agent"]
    return None


def raw_server_events(ctx: CheckContext) -> dict[str, Mapping[str, object]]:
    """Server event ref → its raw CAPI object, re-decoded from the batches (fields the compact
    record does not keep, e.g. `data_processing_options`).

    Refs are re-derived exactly as `meta.server.parse_server_batches` numbers them (`s1, s2, …`
    across batches in journal order), so events folded away as retries never shift the others.
    """
    from pixelproof.meta.server import decode_batch  # orjson stays off the import path

    if not any(event.channel == "capi" for event in ctx.events):
        return {}
    out: dict[str, Mapping[str, object]] = {}
    number = 1
    for batch in records(ctx, ServerBatch):
        for raw in decode_batch(batch).events:
            out[f"s{number}"] = raw
            number += 1
    return out
