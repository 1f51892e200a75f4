"""Graph `/stats` shows event-name variants or a browser/server ratio outlier on the dataset.

Warnings, scope `dataset`: names that differ only in case or separators (`purchase` and
`Purchase`, `add_to_cart` and `AddToCart`) both counted; and, for names counted by both sources
(`event_source=WEB_ONLY` / `SERVER_ONLY` reads), a browser/server ratio beyond
`graph.thresholds.browser_server_ratio` (default 3) either way. Aggregate and delayed: the whole
dataset, not this run. Needs a Graph snapshot.

**Why:** Meta treats each name as a different event, so a variant splits conversions across two
names (one of which campaigns do not optimise for), and a lopsided browser/server ratio means
one channel is losing or duplicating events in real traffic.

**Fix:** find the integration that sends the variant (a plugin, an old tag, a second backend)
and make it send the standard name; investigate the channel that is out of line.

**Example:** `/stats` counting `Purchase` 412 times and `purchase` 37 times: OP006 (warning).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator, Mapping

from pixelproof.checks.base import Check, CheckContext, Draft, Need
from pixelproof.evidence.model import GraphRecord
from pixelproof.result import Severity
from pixelproof.rulekit import mapview, timeline

DEFAULT_RATIO = 3.0
Counts = dict[str, Counter[str]]  # source (all|browser|server) → name → count


def _canonical(name: str) -> str:
    return re.sub(r"[\s_\-.]", "", name).lower()


def _source(record: GraphRecord) -> str:
    value = record.params.get("event_source", "").upper()
    return {"WEB_ONLY": "browser", "SERVER_ONLY": "server"}.get(value, "all")


def stats(ctx: CheckContext) -> dict[str, Counts]:
    """Pixel → source → name → count, from every `/stats` read."""
    out: dict[str, Counts] = {}
    for record in timeline.records(ctx, GraphRecord):
        parts = [p for p in record.path.strip("/").split("/") if not re.match(r"^v\d", p)]
        if len(parts) < 2 or parts[-1] != "stats" or not isinstance(record.body, Mapping):
            continue
        counts = out.setdefault(parts[-2], {}).setdefault(_source(record), Counter())
        data = record.body.get("data")
        for bucket in data if isinstance(data, list) else []:
            rows = bucket.get("data") if isinstance(bucket, Mapping) else None
            for row in rows if isinstance(rows, list) else []:
                if isinstance(row, Mapping) and isinstance(row.get("value"), str):
                    count = row.get("count")
                    counts[str(row["value"])] += count if isinstance(count, int) else 0
    return out


def variants(counts: Counts) -> Iterator[list[str]]:
    names = set().union(*(c.keys() for c in counts.values())) if counts else set()
    groups: dict[str, list[str]] = {}
    for name in sorted(names):
        groups.setdefault(_canonical(name), []).append(name)
    yield from (g for g in groups.values() if len(g) > 1)


def outliers(counts: Counts, bound: float) -> Iterator[tuple[str, int, int]]:
    browser, server = counts.get("browser", Counter()), counts.get("server", Counter())
    for name in sorted(set(browser) & set(server)):
        b, s = browser[name], server[name]
        if b > 0 and s > 0 and max(b / s, s / b) > bound:
            yield name, b, s


def _draft(pixel: str, text: str, subject: str) -> Draft:
    return Draft(
        message=f"dataset {pixel}: {text} (Graph /stats; aggregate, delayed)",
        source="graph",
        pixel_id=pixel,
        scope="dataset",
        hint="find the integration that sends it; Meta counts each name as its own event",
        subject=subject,
        cause="dataset-aggregate-anomaly",
    )


def run(ctx: CheckContext) -> Iterator[Draft]:
    emap = mapview.event_map(ctx)
    graph = emap.graph if emap is not None else None
    bound = (graph.thresholds.browser_server_ratio if graph else None) or DEFAULT_RATIO
    for pixel, counts in stats(ctx).items():
        for group in variants(counts):
            yield _draft(pixel, "name variants counted: " + ", ".join(group), group[0])
        for name, b, s in outliers(counts, bound):
            text = f"{name} browser/server ratio {b}:{s} is beyond {bound:g}×"
            yield _draft(pixel, text, name)


CHECK = Check(
    code="OP006",
    name="dataset-aggregate-anomaly",
    severity=Severity.WARNING,
    needs=frozenset({Need.GRAPH}),
    run=run,
    doc=__doc__ or "",
)
