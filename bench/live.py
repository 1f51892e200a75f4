"""Live overhead (DESIGN §10): `pixelproof gather` vs a bare Playwright script, same journey.

The journey on the test shop (tests/live/site.py: the fixture page, our stand-in Pixel script
over a local HTTPS host, nothing leaves the machine): goto, wait for the PageView hit, click
`#buy`, wait for the Purchase hit. Baseline: bench/live_baseline.py (same browser, flags and
`/tr` route; launch excluded). Subject: `pixelproof gather` with `quiet: 0`, timed by its own
journey record (context creation → last wait; launch excluded); the same with the default
`quiet: 1s` is reported beside it. Interleaved fresh subprocesses, warm-ups discarded.
GC policy: the interpreter's default in every process. Target ≤ 1.10×.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import socket
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import asdict, replace
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT))

from harness import Run, compare  # noqa: E402
from tests.live.site import browser_args, serve_shop  # noqa: E402

MAP = """\
version: 1
environment: staging
site: {{base_url: "{base}"}}
pixel: {{id: "111111111111111"}}
timing: {{browser_within: 5s, quiet: {quiet}}}
events:
  PageView: {{sources: [browser]}}
  Purchase: {{sources: [browser]}}
journeys:
  - name: buy
    steps:
      - goto: /shop.html
      - expect: PageView
      - {{id: buy, click: "#buy"}}
      - expect: Purchase
"""


def _measured(argv: list[str], env: dict[str, str], read: Callable[[bytes], float]) -> Run:
    """One fresh subprocess: the time it reports (launch excluded) and its peak RSS."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(argv, stdout=out, stderr=err, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if proc.returncode != 0:
            raise RuntimeError(f"{argv[:4]} failed: {err.read().decode()[-800:]}")
        return Run(read(out.read()), usage.ru_maxrss)


def _journey_seconds(out_dir: Path, _stdout: bytes) -> float:
    """The subject's own journey window, from its evidence (launch excluded)."""
    lines = (out_dir / "evidence.jsonl").read_text().splitlines()
    journey = next(json.loads(x) for x in lines if '"kind":"journey"' in x)
    return float(journey["ended"]) - float(journey["started"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-n", type=int, default=10)
    parser.add_argument("--quick", action="store_true", help="n=5")
    args = parser.parse_args()
    n = 5 if args.quick else args.n
    with tempfile.TemporaryDirectory() as tmp, serve_shop(Path(tmp), _free_port()) as shop:
        folder = Path(tmp)
        env = {**os.environ, "PIXELPROOF_BROWSER_ARGS": browser_args(shop)}
        maps = {}
        for name, quiet in (("quiet0", "0s"), ("default", "1s")):
            maps[name] = folder / f"{name}.yaml"
            maps[name].write_text(MAP.format(base=shop.base_url, quiet=quiet))
        base_argv = [sys.executable, str(HERE / "live_baseline.py"), shop.base_url]
        runs: dict[str, list[Run]] = {"base": [], "quiet0": [], "default": []}
        for i in range(n + 1):  # the first round is a warm-up
            found = {"base": _measured(base_argv, env, _reported)}
            for name, path in maps.items():
                out = folder / f"run-{name}-{i}"
                argv = [sys.executable, "-m", "pixelproof", "gather", str(path), "--out", str(out)]
                found[name] = _measured(
                    [*argv, "-q"], env, functools.partial(_journey_seconds, out)
                )
            for key, run in found.items() if i else ():
                runs[key].append(run)
    rows = [
        compare("live overhead (quiet 0)", runs["base"], runs["quiet0"], target_ratio=1.10),
        replace(
            compare(
                "live default timing (quiet 1s)", runs["base"], runs["default"], target_ratio=1
            ),
            target="none (reported beside)",
            ok=None,
        ),
    ]
    for row in rows:
        print(json.dumps(asdict(row)))


def _reported(out: bytes) -> float:
    return float(json.loads(out)["seconds"])


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


if __name__ == "__main__":
    main()
