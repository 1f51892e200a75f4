"""The Pixel's own signals show a double load or a double init of one pixel.

Judged per journey and document from what the page recorded: two `fbq('init', ID)` calls
for one pixel (a second init that only adds user data is fine), `fbevents.js` executed twice,
or the Pixel's console warning `Duplicate Pixel ID`.

**Why:** a double init usually means two copies of the base code (theme plus tag manager);
the next change to one of them makes every event fire twice, or with different settings.

**Fix:** keep one base code per page; put advanced-matching data in the one `init` (or a
single second `init` carrying only user data).

**Example:** the theme and a GTM tag both run `fbq('init', '111…')`: EV005 for pixel 111….
"""

from __future__ import annotations

from collections.abc import Iterator

from pixelproof.checks.base import Check, CheckContext, Draft, Need
from pixelproof.evidence.model import ConsoleRecord, FbqCallRecord, ScriptLoadRecord
from pixelproof.result import Severity

Place = tuple[str | None, str | None]  # journey, document


def _user_data_only(args: tuple[object, ...]) -> bool:
    return len(args) >= 3 and isinstance(args[2], dict) and bool(args[2])


def _inits(ctx: CheckContext) -> dict[tuple[str | None, str], str]:
    assert ctx.evidence is not None
    calls: dict[tuple[str | None, str | None, str], list[FbqCallRecord]] = {}
    for call in ctx.evidence.of(FbqCallRecord):
        if len(call.args) >= 2 and call.args[0] == "init":
            calls.setdefault((call.journey, call.document, str(call.args[1])), []).append(call)
    found: dict[tuple[str | None, str], str] = {}
    for (journey, _, pixel), inits in calls.items():
        extra = inits[1:]
        if extra and not (len(extra) == 1 and _user_data_only(extra[0].args)):
            found[(journey, pixel)] = f"fbq('init', '{pixel}') ran {len(inits)} times on one page"
    return found


def _loads(ctx: CheckContext) -> dict[tuple[str | None, str], str]:
    assert ctx.evidence is not None
    per_page: dict[Place, int] = {}
    for load in ctx.evidence.of(ScriptLoadRecord):
        if "fbevents" in load.url and load.document is not None:
            place = (load.journey, load.document)
            per_page[place] = per_page.get(place, 0) + 1
    return {(j, ""): f"fbevents.js loaded {n} times on one page" for (j, _), n in
            per_page.items() if n > 1}  # fmt: skip


def _console(ctx: CheckContext) -> dict[tuple[str | None, str], str]:
    assert ctx.evidence is not None
    return {
        (line.journey, ""): f"the Pixel warned: {line.text[:160]}"
        for line in ctx.evidence.of(ConsoleRecord)
        if "Duplicate Pixel ID" in line.text or "DUPLICATE_PIXEL_ID" in line.text
    }


def run(ctx: CheckContext) -> Iterator[Draft]:
    if ctx.evidence is None:
        return
    found = {**_console(ctx), **_loads(ctx), **_inits(ctx)}
    for (journey, pixel), message in sorted(
        found.items(), key=lambda kv: (kv[0][0] or "", kv[0][1])
    ):
        yield Draft(
            message=message,
            journey=journey,
            pixel_id=pixel or None,
            scope="page",
            hint="keep one base code per page (theme or tag manager, not both)",
            subject="init" if pixel else "script",
            cause="duplicate-pixel-init",
        )


CHECK = Check(
    code="EV005",
    name="duplicate-pixel-init",
    severity=Severity.WARNING,
    needs=frozenset({Need.PAGE_SCRIPT}),
    run=run,
    doc=__doc__ or "",
)
