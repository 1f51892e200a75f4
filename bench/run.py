"""Run every benchmark, collect their JSON rows, write bench/results.json, print a table.

Each benchmark is a script that prints one JSON object per row on stdout. Scripts that are not
there yet are skipped with a note.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import RESULTS, Row, print_table, write_results

HERE = Path(__file__).resolve().parent
BENCHMARKS = ("startup.py", "offline.py", "sink.py", "live.py", "parallel.py", "demo.py")


def _rows(script: Path, quick: bool) -> list[Row]:
    argv = [sys.executable, str(script), *(["--quick"] if quick else [])]
    done = subprocess.run(argv, capture_output=True, text=True, timeout=3600)
    if done.returncode != 0:
        print(f"{script.name} failed:\n{done.stderr[-2000:]}", file=sys.stderr)
        return []
    rows = []
    for line in done.stdout.splitlines():
        if line.startswith("{"):
            data = json.loads(line)
            rows.append(Row(**{k: data.get(k) for k in Row.__dataclass_fields__ if k in data}))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small N and inputs")
    parser.add_argument("only", nargs="*", help="benchmark scripts to run (default: all)")
    args = parser.parse_args()
    rows: list[Row] = []
    for name in args.only or BENCHMARKS:
        script = HERE / (name if name.endswith(".py") else f"{name}.py")
        if not script.exists():
            print(f"skip {script.name}: not built yet", file=sys.stderr)
            continue
        print(f"running {script.name} …", file=sys.stderr)
        rows += _rows(script, args.quick)
    write_results(rows)
    print_table(json.loads(RESULTS.read_text())["results"])


if __name__ == "__main__":
    main()
