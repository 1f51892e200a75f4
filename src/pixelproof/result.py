"""The audit result (`pixelproof.result/1`, DESIGN §9) and its status/exit truth table (§13).

Every renderer reads only this. Records are frozen dataclasses with tuple fields; the JSON
form lives in `result_json.py`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum

from pixelproof.errors import ExitCode

SCHEMA = "pixelproof.result/1"


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return _SEVERITY_RANK[self]


_SEVERITY_RANK = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}


class FailOn(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    NEVER = "never"


class RunStatus(StrEnum):
    PASS = "pass"
    FAIL = "fail"
    INCOMPLETE = "incomplete"


class CheckStatus(StrEnum):
    PASS = "pass"
    FAIL = "fail"
    WARN = "warn"
    NOT_APPLICABLE = "not_applicable"
    ERROR = "error"


class Baseline(StrEnum):
    NEW = "new"
    KNOWN = "known"
    IGNORED = "ignored"


@dataclass(frozen=True, slots=True)
class ToolInfo:
    name: str = "pixelproof"
    version: str = ""


@dataclass(frozen=True, slots=True)
class MapInfo:
    path: str | None = None
    name: str | None = None
    environment: str = "staging"
    environment_name: str | None = None


@dataclass(frozen=True, slots=True)
class Options:
    fail_on: FailOn = FailOn.ERROR
    environment: str | None = None
    now: str | None = None
    baseline: str | None = None
    keep_pii: bool = False
    journeys: tuple[str, ...] = ()
    shard: str | None = None
    workers: int | None = None
    result_events: str = "all"
    allow_unobserved_server: bool = False


@dataclass(frozen=True, slots=True)
class Summary:
    error: int = 0
    warning: int = 0
    info: int = 0
    known: int = 0
    events_total: int = 0
    events_listed: int = 0


@dataclass(frozen=True, slots=True)
class SourceStatus:
    name: str
    kind: str
    status: str  # ok | error | skipped
    error: str | None = None
    items: int = 0


@dataclass(frozen=True, slots=True)
class FileLocation:
    path: str
    line: int
    column: int


@dataclass(frozen=True, slots=True)
class StepResult:
    index: int
    id: str | None
    key: str
    action: str
    status: str  # pass | fail | error | skip
    started_at: str | None = None
    ended_at: str | None = None
    error: str | None = None
    screenshot: str | None = None
    location: FileLocation | None = None


@dataclass(frozen=True, slots=True)
class JourneyResult:
    name: str
    status: str  # pass | fail | error | skip
    consent: str = "none"
    steps: tuple[StepResult, ...] = ()


@dataclass(frozen=True, slots=True)
class Attribution:
    method: str
    candidates: tuple[str, ...] = ()
    conflict: tuple[str, ...] | None = None


@dataclass(frozen=True, slots=True)
class EventRecord:
    ref: str
    source: str  # browser | server
    channel: str
    transport: str
    trigger: str | None
    attribution: Attribution | None
    pixel_id: str | None
    name: str | None
    event_id: str | None
    journey: str | None
    step: int | None
    time: str | None
    ts: int | None
    event_time: int | None
    url: str | None
    custom_data: Mapping[str, object]
    user_data_keys: tuple[str, ...]
    excerpt: str | None
    problems: tuple[str, ...]
    event_key: str | None
    attempts: int = 1
    action_source: str | None = None
    accepted: bool | None = None


@dataclass(frozen=True, slots=True)
class Pair:
    journey: str | None
    step: int | None
    pixel_id: str | None
    name: str | None
    browser_name: str | None
    server_name: str | None
    browser: str | None
    server: str | None
    browser_event_id: str | None
    server_event_id: str | None
    status: str
    basis: str
    delay_s: float | None
    order: str | None
    event_key: str | None
    confidence: str = "high"


@dataclass(frozen=True, slots=True)
class CheckResult:
    code: str
    name: str
    severity: Severity
    needs: tuple[str, ...]
    status: CheckStatus
    message: str | None = None


@dataclass(frozen=True, slots=True)
class Finding:
    code: str
    name: str
    severity: Severity
    message: str
    fingerprint: str
    event: str | None = None
    event_key: str | None = None
    journey: str | None = None
    step: int | None = None
    source: str | None = None
    pixel_id: str | None = None
    scope: str = "action"
    refs: tuple[str, ...] = ()
    hint: str | None = None
    owner: str | None = None
    location: FileLocation | None = None
    baseline: Baseline = Baseline.NEW
    subject: str | None = None
    cause: str | None = None
    related: tuple[str, ...] = ()

    @property
    def counted(self) -> bool:
        """Known and ignored findings never count toward `--fail-on` or the severity counts."""
        return self.baseline is Baseline.NEW


@dataclass(frozen=True, slots=True)
class BatchResponse:
    http: int | None
    code: int | None = None
    subcode: int | None = None
    message: str | None = None


@dataclass(frozen=True, slots=True)
class BatchRecord:
    ref: str
    source: str
    time: str | None
    path: str | None
    api_version: str | None
    partner_agent: str | None
    user_agent: str | None
    test_event_code: str | None
    status: str  # accepted | rejected | unparseable | retry
    response: BatchResponse | None
    events: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class AuditResult:
    """One run's verdict. Build it with `finalise()` so summary, status and exit agree."""

    tool: ToolInfo
    map: MapInfo
    options: Options
    started_at: str
    duration_s: float
    sources: tuple[SourceStatus, ...] = ()
    journeys: tuple[JourneyResult, ...] = ()
    events: tuple[EventRecord, ...] = ()
    pairs: tuple[Pair, ...] = ()
    checks: tuple[CheckResult, ...] = ()
    findings: tuple[Finding, ...] = ()
    batches: tuple[BatchRecord, ...] = ()
    diagnostics: Mapping[str, object] = field(default_factory=dict)
    incomplete_reasons: tuple[str, ...] = ()
    unobserved_server: str | None = None
    interrupted: bool = False
    summary: Summary = Summary()
    status: RunStatus = RunStatus.PASS
    complete: bool = True
    exit_code: ExitCode = ExitCode.OK
    schema: str = SCHEMA


