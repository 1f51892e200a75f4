"""Parallel journeys (DESIGN §10): `pixelproof audit --workers 4` vs `--workers 1`, same map.

The map: 8 copies of the demo's purchase journey (purchase-1 … purchase-8) on the `--fixed`
demo shop, so nothing fails (exit 0); its one persona's email carries `{journey}`, so each
journey's server events have their own identity. The shop and its backend (which posts the
Purchase CAPI event 1 s after the order) run in this process for the whole benchmark, shared by
both sides; each run gets a fresh sink port (written into its map copy, told to the backend).

Both sides are fresh `python -m pixelproof audit` subprocesses, timed from outside — interpreter
start, map load, sink, Chromium launch (same cost on both sides), journeys, settle, checks,
terminal report — interleaved A B A B with one warm-up pair discarded. CPU use is the child's
user + sys seconds from `wait4` (the Playwright driver and Chromium are reaped children, so they
count) divided by wall time. Offline: the browser resolves nothing but 127.0.0.1 (the demo's
`--host-resolver-rules`), the backend posts to the local sink, `--no-graph`.

Per-phase medians of each side, from the runs' evidence (journey and step records, run_end), go
to stderr and into the row's `phases`. GC policy: the interpreter's default. Target ≤ 0.55×
(stretch 0.5×).
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import yaml  # noqa: E402
from harness import Run, compare, cpu_of  # noqa: E402

from pixelproof.commands.demo import BROWSER_ARGS_ENV, OFFLINE_ARGS, free_port  # noqa: E402
from pixelproof.demo import MAP_NAME  # noqa: E402
from pixelproof.demo.defects import FIXED  # noqa: E402
from pixelproof.demo.server import DemoShop  # noqa: E402

NAME = "parallel journeys (workers 4 vs 1)"
TARGET = 0.55
STRETCH = 0.5
JOURNEYS = 8
WORKERS = 4
TIMEOUT_S = 600


def build_map(base_url: str, sink_port: int) -> str:
    """The demo map with 8 purchase journeys, the shop's address and this run's sink port."""
    text = resources.files("pixelproof.demo").joinpath(MAP_NAME).read_text(encoding="utf-8")
    doc: dict[str, Any] = yaml.safe_load(text)
    doc["site"]["base_url"] = base_url
    doc["capi"]["sink"]["listen"] = f"127.0.0.1:{sink_port}"
    doc["personas"]["shopper"]["email"] = "demo+{run.id}-{journey}@example.com"
    purchase = next(j for j in doc["journeys"] if j["name"] == "purchase")
    doc["journeys"] = [
        {**copy.deepcopy(purchase), "name": f"purchase-{i}"} for i in range(1, JOURNEYS + 1)
    ]
    return yaml.safe_dump(doc, sort_keys=False, allow_unicode=True)


@dataclass
class Measured:
    """One run: the harness's numbers plus where its time went (from its evidence)."""

    run: Run
    phases: dict[str, float] = field(default_factory=dict)


class ChildFailedError(RuntimeError):
    pass


def one_run(
    shop: DemoShop, folder: Path, label: str, workers: int, env: dict[str, str]
) -> Measured:
    port = free_port()
    shop.set_graph_base_url(f"http://127.0.0.1:{port}")
    run_dir = folder / label
    run_dir.mkdir(mode=0o700)
    map_path = run_dir / "map.yaml"
    map_path.write_text(build_map(shop.url, port), encoding="utf-8")
    out = run_dir / "out"
    argv = [sys.executable, "-m", "pixelproof", "audit", str(map_path)]
    argv += ["--workers", str(workers), "--out", str(out), "--no-graph", "--color", "never"]
    with tempfile.TemporaryFile() as stdout, tempfile.TemporaryFile() as stderr:
        wall0 = time.time()
        start = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=stdout, stderr=stderr, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - start
        proc.returncode = code = os.waitstatus_to_exitcode(status)
        if code != 0:
            stderr.seek(0)
            stdout.seek(0)
            tail = (stdout.read()[-1500:] + b"\n" + stderr.read()[-3000:]).decode(errors="replace")
            raise ChildFailedError(f"{label}: `{' '.join(argv[2:])}` exited {code}\n{tail}")
    run = Run(elapsed, usage.ru_maxrss, cpu_of(usage))
    return Measured(run, phases(out / "evidence.jsonl", wall0, wall0 + elapsed))


