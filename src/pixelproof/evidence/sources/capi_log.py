"""CAPI JSONL logs → `server_batch` evidence (DESIGN §6, §13 "CAPI log and sink lines").

One line is one of: the sink's line `{time, content_type, body, path, response {status, body},
user_agent, remote, token_fp, retry_of, seq}`; the envelope `{time, content_type, body}`; a
request body `{"data": [...], "test_event_code": …}`; or one bare event `{"event_name": …}`.
Lines are kept raw (tokens stripped) and decoded later by `meta/server.py`. A line that is none
of these, or not JSON, is kept as an `invalid` batch with its reason. Only a file that is
missing or has no JSON line at all raises `InputError`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path

import orjson

from pixelproof.errors import InputError
from pixelproof.evidence.model import ServerBatch, encode_body
from pixelproof.evidence.sources.times import epoch_of
from pixelproof.evidence.store import scrub

SNIFF_LINES = 1000  # invalid lines held back until the file proves to be JSONL at all
SINK_KEYS = frozenset({"path", "response", "seq", "remote", "user_agent", "token_fp"})
JSON_TYPE = "application/json"


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _int(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _response(value: object) -> Mapping[str, object] | None:
    if not isinstance(value, dict):
        return None
    status = _int(value.get("status"))
    body = value.get("body")
    if not isinstance(body, str) and body is not None:
        body = orjson.dumps(body).decode()
    return {"status": status, "body": body}


class CapiLogSource:
    """Streams one JSONL log; `problems` and `lines` are complete once `records()` ends."""

    name = "capi_log"

    def __init__(self, path: Path, *, pixel_id: str | None = None, start_seq: int = 1) -> None:
        self.path = path
        self.pixel_id = pixel_id
        self.seq = start_seq
        self.problems: list[str] = []
        self.lines = 0
        self.truncated = False

    def _lines(self) -> Iterator[tuple[int, bytes]]:
        try:
            handle = self.path.open("rb")
        except OSError as exc:
            raise InputError(f"{self.path}: cannot read CAPI log: {exc.strerror}") from exc
        with handle:
            yield from enumerate(handle, start=1)

    def records(self) -> Iterator[ServerBatch]:
        """One batch per non-empty line, in file order."""
        held: list[ServerBatch] = []
        proven = False
        for number, line in self._lines():
            self.lines = number
            if not line.strip():
                continue
            batch, parsed = self._batch(number, line)
            if not proven:
                held.append(batch)
                if parsed:
                    proven = True
                    yield from held
                    held.clear()
                elif len(held) >= SNIFF_LINES:
                    break
                continue
            yield batch
        if not proven and held:
            raise InputError(
                f"{self.path}: not a CAPI log (no JSON object on any of {len(held)} line(s))",
                hint="expected JSONL: one request body, event or envelope object per line",
            )

    def _next_seq(self) -> int:
        self.seq += 1
        return self.seq - 1

    def _batch(self, number: int, line: bytes) -> tuple[ServerBatch, bool]:
        where = f"{self.path.name}:{number}"
        try:
            data = orjson.loads(line)
        except orjson.JSONDecodeError as exc:
            last = not line.endswith(b"\n")
            why = "truncated last line" if last else f"not JSON: {exc}"
            self.truncated = self.truncated or last
            self.problems.append(f"{where}: {why}")
            return self._invalid(where, line, why), False
        if not isinstance(data, dict):
            why = f"a JSON {type(data).__name__}, not an object"
            self.problems.append(f"{where}: {why}")
            return self._invalid(where, line, why), True
        return self._shaped(where, line, data), True

    def _invalid(self, where: str, line: bytes, why: str) -> ServerBatch:
        body, encoding = encode_body(line.rstrip(b"\r\n"))
        batch = ServerBatch(
            seq=self._next_seq(),
            body=body,
            body_encoding=encoding,
            shape="invalid",
            pixel_hint=self.pixel_id,
            source="capi_log",
            origin=where,
            problems=(why,),
        )
        return self._scrub(batch)

    def _scrub(self, batch: ServerBatch) -> ServerBatch:
        clean = scrub(batch)
        assert isinstance(clean, ServerBatch)
        return clean

    def _shaped(self, where: str, line: bytes, data: dict[str, object]) -> ServerBatch:
        if "body" in data:
            return self._envelope(where, data)
        raw = line.rstrip(b"\r\n")
        shape = "request" if "data" in data else "event" if "event_name" in data else "invalid"
        problems: tuple[str, ...] = ()
        if shape == "invalid":
            problems = ("neither a request ({data: …}), an event nor an envelope ({body: …})",)
            self.problems.append(f"{where}: {problems[0]}")
        batch = ServerBatch(
            seq=self._next_seq(),
            content_type=JSON_TYPE,
            body=raw.decode("utf-8", "replace"),
            shape=shape,
            pixel_hint=self.pixel_id,
            source="capi_log",
            origin=where,
            problems=problems,
        )
        return self._scrub(batch)

    def _envelope(self, where: str, data: dict[str, object]) -> ServerBatch:
        batch = batch_from_line(
            data, seq=self._next_seq(), pixel_hint=self.pixel_id, source="capi_log", origin=where
        )
        self.problems += [f"{where}: {p}" for p in batch.problems]
        return batch


def batch_from_line(
    line: Mapping[str, object],
    *,
    seq: int,
    pixel_hint: str | None,
    source: str,
    origin: str | None = None,
) -> ServerBatch:
    """A sink line or log envelope (`{time, content_type, body, …}`) as a `server_batch`.

    Shared by the log reader and the live runner (which receives the in-process sink's lines);
    the batch is scrubbed of tokens. Problems (a bad `time`) are on `batch.problems`.
    """
    problems: list[str] = []
    time, why = epoch_of(line.get("time"))
    if why:
        problems.append(f"time: {why}")
    body = line.get("body")
    encoding = _text(line.get("body_encoding")) or "utf-8"
    ctype = _text(line.get("content_type"))
    if not isinstance(body, str):
        body = orjson.dumps(body).decode() if body is not None else None
        ctype = ctype or JSON_TYPE
    batch = ServerBatch(
        seq=seq,
        time=time,
        content_type=ctype,
        body=body,
        body_encoding="base64" if encoding == "base64" else "utf-8",
        path=_text(line.get("path")),
        response=_response(line.get("response")),
        user_agent=_text(line.get("user_agent")),
        remote=_text(line.get("remote")),
        token_fp=_text(line.get("token_fp")),
        retry_of=_int(line.get("retry_of")),
        sink_seq=_int(line.get("seq")),
        shape="sink" if SINK_KEYS & line.keys() else "envelope",
        pixel_hint=pixel_hint,
        source=source,
        origin=origin,
        problems=tuple(problems),
    )
    clean = scrub(batch)
    assert isinstance(clean, ServerBatch)
    return clean
