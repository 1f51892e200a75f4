"""The per-event record type: slotted frozen dataclass (ours) vs `msgspec.Struct` (DESIGN §1).

Each variant builds N records with the field values a parsed Pixel event has, in a fresh
subprocess (gc off), and reports build time and peak RSS. msgspec is not a dependency: run with
PYTHONPATH pointing at a throwaway install (see docs/decisions.md).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile

CHILD = r"""
import gc, json, sys, time
gc.disable()
kind, n = sys.argv[1], int(sys.argv[2])
if kind == "dataclass":
    from pixelproof.meta.event import ObservedEvent as Rec, Side
    side = Side.BROWSER
else:
    import msgspec
    from collections.abc import Mapping
    class Rec(msgspec.Struct, frozen=True, gc=False):
        ref: str
        source: str
        pixel_id: str | None
        name: str | None
        event_id: str | None
        channel: str = "pixel"
        transport: str = "get"
        trigger: str | None = None
        time: float | None = None
        ts: int | None = None
        event_time: int | None = None
        url: str | None = None
        custom_data: dict = {}
        user_data: dict = {}
        action_source: str | None = None
        problems: tuple = ()
        seq: int = 0
        batch_ref: str | None = None
        accepted: bool | None = None
        attempts: int = 1
        journey: str | None = None
        step: int | None = None
        event_key: str | None = None
        fbp: str | None = None
        fbc: str | None = None
        user_data_auto: dict = {}
        params: dict = {}
        test_event_code: str | None = None
        partner_agent: str | None = None
        api_version: str | None = None
    side = "browser"
start = time.perf_counter()
out = []
for i in range(n):
    out.append(Rec(ref=f"b{i}", source=side, pixel_id="111", name="Purchase", event_id=f"e{i}",
                   trigger="explicit", time=1.0 + i, ts=i, url="https://shop.example/p",
                   custom_data={"value": "1.00", "currency": "USD"}, seq=i, fbp="fb.1.2.3",
                   params={"v": "2.9.252", "ec": str(i % 20)}))
print(json.dumps({"seconds": time.perf_counter() - start}))
"""


def _once(kind: str, n: int) -> tuple[float, int]:
    with tempfile.TemporaryFile() as out:
        proc = subprocess.Popen([sys.executable, "-c", CHILD, kind, str(n)], stdout=out)
        _, status, usage = os.wait4(proc.pid, 0)
        if os.waitstatus_to_exitcode(status):
            raise SystemExit(f"{kind} child failed (is msgspec on PYTHONPATH?)")
        out.seek(0)
        return float(json.loads(out.read())["seconds"]), int(usage.ru_maxrss)


def compare(n: int, pairs: int = 5) -> list[dict[str, object]]:
    _once("dataclass", n), _once("msgspec", n)  # warm-up pair, discarded
    dc, ms = [], []
    for _ in range(pairs):
        dc.append(_once("dataclass", n))
        ms.append(_once("msgspec", n))
    rows = []
    for what, idx, unit in (("time", 0, "s"), ("peak_rss", 1, "KiB")):
        ratios = [m[idx] / d[idx] for m, d in zip(ms, dc, strict=True)]
        q = statistics.quantiles(ratios, n=4)
        rows.append(
            {
                "name": f"record.msgspec_vs_dataclass.{n}.{what}",
                "value": statistics.median(m[idx] for m in ms),
                "baseline": statistics.median(d[idx] for d in dc),
                "ratio": round(statistics.median(ratios), 3),
                "ratio_min": round(min(m[idx] for m in ms) / min(d[idx] for d in dc), 3),
                "spread": round(q[2] - q[0], 3),
                "target": "informative",
                "unit": unit,
                "ok": None,
            }
        )
    return rows
