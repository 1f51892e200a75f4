"""The result's `diagnostics {}` (open question M5): Meta-side reads copied from the evidence.

`{"graph": {"note": …, "reads": [{path, params, status, error, body | counts}]}}` — one entry
per `graph` evidence record, in journal order; a `/stats` read carries `counts` (name → total
over its hourly buckets) instead of its body, which can hold thousands of rows. Empty when the
evidence has no Graph read, so results without Graph evidence are unchanged.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping

from pixelproof.evidence.model import Evidence, GraphRecord

NOTE = "Meta-side, aggregate and delayed: the whole dataset, not this run"


def _counts(body: Mapping[str, object]) -> dict[str, int]:
    counts: Counter[str] = Counter()
    buckets = body.get("data")
    for bucket in buckets if isinstance(buckets, list) else []:
        rows = bucket.get("data") if isinstance(bucket, Mapping) else None
        for row in rows if isinstance(rows, list) else []:
            count = row.get("count") if isinstance(row, Mapping) else None
            if isinstance(count, int) and isinstance(row.get("value"), str):
                counts[row["value"]] += count
    return dict(sorted(counts.items()))


def _read(record: GraphRecord) -> dict[str, object]:
    out: dict[str, object] = {
        "path": record.path,
        "params": dict(record.params),
        "status": record.status,
        "error": record.error,
    }
    if record.path.rstrip("/").endswith("/stats") and record.body is not None:
        out["counts"] = _counts(record.body)
    else:
        out["body"] = record.body
    return out


def diagnostics_of(evidence: Evidence) -> dict[str, object]:
    reads = [_read(r) for r in evidence.of(GraphRecord)]
    return {"graph": {"note": NOTE, "reads": reads}} if reads else {}
