"""The sink's locked batch log: sequence numbers, retries, the JSONL file and the hand-over.

Every batch the sink answers becomes one line (DESIGN §13 "CAPI log and sink lines"):
`{seq, time, path, content_type, body, user_agent, remote, partner_agent, token_fp, retry_of,
response {status, body}}`. Lines are appended under a lock, written to `DIR/capi.jsonl` (mode
0600) with one `write` each, kept in memory for `batches_since`, and handed to a consumer loop
with `call_soon_threadsafe` (DESIGN §1).
"""

from __future__ import annotations

import asyncio
import bisect
import hashlib
import os
import threading
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path

import orjson

from pixelproof.errors import SinkError, UsageError

Line = dict[str, object]
OnBatch = Callable[[Line], None]

LOG_NAME = "capi.jsonl"
MAX_REMEMBERED_FAILURES = 10_000


def open_log_file(out_dir: Path) -> int:
    """Create `out_dir` (0700) and a new, empty `capi.jsonl` (0600); refuse to mix runs."""
    try:
        out_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        path = out_dir / LOG_NAME
        if path.exists() and path.stat().st_size > 0:
            raise UsageError(
                f"{path} already holds batches of an earlier run",
                hint="choose a new --out folder, or move that file away",
            )
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        os.fchmod(fd, 0o600)
    except OSError as exc:
        raise SinkError(f"cannot write {out_dir / LOG_NAME}: {exc.strerror or exc}") from exc
    return fd


def request_digest(path: str, body: bytes) -> bytes:
    """Identity of a re-send: the same path (tokens removed) and byte-identical body."""
    return hashlib.sha256(path.encode() + b"\0" + body).digest()


class BatchLog:
    """Thread-safe log of recorded batches; `seq` starts at 1 and never goes back."""

    def __init__(
        self,
        out_dir: Path | None = None,
        *,
        keep: int | None = None,
        on_batch: OnBatch | None = None,
        consumer_loop: asyncio.AbstractEventLoop | None = None,
    ) -> None:
        self._fd = open_log_file(out_dir) if out_dir is not None else None
        self.path = out_dir / LOG_NAME if out_dir is not None else None
        self._keep = keep
        self._on_batch = on_batch
        self._consumer_loop = consumer_loop
        self._lock = threading.Lock()
        self._lines: list[Line] = []
        self._seqs: list[int] = []
        self._failed: OrderedDict[bytes, int] = OrderedDict()
        self._seq = 0
        self.written = 0

    @property
    def last_seq(self) -> int:
        return self._seq

    def record(self, line: Line, digest: bytes) -> Line:
        """Number `line`, mark it as a retry when it re-sends a failed batch, store and hand it."""
        status = _status_of(line)
        with self._lock:
            self._seq += 1
            line["seq"] = self._seq
            line["retry_of"] = self._retry_of(digest, status, self._seq)
            self._append(line)
        self._hand_over(line)
        return line

    def since(self, seq: int) -> list[Line]:
        with self._lock:
            start = bisect.bisect_right(self._seqs, seq)
            return [dict(line) for line in self._lines[start:]]

    def reset(self) -> int:
        """Forget the in-memory lines (the file keeps them); `seq` continues."""
        with self._lock:
            count = len(self._lines)
            self._lines.clear()
            self._seqs.clear()
            self._failed.clear()
            return count

    def close(self) -> None:
        with self._lock:
            if self._fd is not None:
                os.close(self._fd)
                self._fd = None

    def _retry_of(self, digest: bytes, status: int, seq: int) -> int | None:
        first = self._failed.get(digest)
        if 200 <= status < 300:
            self._failed.pop(digest, None)
        elif first is None:
            self._failed[digest] = seq
            if len(self._failed) > MAX_REMEMBERED_FAILURES:
                self._failed.popitem(last=False)
        return first

    def _append(self, line: Line) -> None:
        if self._fd is not None:
            os.write(self._fd, orjson.dumps(line) + b"\n")
            self.written += 1
        self._lines.append(line)
        self._seqs.append(self._seq)
        if self._keep is not None and len(self._lines) > self._keep + self._keep // 10:
            del self._lines[: -self._keep]
            del self._seqs[: -self._keep]

    def _hand_over(self, line: Line) -> None:
        if self._on_batch is None:
            return
        if self._consumer_loop is None:
            self._on_batch(line)
            return
        try:
            self._consumer_loop.call_soon_threadsafe(self._on_batch, line)
        except RuntimeError:  # the consumer's loop is closed: it no longer listens
            self._on_batch = None


def _status_of(line: Line) -> int:
    response = line.get("response")
    status = response.get("status") if isinstance(response, dict) else None
    return status if isinstance(status, int) else 0