def fails(finding: Finding, fail_on: FailOn) -> bool:
    """True when a counted finding is at or above the `--fail-on` threshold."""
    if fail_on is FailOn.NEVER or not finding.counted:
        return False
    limit = Severity.ERROR if fail_on is FailOn.ERROR else Severity.WARNING
    return finding.severity.rank <= limit.rank


def exit_code(result: AuditResult) -> ExitCode:
    """The truth table of DESIGN §13: interrupted > findings > incomplete > ok."""
    if result.interrupted:
        return ExitCode.INTERRUPTED
    if any(fails(f, result.options.fail_on) for f in result.findings):
        return ExitCode.FINDINGS
    if result.incomplete_reasons:
        return ExitCode.INCOMPLETE
    if result.unobserved_server is not None and not result.options.allow_unobserved_server:
        return ExitCode.INCOMPLETE
    return ExitCode.OK


def run_status(code: ExitCode) -> RunStatus:
    if code is ExitCode.FINDINGS:
        return RunStatus.FAIL
    if code in (ExitCode.INCOMPLETE, ExitCode.BUG, ExitCode.INTERRUPTED):
        return RunStatus.INCOMPLETE
    return RunStatus.PASS


def summarise(result: AuditResult) -> Summary:
    counts = {s: 0 for s in Severity}
    known = 0
    for f in result.findings:
        if f.counted:
            counts[f.severity] += 1
        else:
            known += 1
    return Summary(
        error=counts[Severity.ERROR],
        warning=counts[Severity.WARNING],
        info=counts[Severity.INFO],
        known=known,
        events_total=max(result.summary.events_total, len(result.events)),
        events_listed=len(result.events),
    )


def finalise(result: AuditResult) -> AuditResult:
    """Sort every array into its documented order and derive summary, complete, status, exit."""
    from pixelproof.result_order import sort_result

    ordered = sort_result(result)
    complete = not ordered.incomplete_reasons and ordered.unobserved_server is None
    complete = complete and not ordered.interrupted
    ordered = replace(ordered, summary=summarise(ordered), complete=complete)
    code = exit_code(ordered)
    return replace(ordered, exit_code=code, status=run_status(code))
