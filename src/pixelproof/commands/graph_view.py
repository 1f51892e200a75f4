"""Tables for `pixelproof graph …`: one per read kind, from the records the reads wrote."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence

import orjson
from rich.console import Console
from rich.table import Table

from pixelproof.evidence.model import GraphRecord

NOTE = "Meta-side, aggregate and delayed: what Meta saw across the whole dataset, not this run"
Rows = Iterator[tuple[str, ...]]


def _items(body: Mapping[str, object] | None, key: str = "data") -> list[Mapping[str, object]]:
    items = body.get(key) if body is not None else None
    return [i for i in items if isinstance(i, Mapping)] if isinstance(items, list) else []


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return orjson.dumps(value).decode()


def _pct(block: object) -> str:
    value = block.get("percentage") if isinstance(block, Mapping) else None
    return f"{value:g}%" if isinstance(value, int | float) else ""


def _pixel_rows(records: Sequence[GraphRecord]) -> Rows:
    for record in records:
        for key, value in (record.body or {}).items():
            yield key, _text(value)


def _stats_rows(records: Sequence[GraphRecord]) -> Rows:
    columns = {"": "all", "WEB_ONLY": "browser", "SERVER_ONLY": "server"}
    counts: dict[str, Counter[str]] = {c: Counter() for c in columns.values()}
    for record in records:
        column = columns.get(record.params.get("event_source", ""), "all")
        for bucket in _items(record.body):
            for row in _items(bucket):
                count = row.get("count")
                counts[column][str(row.get("value"))] += count if isinstance(count, int) else 0
    names = sorted(set().union(*counts.values()))
    for name in names:
        yield name, *(str(counts[c].get(name, "")) for c in columns.values())


def _quality_rows(records: Sequence[GraphRecord]) -> Rows:
    for record in records:
        for entry in _items(record.body, "web"):
            emq = entry.get("event_match_quality")
            score = emq.get("composite_score") if isinstance(emq, Mapping) else None
            dedupe = _items(entry, "dedupe_key_feedback")
            browser = _pct(dedupe[0].get("browser_events_with_dedupe_key")) if dedupe else ""
            server = _pct(dedupe[0].get("server_events_with_dedupe_key")) if dedupe else ""
            coverage = _pct(entry.get("event_coverage"))
            yield _text(entry.get("event_name")), _text(score), coverage, browser, server


def _checks_rows(records: Sequence[GraphRecord]) -> Rows:
    for record in records:
        for check in _items(record.body):
            yield _text(check.get("key")), _text(check.get("result")), _text(check.get("title"))


def _fires_rows(records: Sequence[GraphRecord]) -> Rows:
    for record in records:
        for fire in _items(record.body):
            url = fire.get("placed_url") or fire.get("url")
            source = fire.get("event_src") or fire.get("event_detection_method")
            yield _text(fire.get("event")), _text(source), _text(url), _text(fire.get("timestamp"))


VIEWS: Mapping[str, tuple[tuple[str, ...], Callable[[Sequence[GraphRecord]], Rows]]] = {
    "pixel": (("field", "value"), _pixel_rows),
    "stats": (("event", "all", "browser", "server"), _stats_rows),
    "quality": (("event", "match quality", "coverage", "browser dedup key", "server dedup key"),
                _quality_rows),
    "checks": (("check", "result", "title"), _checks_rows),
    "fires": (("event", "source", "url", "time"), _fires_rows),
}  # fmt: skip


def _pixel_of(record: GraphRecord) -> str:
    if "dataset_id" in record.params:
        return record.params["dataset_id"]
    parts = record.path.strip("/").split("/")
    return parts[1] if len(parts) > 1 else "?"


def render(what: str, records: Sequence[GraphRecord], console: Console) -> None:
    """One table per pixel; failed reads are listed under it with Meta's message."""
    headers, rows_of = VIEWS[what]
    console.print(f"[bold]{NOTE}[/bold]")
    for pixel in dict.fromkeys(_pixel_of(r) for r in records):
        mine = [r for r in records if _pixel_of(r) == pixel]
        table = Table(title=f"{what} · dataset {pixel}", title_justify="left")
        for header in headers:
            table.add_column(header, overflow="fold")
        for row in rows_of([r for r in mine if r.error is None]):
            table.add_row(*row)
        console.print(table)
        for record in mine:
            if record.error is not None:
                console.print(f"  {record.path}: {record.error}", markup=False)


def as_data(records: Sequence[GraphRecord], version: str) -> dict[str, object]:
    """`--json`: every read as recorded (path without query, params without token)."""
    reads = [
        {"path": r.path, "params": dict(r.params), "status": r.status, "time": r.time,
         "body": r.body, "error": r.error}
        for r in records
    ]  # fmt: skip
    return {"schema": "pixelproof.graph/1", "note": NOTE, "api_version": version, "reads": reads}
