"""Side-by-side benchmark harness (DESIGN §10).

Baseline and subject run in the same session, interleaved A B A B…, each run a fresh
subprocess; warm-ups are discarded; peak memory is the child's `ru_maxrss` from the OS.
A row reports the median ratio, the min-based ratio and the spread (interquartile range of the
per-pair ratios, so a noisy neighbour shows up as spread, not as a better or worse ratio).
"""

from __future__ import annotations

import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results.json"


@dataclass(frozen=True)
class Run:
    seconds: float
    max_rss_kb: int
    cpu_s: float = 0.0  # the child's user + sys CPU seconds (wait4 rusage, reaped children too)

    @property
    def cpu_share(self) -> float:
        """CPU seconds per wall second (1.0 = one core busy the whole run)."""
        return self.cpu_s / self.seconds if self.seconds > 0 else 0.0


@dataclass(frozen=True)
class Row:
    name: str
    value: float | None
    baseline: float | None
    ratio: float | None
    ratio_min: float | None
    spread: float | None
    target: str
    unit: str
    ok: bool | None
    note: str = ""


def run_once(
    argv: Sequence[str], env: dict[str, str] | None = None, cwd: Path | None = None
) -> Run:
    """One fresh subprocess: wall time, the child's peak RSS (KiB) and CPU time (from wait4)."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        list(argv), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, cwd=cwd
    )
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
        raise RuntimeError(f"{argv[0]} … failed: {err[-500:]}")
    if proc.stderr:
        proc.stderr.close()
    return Run(elapsed, usage.ru_maxrss, cpu_of(usage))


def cpu_of(usage: resource.struct_rusage) -> float:
    """User + sys seconds of a `wait4` rusage."""
    return float(usage.ru_utime + usage.ru_stime)


def interleave(
    baseline: Sequence[str],
    subject: Sequence[str],
    *,
    n: int,
    warmup: int = 2,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
) -> tuple[list[Run], list[Run]]:
    """A B A B … with `warmup` discarded pairs first."""
    base_runs: list[Run] = []
    subj_runs: list[Run] = []
    for i in range(warmup + n):
        a = run_once(baseline, env, cwd)
        b = run_once(subject, env, cwd)
        if i >= warmup:
            base_runs.append(a)
            subj_runs.append(b)
    return base_runs, subj_runs


def _iqr(values: list[float]) -> float:
    if len(values) < 4:
        return max(values) - min(values)
    q = statistics.quantiles(values, n=4)
    return q[2] - q[0]


def compare(
    name: str,
    base_runs: list[Run],
    subj_runs: list[Run],
    *,
    target_ratio: float,
    unit: str = "s",
) -> Row:
    """A ratio row: subject/baseline medians; ok when the median ratio meets the target."""
    base = statistics.median(r.seconds for r in base_runs)
    subj = statistics.median(r.seconds for r in subj_runs)
    pair_ratios = [b.seconds / a.seconds for a, b in zip(base_runs, subj_runs, strict=True)]
    ratio = subj / base
    ratio_min = min(r.seconds for r in subj_runs) / min(r.seconds for r in base_runs)
    rss = max(r.max_rss_kb for r in subj_runs)
    return Row(
        name=name,
        value=round(subj, 4),
        baseline=round(base, 4),
        ratio=round(ratio, 3),
        ratio_min=round(ratio_min, 3),
        spread=round(_iqr(pair_ratios), 3),
        target=f"<= {target_ratio}x",
        unit=unit,
        ok=ratio <= target_ratio,
        note=f"n={len(base_runs)}, subject peak RSS {rss / 1024:.1f} MiB",
    )


def machine() -> dict[str, object]:
    return {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
    }


def write_results(rows: list[Row], path: Path = RESULTS) -> None:
    """Merge rows by name into results.json (other benchmarks' rows are kept)."""
    old: dict[str, dict[str, object]] = {}
    if path.exists():
        old = {r["name"]: r for r in json.loads(path.read_text()).get("results", [])}
    old.update({r.name: asdict(r) for r in rows})
    doc = {"machine": machine(), "results": sorted(old.values(), key=lambda r: str(r["name"]))}
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(doc, indent=2, sort_keys=True) + "\n")
    tmp.replace(path)


def print_table(rows: list[dict[str, object]]) -> None:
    head = f"{'benchmark':<38} {'value':>10} {'baseline':>10} {'ratio':>7} {'min':>7} "
    print(head + f"{'spread':>7} {'target':>12} ok", file=sys.stderr)
    for r in rows:
        cells = [_fmt(r.get(k)) for k in ("value", "baseline", "ratio", "ratio_min", "spread")]
        print(
            f"{r['name']!s:<38} {cells[0]:>10} {cells[1]:>10} {cells[2]:>7} {cells[3]:>7} "
            f"{cells[4]:>7} {r.get('target')!s:>12} {r.get('ok')}",
            file=sys.stderr,
        )


def _fmt(value: object) -> str:
    return "-" if value is None else f"{value:.4g}" if isinstance(value, float) else str(value)
