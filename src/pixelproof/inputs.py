"""Offline inputs of `check`: an evidence journal, HAR files and CAPI logs → one Evidence.

Sequence numbers stay unique across inputs (records from several files are one journal), and
each input kind is one source (`har`, `capi_log`) with its item count.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pixelproof.config.load import LoadedMap
from pixelproof.errors import InputError, UsageError
from pixelproof.evidence.model import Evidence, Record, RunInfo, SourceRecord
from pixelproof.evidence.sources.capi_log import CapiLogSource
from pixelproof.evidence.sources.har import HarSource
from pixelproof.evidence.store import load_evidence
from pixelproof.meta.capi import parse_path
from pixelproof.result import SourceStatus


@dataclass
class Collected:
    run: RunInfo = field(default_factory=RunInfo)
    records: list[Record] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    sources: dict[str, SourceStatus] = field(default_factory=dict)
    complete: bool = True

    @property
    def next_seq(self) -> int:
        return max((r.seq for r in self.records), default=0) + 1

    def add_source(self, name: str, items: int) -> None:
        old = self.sources.get(name)
        total = items + (old.items if old else 0)
        status, error = (old.status, old.error) if old else ("ok", None)
        self.sources[name] = SourceStatus(name, name, status, error, total)

    def evidence(self) -> Evidence:
        return Evidence(self.run, tuple(self.records), tuple(self.problems), self.complete)


def split_log_spec(spec: str) -> tuple[str | None, Path]:
    """`PIXEL=FILE` or `FILE`; a pixel ID is all digits."""
    left, sep, right = spec.partition("=")
    if sep and left.isdigit():
        return left, Path(right)
    return None, Path(spec)


def _journal(path: Path, into: Collected) -> None:
    evidence = load_evidence(path)
    into.run = evidence.run
    into.records += evidence.records
    into.problems += evidence.problems
    into.complete = evidence.complete
    for s in evidence.of(SourceRecord):
        into.sources[s.name] = SourceStatus(s.name, s.name, s.status, s.error, s.items)


def _har(path: Path, into: Collected) -> None:
    source = HarSource(path, start_seq=into.next_seq)
    records = list(source.records())
    into.records += records
    into.problems += source.problems
    into.add_source("har", source.kept)


def _single_pixel(loaded: LoadedMap) -> str | None:
    ids = sorted(set(loaded.environment.pixels.values()))
    return ids[0] if len(ids) == 1 else None


def map_logs(loaded: LoadedMap) -> list[str]:
    """The map's `capi.logs` (capture `logs`) as `[PIXEL=]FILE` specs, relative to the map.

    `check` reads them when no `--capi-log` is given, as `gather` does: a map that says where
    its server half is must not be judged as if it had none.
    """
    capi = loaded.environment.capi
    if capi is None or capi.capture != "logs" or not capi.logs:
        return []
    base = loaded.path.parent
    return [f"{s.pixel}={base / s.path}" if s.pixel else str(base / s.path) for s in capi.logs]


def _capi_log(spec: str, loaded: LoadedMap, into: Collected) -> None:
    pixel, path = split_log_spec(spec)
    source = CapiLogSource(path, pixel_id=pixel or _single_pixel(loaded), start_seq=into.next_seq)
    batches = list(source.records())
    for batch in batches:
        if batch.pixel_hint is None and parse_path(batch.path)[1] is None:
            ids = ", ".join(sorted(set(loaded.environment.pixels.values()))) or "none"
            raise UsageError(
                f"{batch.origin or path}: a CAPI log line names no pixel and the map has "
                f"several ({ids})",
                hint=f"say which dataset the file belongs to: --capi-log PIXEL={path}",
            )
    into.records += batches
    into.problems += source.problems
    into.add_source("capi_log", len(batches))


def collect(
    loaded: LoadedMap,
    evidence: Path | None,
    hars: Sequence[Path],
    capi_logs: Sequence[str],
    journeys: Sequence[str] = (),
) -> tuple[Evidence, tuple[SourceStatus, ...]]:
    """Read every offline input; missing or non-JSON files are InputErrors (exit 2)."""
    into = Collected()
    if evidence is None and not capi_logs:
        capi_logs = [s for s in map_logs(loaded) if split_log_spec(s)[1].exists()]
        missing = [str(split_log_spec(s)[1]) for s in map_logs(loaded) if s not in capi_logs]
        if missing and (hars or capi_logs):  # the server half is unjudged: a source error
            into.sources["capi_log"] = SourceStatus(
                "capi_log",
                "capi_log",
                "error",
                f"{', '.join(missing)}: file not found (named by the map's capi.logs)",
                0,
            )
    if evidence is None and not hars and not capi_logs:
        raise UsageError(
            "nothing to check", hint="give --evidence FILE, --har FILE or --capi-log FILE"
        )
    for path in (evidence,) if evidence else ():
        _require(path)
        _journal(path, into)
    for path in hars:
        _require(path)
        _har(path, into)
    for spec in capi_logs:
        _require(split_log_spec(spec)[1])
        _capi_log(spec, loaded, into)
    if journeys:
        wanted = set(journeys)
        into.records = [
            r for r in into.records if getattr(r, "journey", None) in (None, "", *wanted)
        ]
    return into.evidence(), tuple(into.sources.values())


def _require(path: Path) -> None:
    if not path.exists():
        raise InputError(f"{path}: file not found")
