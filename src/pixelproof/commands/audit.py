"""`pixelproof audit MAP`: gather live, then judge the journal exactly as `check` does.

`check MAP --evidence RUN/evidence.jsonl` reproduces this command's result.json byte for byte:
both run `commands.check.run` on the same journal (DESIGN §1).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from pixelproof.commands import check
from pixelproof.commands.gather import gather_run, options_of, progress


def run(*, map_path: Path, out: Path | None, **kw: object) -> int:
    folder = out if out is not None else Path(tempfile.mkdtemp(prefix="pixelproof-run-"))
    quiet = kw.get("quiet")
    done = gather_run(options_of(map_path, folder, **kw))
    progress(quiet if isinstance(quiet, int) else 0)(f"run folder: {folder}")
    judged = {k: v for k, v in kw.items() if k not in LIVE_ONLY}
    return check.run(
        map_path=map_path,
        evidence=done.evidence,
        har=None,
        capi_log=None,
        now=None,
        clock_offset=None,
        out=folder,
        **judged,  # type: ignore[arg-type]
    )


LIVE_ONLY = (
    "base_url",
    "workers",
    "headed",
    "browser",
    "browser_ws",
    "send",
    "allow_send_production",
    "trace",
    "shard",
    "within",
    "settle",
)
