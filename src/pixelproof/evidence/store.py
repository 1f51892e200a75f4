"""The evidence journal (`pixelproof.evidence/1`, DESIGN §13 "Evidence file").

`EvidenceWriter` appends one JSON line per record and flushes it at once, into
`evidence.jsonl.part` (mode 0600, in a 0700 directory), and renames it to `evidence.jsonl` when
finalised — so a killed run leaves every record it wrote. Tokens never reach the disk: URLs,
bodies and Graph parameters are scrubbed here, whatever the caller passed. `load_evidence`
reads a finished or a truncated journal; only a missing file or one that is not a journal at
all raises `InputError`.
"""

from __future__ import annotations

import dataclasses
import os
import threading
from collections.abc import Generator, Mapping
from pathlib import Path
from types import TracebackType

import orjson

from pixelproof.errors import IncompleteRunError, InputError
from pixelproof.evidence import codec
from pixelproof.evidence.model import (
    KEPT_HEADERS,
    SCHEMA,
    BrowserHit,
    Evidence,
    GraphRecord,
    Record,
    RunEndRecord,
    RunInfo,
    ServerBatch,
    decode_body,
    encode_body,
    keep_headers,
)
from pixelproof.meta import wire
from pixelproof.meta.capi_redact import redact_body

FILE_NAME = "evidence.jsonl"
PART_SUFFIX = ".part"


def scrub(record: Record) -> Record:
    """The record as it may be stored: no token in URLs, bodies, paths or Graph params."""
    if isinstance(record, BrowserHit):
        if not _has_token(record.url, record.body) and _headers_kept(record.headers):
            return record
        url = _strip_url(record.url)
        ctype = record.headers.get("content-type")
        body, enc = _strip_body(record.body, record.body_encoding, ctype)
        headers = keep_headers(record.headers)
        return dataclasses.replace(record, url=url, headers=headers, body=body, body_encoding=enc)
    if isinstance(record, ServerBatch):
        if not _has_token(record.body, record.path):
            return record
        raw = decode_body(record.body, record.body_encoding)
        clean, fp = redact_body(raw, record.content_type)
        body, enc = encode_body(clean) if clean != raw else (record.body, record.body_encoding)
        path = _strip_url(record.path) if record.path else record.path
        fp = record.token_fp or fp
        return dataclasses.replace(record, body=body, body_encoding=enc, path=path, token_fp=fp)
    if isinstance(record, GraphRecord):
        params = {k: v for k, v in record.params.items() if k not in wire.TOKEN_FIELDS}
        return dataclasses.replace(record, path=wire.path_of(record.path), params=params)
    return record


def _has_token(*texts: str | None) -> bool:
    return any(t and ("access_token" in t or "appsecret_proof" in t) for t in texts)


def _headers_kept(headers: Mapping[str, str]) -> bool:
    return all(k in KEPT_HEADERS and k != "cookie" for k in headers)


def _strip_url(url: str) -> str:
    if "access_token" not in url and "appsecret_proof" not in url:
        return url
    base, sep, rest = url.partition("?")
    query, hash_sep, fragment = rest.partition("#")
    clean, _ = wire.strip_token_pairs(query)
    return base + (sep if clean else "") + clean + hash_sep + fragment


def _strip_body(body: str | None, encoding: str, ctype: str | None) -> tuple[str | None, str]:
    if body is None or ("access_token" not in body and "appsecret_proof" not in body):
        return body, encoding
    raw = decode_body(body, encoding)
    clean, _ = redact_body(raw, ctype)
    return encode_body(clean)


