"""Demo: wall time of `pixelproof demo` (the shop as shipped, planted bugs, exit 1), end to end.

A fresh subprocess each run — interpreter start, shop, sink, Chromium launch, both journeys,
the checks, the terminal report — timed from outside. No baseline (DESIGN §10: a benchmark
line, not a ratio). Target ≤ 60 s on 2 cores. GC policy: the interpreter's default.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import Row

TARGET_S = 60.0
TIMEOUT_S = 300


def one_run(extra: list[str]) -> tuple[float, int]:
    with tempfile.TemporaryDirectory(prefix="bench-demo-") as tmp:
        argv = [sys.executable, "-m", "pixelproof", "demo", "--out", f"{tmp}/run", *extra]
        start = time.perf_counter()
        done = subprocess.run(argv, capture_output=True, timeout=TIMEOUT_S, check=False)
        elapsed = time.perf_counter() - start
    if done.returncode not in (0, 1):
        raise RuntimeError(f"pixelproof demo exited {done.returncode}: {done.stderr[-800:]!r}")
    return elapsed, done.returncode


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-n", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="n=1")
    parser.add_argument("--fixed", action="store_true", help="time `pixelproof demo --fixed`")
    args = parser.parse_args()
    n = 1 if args.quick else args.n
    extra = ["--fixed"] if args.fixed else []
    runs = [one_run(extra) for _ in range(n)]
    times = [t for t, _ in runs]
    value = statistics.median(times)
    codes = sorted({c for _, c in runs})
    row = Row(
        name="demo wall time" + (" (--fixed)" if args.fixed else ""),
        value=round(value, 2),
        baseline=None,
        ratio=None,
        ratio_min=None,
        spread=round(max(times) - min(times), 2) if n > 1 else None,
        target=f"<= {TARGET_S:.0f} s",
        unit="s",
        ok=value <= TARGET_S,
        note=f"median of {n}, min {min(times):.1f} s; exit {codes}; {os.cpu_count()} cpus",
    )
    print(json.dumps(asdict(row)))


if __name__ == "__main__":
    main()
