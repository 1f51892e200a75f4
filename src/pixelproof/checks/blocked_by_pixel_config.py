"""Meta's pixel configuration suppressed an event or stripped its parameters.

Error when the Pixel reports it dropped an event (console `RESTRICTED_EVENT`,
`UNWANTED_EVENT`); warning when it stripped parameters: `_removed_` values in custom data, the
`spb`/`up`/`rp`/`rks` markers on a hit, or another `UNWANTED_*` console message. The site's
code is not at fault; the dataset's settings in Events Manager are.

**Why:** Meta blocks events and parameters it classifies as sensitive (health, finance) or
that a dataset admin marked unwanted. The site keeps sending them; Meta keeps discarding them,
so the event never counts — whatever the code does.

**Fix:** review the dataset's blocked events and data restrictions in Events Manager, or
rename/generalise the event and parameters so they are not restricted.

**Example:** a pharmacy's `ViewContent` arrives with `cd[content_name]=_removed_`: EV008
(warning) on `content_name`.
"""

from __future__ import annotations

from collections.abc import Iterator

from pixelproof.checks.base import Check, CheckContext, Draft, Need
from pixelproof.evidence.model import ConsoleRecord
from pixelproof.meta.event import Side
from pixelproof.result import Severity

DROPPED = ("RESTRICTED_EVENT", "UNWANTED_EVENT")
MARKERS = ("spb", "up", "rp", "rks")
REMOVED = "_removed_"


def _console(ctx: CheckContext) -> Iterator[Draft]:
    for line in ctx.evidence.of(ConsoleRecord) if ctx.evidence is not None else ():
        dropped = any(m in line.text for m in DROPPED)
        if not dropped and "UNWANTED_" not in line.text:
            continue
        what = "dropped an event" if dropped else "stripped data"
        yield Draft(
            message=f"Meta's pixel configuration {what}: {line.text[:160]}",
            severity=None if dropped else Severity.WARNING,
            journey=line.journey, step=line.step, source="browser", scope="page",
            hint="review the dataset's blocked events and data restrictions in Events Manager",
            subject=f"console:{line.seq}", cause="blocked-by-pixel-config",
            joins=(f"console:{line.seq}",),
        )  # fmt: skip


def run(ctx: CheckContext) -> Iterator[Draft]:
    yield from _console(ctx)
    for e in ctx.events:
        if e.source is not Side.BROWSER:
            continue
        stripped = sorted(k for k, v in e.custom_data.items() if v == REMOVED)
        marked = sorted(m for m in MARKERS if m in e.params)
        for what in stripped + marked:
            yield ctx.draft(
                e,
                f"Meta stripped '{what}' from {e.name}"
                if what in stripped
                else f"{e.name} carries Meta's '{what}' restriction marker",
                severity=Severity.WARNING,
                hint="review the dataset's data restrictions in Events Manager",
                subject=what,
                cause="blocked-by-pixel-config",
            )


CHECK = Check(
    code="EV008",
    name="blocked-by-pixel-config",
    severity=Severity.ERROR,
    severities=(Severity.ERROR, Severity.WARNING),
    needs=frozenset({Need.BROWSER}),
    suppresses=("EV001",),
    run=run,
    doc=__doc__ or "",
)
