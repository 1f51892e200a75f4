"""Meta's own view from the Graph API (`diagnostics.graph`) as short text lines, shared by the
terminal and Markdown reports. Aggregate and delayed: labelled so nobody reads it as this run."""

from __future__ import annotations

from collections.abc import Mapping

from pixelproof.result import AuditResult

TOP = 5


def _params(params: object) -> str:
    if not isinstance(params, Mapping):
        return ""
    shown = [f"{k}={v}" for k, v in sorted(params.items()) if k != "fields"]
    return f" ({', '.join(shown)})" if shown else ""


def _outcome(read: Mapping[str, object]) -> str:
    if read.get("error"):
        return f"error: {read['error']}"
    counts = read.get("counts")
    if isinstance(counts, Mapping):
        top = sorted(counts.items(), key=lambda kv: (-int(kv[1]), str(kv[0])))[:TOP]
        more = f" (+{len(counts) - TOP} more)" if len(counts) > TOP else ""
        return " · ".join(f"{name} {count}" for name, count in top) + more or "no events"
    status = read.get("status")
    return "ok" if status == 200 else f"HTTP {status}"


def meta_side_lines(result: AuditResult) -> list[str]:
    """`note`, then one line per Graph read: path, parameters, counts or outcome."""
    graph = result.diagnostics.get("graph")
    if not isinstance(graph, Mapping):
        return []
    reads = graph.get("reads")
    lines = [f"Meta-side (Graph API): {graph.get('note', '')}".rstrip()]
    for read in reads if isinstance(reads, list) else []:
        if isinstance(read, Mapping):
            lines.append(f"{read.get('path')}{_params(read.get('params'))}: {_outcome(read)}")
    return lines
