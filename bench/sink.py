"""Sink throughput (DESIGN §10): `pixelproof sink` under a raw keep-alive asyncio client.

Each repetition starts a fresh `pixelproof sink --out DIR -qq` process and a fresh client process
(`sink_client.py`, 16 connections), for each shape: 1–5-event batches as JSON objects, as a form
with JSON-string `data`, as multipart, and 50-event SDK-form batches. After the client ends the
sink is stopped with SIGTERM (graceful; it must exit 0) and the bench asserts responses received =
batches recorded (the sink's `last_seq`) = lines in `capi.jsonl`. Targets are absolute
(baseline null): ≥ 2,000 batches/s for small batches, ≥ 20,000 events/s for 50-event batches.
`ratio` = median / target, `ratio_min` = worst run / target, `spread` = IQR / median.
GC policy: the interpreter's default in both processes. Loopback only; bounded counts and time.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import Row

HERE = Path(__file__).resolve().parent
SMALL_TARGET = 2000.0
LARGE_TARGET = 20000.0
STOP_TIMEOUT_S = 60


@dataclass(frozen=True)
class Shape:
    name: str
    label: str
    count: int
    target: float
    unit: str


SHAPES = (
    Shape("json", "sink json 1-5 events", 4000, SMALL_TARGET, "batches/s"),
    Shape("form", "sink form 1-5 events", 4000, SMALL_TARGET, "batches/s"),
    Shape("multipart", "sink multipart 1-5 events", 4000, SMALL_TARGET, "batches/s"),
    Shape("sdk50", "sink sdk-form 50 events", 800, LARGE_TARGET, "events/s"),
)


@dataclass(frozen=True)
class Trial:
    value: float
    received: int
    recorded: int
    on_disk: int
    max_rss_kb: int


def _start_sink(out_dir: Path) -> tuple[subprocess.Popen[str], str]:
    argv = [sys.executable, "-m", "pixelproof", "sink", "--listen", "127.0.0.1:0"]
    proc = subprocess.Popen(
        [*argv, "--out", str(out_dir), "-q", "-q"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    url = proc.stdout.readline().strip()
    if not url.startswith("http://127.0.0.1:"):
        proc.kill()
        raise RuntimeError(f"sink did not start: {proc.communicate()[1][-500:]}")
    return proc, url


def _stop_sink(proc: subprocess.Popen[str]) -> int:
    proc.send_signal(signal.SIGTERM)
    try:
        _, status, usage = os.wait4(proc.pid, 0)
    except ChildProcessError:  # pragma: no cover - already reaped
        return 0
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise RuntimeError(f"sink exited {proc.returncode} after SIGTERM")
    return int(usage.ru_maxrss)


def trial(shape: Shape, count: int, workdir: Path) -> Trial:
    out_dir = workdir / f"{shape.name}-{len(list(workdir.iterdir()))}"
    proc, url = _start_sink(out_dir)
    try:
        client = subprocess.run(
            [sys.executable, str(HERE / "sink_client.py"), url, "--shape", shape.name,
             "--count", str(count), "--connections", "16"],
            capture_output=True, text=True, timeout=300, check=True,
        )  # fmt: skip
        result = json.loads(client.stdout)
        recorded = int(httpx.get(f"{url}/__pixelproof/health", timeout=10).json()["last_seq"])
    finally:
        rss = _stop_sink(proc)
    on_disk = len((out_dir / "capi.jsonl").read_bytes().splitlines())
    per_s = (result["events"] if shape.unit == "events/s" else result["measured"]) / result[
        "seconds"
    ]
    if result["ok"] != result["received"]:
        raise RuntimeError(f"{shape.name}: {result['received'] - result['ok']} non-200 answers")
    return Trial(per_s, int(result["received"]), recorded, on_disk, rss)


def _iqr(values: list[float]) -> float:
    if len(values) < 4:
        return max(values) - min(values)
    q = statistics.quantiles(values, n=4)
    return q[2] - q[0]


def row(shape: Shape, trials: list[Trial]) -> Row:
    values = [t.value for t in trials]
    median = statistics.median(values)
    rss = max(t.max_rss_kb for t in trials) / 1024
    return Row(
        name=shape.label,
        value=round(median, 1),
        baseline=None,
        ratio=round(median / shape.target, 3),
        ratio_min=round(min(values) / shape.target, 3),
        spread=round(_iqr(values) / median, 3),
        target=f">= {shape.target:g} {shape.unit}",
        unit=shape.unit,
        ok=median >= shape.target,
        note=f"n={len(trials)}, 16 connections, sink peak RSS {rss:.1f} MiB",
    )


def accounting_row(trials: list[Trial]) -> Row:
    bad = [t for t in trials if not t.received == t.recorded == t.on_disk]
    total = sum(t.received for t in trials)
    return Row(
        name="sink received = recorded = on disk",
        value=float(len(bad)),
        baseline=None,
        ratio=None,
        ratio_min=None,
        spread=None,
        target="0 mismatching runs",
        unit="runs",
        ok=not bad,
        note=f"{len(trials)} runs, {total} batches; mismatches: "
        + ", ".join(f"{t.received}/{t.recorded}/{t.on_disk}" for t in bad),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-n", type=int, default=10, help="measured repetitions per shape")
    parser.add_argument("--quick", action="store_true", help="n=3, a quarter of the batches")
    args = parser.parse_args()
    n, scale = (3, 4) if args.quick else (args.n, 1)
    all_trials: list[Trial] = []
    per_shape: dict[str, list[Trial]] = {s.name: [] for s in SHAPES}
    with tempfile.TemporaryDirectory(prefix="pixelproof-bench-sink-") as tmp:
        for rep in range(n + 1):  # the first round warms the page cache and is discarded
            for shape in SHAPES:  # interleaved: every shape once per round
                result = trial(shape, shape.count // scale, Path(tmp))
                all_trials.append(result)
                if rep > 0:
                    per_shape[shape.name].append(result)
    for shape in SHAPES:
        print(json.dumps(asdict(row(shape, per_shape[shape.name]))))
    print(json.dumps(asdict(accounting_row(all_trials))))


if __name__ == "__main__":
    main()