class EvidenceWriter:
    """Append-only journal writer; thread-safe (the sink writes from its own thread)."""

    def __init__(self, directory: Path, run: RunInfo, *, name: str = FILE_NAME) -> None:
        self.final_path = directory / name
        self.part_path = directory / (name + PART_SUFFIX)
        self._lock = threading.Lock()
        self._seq = 0
        self._closed = False
        try:
            directory.mkdir(mode=0o700, parents=True, exist_ok=True)
            fd = os.open(self.part_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            os.fchmod(fd, 0o600)
        except OSError as exc:
            raise IncompleteRunError(
                f"{self.part_path}: cannot write evidence: {exc.strerror}",
                hint="choose an --out directory you can write to",
            ) from exc
        self._file = os.fdopen(fd, "wb")
        header = {"schema": SCHEMA, "run": dataclasses.asdict(run)}
        self._append(codec.dumps(header))

    @property
    def seq(self) -> int:
        return self._seq

    def _append(self, line: bytes) -> None:
        try:
            self._file.write(line)
            self._file.flush()
        except OSError as exc:
            raise IncompleteRunError(f"{self.part_path}: cannot write evidence: {exc}") from exc

    def write(self, record: Record) -> Record:
        """Scrub, number (`seq`) and append one record; returns it as stored."""
        with self._lock:
            if self._closed:
                raise IncompleteRunError(f"{self.final_path}: evidence already finalised")
            self._seq += 1
            stored = dataclasses.replace(scrub(record), seq=self._seq)
            self._append(codec.dumps(codec.to_data(stored)))
            return stored

    def finalise(self, end: RunEndRecord | None = None) -> Path:
        """Write `run_end`, sync, and rename the journal into place atomically."""
        if not self._closed:
            self.write(end or RunEndRecord())
            with self._lock:
                self._closed = True
                os.fsync(self._file.fileno())
                self._file.close()
                os.replace(self.part_path, self.final_path)
        return self.final_path

    def abandon(self) -> Path:
        """Close without finalising (the `.part` stays, as after a kill); for tests and crashes."""
        with self._lock:
            if not self._closed:
                self._closed = True
                self._file.close()
        return self.part_path

    def __enter__(self) -> EvidenceWriter:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc is None:
            self.finalise()
            return
        status = "interrupted" if isinstance(exc, KeyboardInterrupt) else "failed"
        self.finalise(RunEndRecord(status=status, error=f"{type(exc).__name__}: {exc}"[:500]))


def _header(first: bytes, path: Path) -> RunInfo:
    try:
        data = orjson.loads(first)
    except orjson.JSONDecodeError as exc:
        raise InputError(f"{path}: not an evidence journal (first line is not JSON)") from exc
    if not isinstance(data, dict) or data.get("schema") != SCHEMA:
        found = data.get("schema") if isinstance(data, dict) else None
        raise InputError(
            f"{path}: not a {SCHEMA} journal (schema {found!r})",
            hint="pass a file written by `pixelproof gather` (evidence.jsonl)",
        )
    run = data.get("run")
    fields = {f.name for f in dataclasses.fields(RunInfo)}
    values = {k: v for k, v in run.items() if k in fields} if isinstance(run, dict) else {}
    try:
        return RunInfo(**values)
    except TypeError:  # pragma: no cover - dataclass kwargs are all known names
        return RunInfo()


def iter_lines(path: Path) -> Generator[tuple[int, bytes]]:
    try:
        handle = path.open("rb")
    except OSError as exc:
        raise InputError(f"{path}: cannot read evidence: {exc.strerror}") from exc
    with handle:
        yield from enumerate(handle, start=1)


def load_run_info(path: Path) -> RunInfo:
    """Only the journal's header (what `check` copies before it reads the records)."""
    lines = iter_lines(path)
    try:
        first = next(lines, None)
    finally:
        lines.close()
    if first is None:
        raise InputError(f"{path}: empty file, not an evidence journal")
    return _header(first[1], path)


def load_evidence(path: Path) -> Evidence:
    """Read a journal (`evidence.jsonl`, or the `.part` of a killed run) as evidence."""
    lines = iter_lines(path)
    first = next(lines, None)
    if first is None:
        raise InputError(f"{path}: empty file, not an evidence journal")
    run = _header(first[1], path)
    records: list[Record] = []
    problems: list[str] = []
    ended = False
    for number, line in lines:
        if not line.strip():
            continue
        try:
            data = orjson.loads(line)
        except orjson.JSONDecodeError:
            last = not line.endswith(b"\n")
            why = "truncated last record (the run was killed?)" if last else "not JSON (skipped)"
            problems.append(f"{path}:{number}: {why}")
            continue
        if not isinstance(data, dict):
            problems.append(f"{path}:{number}: not a record object (skipped)")
            continue
        record, more = codec.from_data(data)
        problems += [f"{path}:{number}: {p}" for p in more]
        if record is not None:
            records.append(record)
            ended = ended or isinstance(record, RunEndRecord)
    if not ended:
        problems.append(f"{path}: no run_end record: partial evidence (the run did not finish)")
    return Evidence(run=run, records=tuple(records), problems=tuple(problems), complete=ended)
