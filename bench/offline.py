"""Offline benchmark (DESIGN §10 "offline check"): our readers + parsers vs orjson alone.

Subject: HarSource + parse_browser_hits and CapiLogSource + parse_server_batches, keeping every
ObservedEvent in a list. Baseline: the same files parsed with orjson alone (the HAR loaded
whole, each JSONL line and each JSON body decoded), keeping every decoded event. Both children
run with the same GC policy (`--gc`, default `off`: gc.disable() before parsing). Interleaved
A B A B, warm-ups discarded, each run a fresh subprocess, peak RSS from the child's ru_maxrss.

    python bench/offline.py --quick        # 10k events, 3 pairs
    python bench/offline.py                # 10k + 100k, 5 pairs
    python bench/offline.py --full         # + 1M events (slow)
    python bench/offline.py --records      # slotted dataclass vs msgspec.Struct (needs msgspec)

Prints one JSON row per line: {name, value, baseline, ratio, ratio_min, spread, target, unit, ok}.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))


def child_subject(capi: Path, har: Path) -> int:
    from pixelproof.evidence.model import BrowserHit
    from pixelproof.evidence.sources.capi_log import CapiLogSource
    from pixelproof.evidence.sources.har import HarSource
    from pixelproof.meta.pixel import parse_browser_hits
    from pixelproof.meta.server import parse_server_batches

    hits = (r for r in HarSource(har).records() if isinstance(r, BrowserHit))
    events = list(parse_browser_hits(hits))
    events += parse_server_batches(CapiLogSource(capi).records())
    return len(events)


def child_baseline(capi: Path, har: Path) -> int:
    import orjson

    kept: list[object] = list(orjson.loads(har.read_bytes())["log"]["entries"])
    with capi.open("rb") as handle:
        for line in handle:
            data = orjson.loads(line)
            body = data.get("body") if "body" in data else None
            if isinstance(body, str) and body.startswith("{"):
                kept += orjson.loads(body)["data"]
            else:
                kept.append(data)
    return len(kept)


def child(mode: str, capi: Path, har: Path, gc_policy: str) -> None:
    if gc_policy == "off":
        gc.disable()
    if mode != "baseline":  # imports are start-up, not parsing: keep them out of the clock
        import pixelproof.evidence.sources.capi_log
        import pixelproof.evidence.sources.har
        import pixelproof.meta.server  # noqa: F401
    start = time.perf_counter()
    if mode == "idle":  # the floor: interpreter + our imports, no input read
        count = 0
    else:
        count = child_subject(capi, har) if mode == "subject" else child_baseline(capi, har)
    print(json.dumps({"seconds": time.perf_counter() - start, "events": count}))


def measure(mode: str, capi: Path, har: Path, gc_policy: str) -> tuple[float, int]:
    """One child; peak RSS via wait4 on the child's pid (Popen.wait would reap it first)."""
    argv = [sys.executable, __file__, "--child", mode, str(capi), str(har), "--gc", gc_policy]
    with tempfile.TemporaryFile() as out:
        proc = subprocess.Popen(argv, stdout=out, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode:
            raise SystemExit(f"{mode} child failed with {proc.returncode}")
        out.seek(0)
        data = json.loads(out.read())
    return float(data["seconds"]), int(usage.ru_maxrss)


def _row(
    name: str,
    value: float,
    baseline: float | None,
    ratios: list[float],
    target: str,
    unit: str,
    ok: bool | None,
    ratio_min: float | None = None,
    note: str = "",
) -> dict[str, object]:
    q = statistics.quantiles(ratios, n=4) if len(ratios) >= 2 else [ratios[0]] * 3
    return {
        "name": name,
        "value": round(value, 4),
        "baseline": baseline and round(baseline, 4),
        "ratio": round(statistics.median(ratios), 3),
        "ratio_min": ratio_min and round(ratio_min, 3),
        "spread": round(q[2] - q[0], 3),
        "target": target,
        "unit": unit,
        "ok": ok,
        **({"note": note} if note else {}),
    }


def bench_size(
    events: int, pairs: int, gc_policy: str, data: Path
) -> tuple[list[dict[str, object]], float]:
    from offline_gen import generate

    capi, har = generate(data, events)
    measure("baseline", capi, har, gc_policy)  # warm-up pair, discarded
    measure("subject", capi, har, gc_policy)
    base, subj = [], []
    for _ in range(pairs):
        base.append(measure("baseline", capi, har, gc_policy))
        subj.append(measure("subject", capi, har, gc_policy))
    ratios = [s[0] / b[0] for s, b in zip(subj, base, strict=True)]
    t_subj = statistics.median(s[0] for s in subj)
    t_base = statistics.median(b[0] for b in base)
    ratio_min = min(s[0] for s in subj) / min(b[0] for b in base)
    input_bytes = capi.stat().st_size + har.stat().st_size
    floor = measure("idle", capi, har, gc_policy)[1]
    rss = max(s[1] for s in subj) * 1024
    rss_ratios = [(s[1] - floor) * 1024 / input_bytes for s in subj]
    base_rss = statistics.median((b[1] - floor) * 1024 / input_bytes for b in base)
    rows = [
        _row(
            f"offline.{events}.time",
            t_subj,
            t_base,
            ratios,
            "<= 6x at 1M (stretch 4x)",
            "s",
            statistics.median(ratios) <= 6,
            ratio_min,
            note=f"n={pairs}, {t_subj / events * 1e6:.2f} us/event",
        ),
        _row(
            f"offline.{events}.peak_rss",
            rss / 2**20,
            input_bytes / 2**20,
            rss_ratios,
            "<= 2x input bytes (above the import floor)",
            "MiB",
            max(rss_ratios) <= 2,
            note=f"orjson alone: {base_rss:.2f}x input; import floor {floor / 1024:.0f} MiB",
        ),
    ]
    return rows, t_subj / events


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--child", nargs=3, metavar=("MODE", "CAPI", "HAR"))
    parser.add_argument("--gc", choices=("off", "default"), default="off")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--full", action="store_true", help="include the 1M-event size")
    parser.add_argument("--records", action="store_true", help="dataclass vs msgspec.Struct")
    parser.add_argument(
        "--data", type=Path, default=Path(tempfile.gettempdir()) / "pixelproof-bench"
    )
    opts = parser.parse_args()
    if opts.child:
        mode, capi, har = opts.child
        child(mode, Path(capi), Path(har), opts.gc)
        return
    if opts.records:
        from offline_records import compare

        for row in compare(1_000_000 if opts.full else 200_000):
            print(json.dumps(row))
        return
    sizes = [10_000] if opts.quick else [10_000, 100_000] + ([1_000_000] if opts.full else [])
    pairs = 3 if opts.quick else 5
    per_event: dict[int, float] = {}
    for size in sizes:
        rows, per_event[size] = bench_size(
            size, pairs if size < 1_000_000 else 3, opts.gc, opts.data
        )
        for row in rows:
            print(json.dumps(row), flush=True)
    if 1_000_000 in per_event and 100_000 in per_event:
        scale = per_event[1_000_000] / per_event[100_000]
        print(
            json.dumps(
                _row(
                    "offline.per_event_1M_vs_100k",
                    per_event[1_000_000] * 1e6,
                    per_event[100_000] * 1e6,
                    [scale],
                    "<= 1.25x",
                    "us/event",
                    scale <= 1.25,
                )
            )
        )


if __name__ == "__main__":
    main()
