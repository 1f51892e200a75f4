"""Start-up: `pixelproof --help` vs `--help` of an empty typer app with the same settings.

GC policy: default on both sides (the interpreter's, untouched). Target ≤ 1.3× (DESIGN §10).
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import compare, interleave

HERE = Path(__file__).resolve().parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-n", type=int, default=30)
    parser.add_argument("--quick", action="store_true", help="n=10")
    args = parser.parse_args()
    n = 10 if args.quick else args.n
    env = {"COLUMNS": "100", "PATH": "/usr/bin:/bin", "PYTHONDONTWRITEBYTECODE": "1"}
    base, subj = interleave(
        [sys.executable, str(HERE / "empty_typer_app.py"), "--help"],
        [sys.executable, "-m", "pixelproof", "--help"],
        n=n,
        warmup=3,
        env=env,
    )
    row = compare("startup --help", base, subj, target_ratio=1.3)
    print(json.dumps(asdict(row)))


if __name__ == "__main__":
    main()
