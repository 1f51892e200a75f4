"""Limited Data Use required but missing, sent on one channel only, or without country/state.

With the environment's `ldu: {required: true, country, state}`, every Pixel hit must carry
`dpo=LDU` and every server event `data_processing_options: ["LDU"]` with the map's country and
state. Without it, LDU on one channel but not the other is still reported, as is a server event
with LDU but no `data_processing_options_country`/`_state`.

**Why:** Limited Data Use tells Meta to process events under US state privacy laws. Applied on
one channel only, the other channel's copy of the same action is processed without the
restriction — and deduplication may keep exactly that copy.

**Fix:** call `fbq('dataProcessingOptions', ['LDU'], 0, 0)` before `init`, and send
`data_processing_options: ["LDU"]`, `data_processing_options_country: 0`,
`data_processing_options_state: 0` (geolocate) with every server event.

**Example:** browser hits with `dpo=LDU`, server events without `data_processing_options`: PR005
(error) on the server events.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from pixelproof.checks.base import Check, CheckContext, Draft, Need
from pixelproof.config.environment import Ldu
from pixelproof.meta.event import ObservedEvent
from pixelproof.result import Severity
from pixelproof.rulekit import mapview, timeline
from pixelproof.rulekit.drafts import Drafter, label


def _ldu(event: ObservedEvent, raw: Mapping[str, object]) -> bool:
    if event.channel == "pixel":
        return "LDU" in event.params.get("dpo", "").upper().split(",")
    options = raw.get("data_processing_options")
    return isinstance(options, list) and "LDU" in [str(o).upper() for o in options]


def _place(event: ObservedEvent, raw: Mapping[str, object]) -> tuple[object, object]:
    if event.channel == "pixel":
        return event.params.get("dpoco"), event.params.get("dpost")
    return raw.get("data_processing_options_country"), raw.get("data_processing_options_state")


def _same(sent: object, wanted: int) -> bool:
    return str(sent).strip() == str(wanted)


def problem(
    event: ObservedEvent, raw: Mapping[str, object], ldu: Ldu | None, other: bool
) -> str | None:
    """`other`: the other channel uses LDU somewhere in the run."""
    has = _ldu(event, raw)
    if not has:
        if ldu is not None and ldu.required:
            return "lacks Limited Data Use, which the environment requires"
        return "lacks Limited Data Use, which the other channel sends" if other else None
    country, state = _place(event, raw)
    if event.channel == "capi" and (country is None or state is None):
        return "sends LDU without data_processing_options_country/_state"
    if ldu is not None and ldu.required and country is not None and not _same(country, ldu.country):
        return f"sends LDU country {country!r}, the environment says {ldu.country}"
    if ldu is not None and ldu.required and state is not None and not _same(state, ldu.state):
        return f"sends LDU state {state!r}, the environment says {ldu.state}"
    return None


def run(ctx: CheckContext) -> Iterator[Draft]:
    draft = Drafter(ctx)
    env = mapview.environment(ctx)
    ldu = env.ldu if env is not None else None
    raws = timeline.raw_server_events(ctx)
    used = {
        e.channel for e in ctx.events if _ldu(e, raws.get(e.ref, {}) if e.channel == "capi" else {})
    }
    for event in ctx.events:
        if event.trigger in ("automatic", "user_properties", "privacy_sandbox"):
            continue
        other = ("capi" if event.channel == "pixel" else "pixel") in used
        why = problem(event, raws.get(event.ref, {}), ldu, other)
        if why is not None:
            yield draft(
                event,
                f"{label(event)} {why}",
                hint="set Limited Data Use the same way on the Pixel and the Conversions API",
                subject="data_processing_options",
                cause="ldu-mismatch",
            )


CHECK = Check(
    code="PR005",
    name="data-processing-options-mismatch",
    severity=Severity.ERROR,
    needs=frozenset({Need.BROWSER, Need.SERVER}),
    any_need=True,
    run=run,
    doc=__doc__ or "",
)