def phases(evidence: Path, wall0: float, wall1: float) -> dict[str, float]:
    """Where one run's wall time went (epoch clocks: the evidence's and ours agree)."""
    header: dict[str, Any] = {}
    journeys: list[dict[str, Any]] = []
    steps: list[dict[str, Any]] = []
    end: dict[str, Any] = {}
    for n, line in enumerate(evidence.read_text(encoding="utf-8").splitlines()):
        rec = json.loads(line)
        kind = rec.get("kind")
        if n == 0:
            header = rec["run"]
        elif kind == "journey":
            journeys.append(rec)
        elif kind == "step" and rec.get("started") is not None:
            steps.append(rec)
        elif kind == "run_end":
            end = rec
    first = min(j["started"] for j in journeys)
    last = max(j["ended"] for j in journeys)
    durations = [j["ended"] - j["started"] for j in journeys]
    waits = [s["ended"] - s["started"] for s in steps if s["action"] in ("expect", "expect_none")]
    actions = [
        s["ended"] - s["started"] for s in steps if s["action"] not in ("expect", "expect_none")
    ]
    per = len(journeys)
    return {
        "startup": header["started"] - wall0,  # interpreter, imports, map load, evidence open
        "launch": first - header["started"],  # sink + Chromium launch + first context
        "journeys": last - first,  # first journey start → last journey end
        "tail": end["time"] - last,  # last settle, browser close, sink stop
        "finish": wall1 - end["time"],  # checks, report, exit
        "journey_mean": statistics.fmean(durations),
        "journey_max": max(durations),
        "expect_per_journey": sum(waits) / per,
        "actions_per_journey": sum(actions) / per,
        "other_per_journey": statistics.fmean(durations) - (sum(waits) + sum(actions)) / per,
    }


@contextmanager
def demo_shop() -> Iterator[DemoShop]:
    shop = DemoShop(FIXED, None, say=lambda text: print(text, file=sys.stderr))
    with shop:
        yield shop


def median_phases(runs: list[Measured]) -> dict[str, float]:
    keys = runs[0].phases.keys()
    return {k: round(statistics.median(r.phases[k] for r in runs), 3) for k in keys}


def cpu_text(label: str, runs: list[Run]) -> str:
    cpu = statistics.median(r.cpu_s for r in runs)
    share = statistics.median(r.cpu_share for r in runs)
    return f"{label} CPU {cpu:.1f} s ({share:.2f} cores)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-n", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="n=2")
    parser.add_argument("--keep", type=Path, help="keep the run folders here (default: a temp dir)")
    args = parser.parse_args()
    n = 2 if args.quick else args.n
    before = os.environ.get(BROWSER_ARGS_ENV)
    env = {
        **os.environ,
        BROWSER_ARGS_ENV: f"{before} {OFFLINE_ARGS}" if before else OFFLINE_ARGS,
        "COLUMNS": "100",
    }
    sides: dict[int, list[Measured]] = {1: [], WORKERS: []}
    with tempfile.TemporaryDirectory(prefix="bench-parallel-") as tmp, demo_shop() as shop:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        try:
            for i in range(n + 1):  # the first pair is a warm-up
                for workers in (1, WORKERS):
                    label = f"{'warmup' if i == 0 else f'pair{i}'}-w{workers}"
                    got = one_run(shop, folder, label, workers, env)
                    print(
                        f"{label}: {got.run.seconds:.2f} s, CPU {got.run.cpu_s:.1f} s",
                        file=sys.stderr,
                    )
                    if i:
                        sides[workers].append(got)
        except ChildFailedError as exc:
            print(f"parallel.py: a subject failed\n{exc}", file=sys.stderr)
            sys.exit(1)
        sent, failed = shop.capi_posts
    base = [m.run for m in sides[1]]
    subj = [m.run for m in sides[WORKERS]]
    row = compare(NAME, base, subj, target_ratio=TARGET)
    stretch = "met" if row.ratio is not None and row.ratio <= STRETCH else "missed"
    note = (
        f"{row.note}; {cpu_text('workers 1', base)}, {cpu_text(f'workers {WORKERS}', subj)}; "
        f"{JOURNEYS} journeys, {os.cpu_count()} cpus; stretch {STRETCH}x {stretch}; "
        f"backend CAPI posts {sent} sent, {failed} failed"
    )
    doc = asdict(row) | {"note": note}
    doc["phases"] = {
        "workers 1": median_phases(sides[1]),
        f"workers {WORKERS}": median_phases(sides[WORKERS]),
    }
    print_phases(doc["phases"])
    print(json.dumps(doc))


def print_phases(table: dict[str, dict[str, float]]) -> None:
    names = list(table)
    keys = list(table[names[0]])
    print(f"{'median phase (s)':<22}" + "".join(f"{n:>12}" for n in names), file=sys.stderr)
    for key in keys:
        cells = "".join(f"{table[n][key]:>12.2f}" for n in names)
        print(f"{key:<22}{cells}", file=sys.stderr)


if __name__ == "__main__":
    main()
