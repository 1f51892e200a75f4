"""`pixelproof demo [--fixed] [--out DIR] [--report FMT=PATH] [--browser PATH]`: the bundled shop.

Starts the demo shop (`pixelproof.demo`) on 127.0.0.1, audits it with its packaged event map —
the live runner drives Chromium through the map's journeys and the backend posts its CAPI events
to the run's sink — prints the report and where the run folder is, stops everything and returns
the audit's exit code: 1 for the shop as shipped (its planted bugs), 0 with `--fixed`.

Offline by construction: the pages, the Pixel script and the backend are local, Pixel hits are
answered by the runner, the backend's Graph base URL is the local sink, and the browser gets
`--host-resolver-rules` that resolve nothing but 127.0.0.1.
"""

from __future__ import annotations

import os
import re
import socket
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from pixelproof.demo import MAP_NAME
from pixelproof.demo.defects import BROKEN, FIXED, PLANTED
from pixelproof.demo.server import DemoShop
from pixelproof.errors import UsageError

OFFLINE_ARGS = '--host-resolver-rules="MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"'
BROWSER_ARGS_ENV = "PIXELPROOF_BROWSER_ARGS"  # read by evidence.sources.browser_launch
EVIDENCE = "evidence.jsonl"
SINK_LINE = re.compile(r'^(\s*sink: \{listen: )"127\.0\.0\.1:0"(\}.*)$', re.M)
Say = Callable[[str], None]


@dataclass(frozen=True, slots=True)
class DemoRun:
    """One demo run: its folder, the map it used and the audit's exit code."""

    out: Path
    map_path: Path
    exit_code: int
    seconds: float


def free_port() -> int:
    """A free loopback port for the run's sink, told to the shop's backend before it starts.

    The runner binds the sink from the map; until it offers a way to hand its address over,
    the demo picks the port (the window between this probe and the bind is microseconds, and a
    lost race is the runner's clear "cannot listen" error, exit 3).
    """
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def write_map(out: Path, sink_port: int) -> Path:
    """The packaged map, its sink on `sink_port`, saved in the run folder (what the run used)."""
    text = resources.files("pixelproof.demo").joinpath(MAP_NAME).read_text(encoding="utf-8")
    text, count = SINK_LINE.subn(rf'\g<1>"127.0.0.1:{sink_port}"\g<2>', text)
    if count != 1:  # pragma: no cover - guarded by tests/demo
        raise AssertionError("the demo map's sink line changed; update commands/demo.py")
    path = out / MAP_NAME
    path.write_text(text, encoding="utf-8")
    return path


def run_folder(out: Path | None) -> Path:
    """`--out DIR` (0700), else a new temporary folder; never one that holds a run."""
    if out is None:
        return Path(tempfile.mkdtemp(prefix="pixelproof-demo-"))
    if (out / EVIDENCE).exists() or (out / MAP_NAME).exists():
        raise UsageError(f"--out {out}: the folder already holds a run", hint="choose a new folder")
    out.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(out, 0o700)
    return out


def with_terminal(report: Sequence[str] | None) -> list[str] | None:
    """The reports asked for, plus the terminal report on stdout when all go to files."""
    if not report:
        return None
    if any("=" not in r for r in report):
        return list(report)
    return [*report, "terminal"]


@contextmanager
def offline_browser() -> Iterator[None]:
    """Browser flags that resolve no host but 127.0.0.1, for the length of the run."""
    before = os.environ.get(BROWSER_ARGS_ENV)
    os.environ[BROWSER_ARGS_ENV] = f"{before} {OFFLINE_ARGS}" if before else OFFLINE_ARGS
    try:
        yield
    finally:
        if before is None:
            os.environ.pop(BROWSER_ARGS_ENV, None)
        else:
            os.environ[BROWSER_ARGS_ENV] = before


def run_demo(
    *,
    fixed: bool,
    out: Path | None,
    report: Sequence[str] | None,
    browser: Path | None,
    say: Say,
    quiet: int = 0,
) -> DemoRun:
    """Start the shop, audit it live, stop the shop; the library function behind `demo`."""
    from pixelproof.commands import audit  # the live runner: playwright, only when it runs

    folder = run_folder(out)
    port = free_port()
    map_path = write_map(folder, port)
    started = time.perf_counter()
    shop = DemoShop(FIXED if fixed else BROKEN, f"http://127.0.0.1:{port}", say=say)
    with shop, offline_browser():
        say(f"demo shop ({'fixed' if fixed else 'with planted bugs'}) at {shop.url}")
        options = _audit_options(shop.url, report, browser, quiet)
        code = audit.run(map_path=map_path, out=folder, **options)
    return DemoRun(folder, map_path, int(code), time.perf_counter() - started)


def _audit_options(
    base_url: str,
    report: Sequence[str] | None,
    browser: Path | None,
    quiet: int,
) -> dict[str, object]:
    """`pixelproof audit`'s other options for the demo: its shop, browser and reports."""
    return {
        "report": with_terminal(report),
        "fail_on": "error",
        "env": None,
        "journey": None,
        "baseline": None,
        "write_baseline": None,
        "allow_unobserved_server": False,
        "keep_pii": False,
        "result_events": "auto",
        "no_graph": True,
        "color": "auto",
        "quiet": quiet,
        "verbose": 0,
        "base_url": base_url,
        "workers": 1,
        "headed": False,
        "browser": browser,
        "browser_ws": None,
        "send": False,
        "allow_send_production": False,
        "trace": "off",
        "shard": None,
        "within": None,
        "settle": None,
    }


def closing_note(done: DemoRun, fixed: bool) -> str:
    lines = [f"demo: run folder {done.out} (evidence, result.json, the map it used)"]
    if not fixed:
        codes = ", ".join(sorted({p.code for p in PLANTED}))
        lines.append(
            f"demo: the shop has {len(PLANTED)} planted bugs ({codes}); "
            "`pixelproof demo --fixed` runs it with every bug fixed"
        )
    lines.append(f"demo: {done.seconds:.1f} s")
    return "\n".join(lines)


def run(
    *,
    fixed: bool,
    out: Path | None,
    report: Sequence[str] | None,
    browser: Path | None,
) -> int:
    def say(text: str) -> None:
        sys.stderr.write(text + "\n")

    done = run_demo(fixed=fixed, out=out, report=report, browser=browser, say=say)
    say(closing_note(done, fixed))
    return done.exit_code
