"""The command line (DESIGN §3): thin typer commands and the one error boundary.

Commands parse options and hand them to `pixelproof.commands.<name>.run(...)`, imported only
when the command runs, so `pixelproof --help` stays fast and imports no heavy module.
"""

from __future__ import annotations

import importlib
import sys
import traceback
from enum import StrEnum
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from pixelproof import __version__
from pixelproof.errors import ExitCode, NotBuiltError, PixelproofError

app = typer.Typer(
    name="pixelproof",
    help="Audit Meta Pixel + Conversions API tracking: prove, action by action, that the "
    "browser and the server tell Meta the same story.",
    no_args_is_help=True,
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
    pretty_exceptions_enable=False,
)
graph_app = typer.Typer(
    help="Pull Graph API diagnostics for the map's pixels.", no_args_is_help=True
)
app.add_typer(graph_app, name="graph")

_state = {"traceback": False}


class FailOnChoice(StrEnum):
    error = "error"
    warning = "warning"
    never = "never"


class ColorChoice(StrEnum):
    auto = "auto"
    always = "always"
    never = "never"


class ResultEventsChoice(StrEnum):
    auto = "auto"
    all = "all"
    linked = "linked"


class TraceChoice(StrEnum):
    off = "off"
    on = "on"
    retain_on_failure = "retain-on-failure"


def _examples(*lines: str) -> str:
    return "Examples:\n\n" + "\n\n".join(f"  $ {line}" for line in lines)


def _dispatch(command: str, **options: object) -> None:
    """Import `pixelproof.commands.<command>` and run it; its return value is the exit code."""
    try:
        module = importlib.import_module(f"pixelproof.commands.{command}")
    except ModuleNotFoundError as exc:
        if exc.name != f"pixelproof.commands.{command}":
            raise
        raise NotBuiltError(
            f"'pixelproof {command.replace('_', ' ')}' is not built yet in {__version__}",
            hint="see CHANGELOG.md for what this version can do",
        ) from exc
    code = module.run(**options)
    raise typer.Exit(int(code))


# --- shared option types --------------------------------------------------------------------
MapArg = Annotated[Path, typer.Argument(help="The event map (YAML).", metavar="MAP")]
ReportOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--report",
        help="FORMAT[=PATH]; formats: terminal json junit markdown html sarif. "
        "Repeatable; at most one without PATH (stdout). Default: terminal.",
    ),
]
OutOpt = Annotated[
    Path | None, typer.Option("--out", help="Run folder (evidence, result, screenshots; 0700).")
]
FailOnOpt = Annotated[
    FailOnChoice, typer.Option("--fail-on", help="Lowest severity that fails the run (exit 1).")
]
EnvOpt = Annotated[str | None, typer.Option("--env", help="Environment of the map to use.")]
JourneyOpt = Annotated[
    list[str] | None, typer.Option("--journey", help="Run or judge only this journey (repeatable).")
]
BaselineOpt = Annotated[
    Path | None, typer.Option("--baseline", help="Findings in this file are 'known'.")
]
WriteBaselineOpt = Annotated[
    Path | None, typer.Option("--write-baseline", help="Write this run's findings as a baseline.")
]
AllowUnobservedOpt = Annotated[
    bool,
    typer.Option(
        "--allow-unobserved-server", help="Exit 0 instead of 3 when capi.capture is none."
    ),
]
KeepPiiOpt = Annotated[
    bool, typer.Option("--keep-pii", help="Do not redact PII in reports (tokens always are).")
]
ResultEventsOpt = Annotated[
    ResultEventsChoice,
    typer.Option("--result-events", help="Events listed in the result (auto: all up to 10,000)."),
]
NoGraphOpt = Annotated[bool, typer.Option("--no-graph", help="Skip Graph API reads.")]
ColorOpt = Annotated[ColorChoice, typer.Option("--color", help="Colour in terminal output.")]
QuietOpt = Annotated[int, typer.Option("-q", "--quiet", count=True, help="Less output.")]
VerboseOpt = Annotated[int, typer.Option("-v", "--verbose", count=True, help="More output.")]
BaseUrlOpt = Annotated[str | None, typer.Option("--base-url", help="Override the site's base URL.")]
WorkersOpt = Annotated[int, typer.Option("--workers", min=1, help="Journeys run in parallel.")]
HeadedOpt = Annotated[bool, typer.Option("--headed", help="Show the browser window.")]
BrowserOpt = Annotated[
    Path | None,
    typer.Option("--browser", envvar="PIXELPROOF_BROWSER", help="Chromium/Chrome executable."),
]
BrowserWsOpt = Annotated[
    str | None, typer.Option("--browser-ws", help="Connect to a remote Playwright server.")
]
SendOpt = Annotated[
    bool,
    typer.Option("--send/--no-send", help="Let Pixel hits reach Meta (default: answered locally)."),
]
AllowSendProdOpt = Annotated[
    bool, typer.Option("--allow-send-production", help="Allow --send against a production kind.")
]
TraceOpt = Annotated[TraceChoice, typer.Option("--trace", help="Playwright traces (cost ~20%).")]
ShardOpt = Annotated[str | None, typer.Option("--shard", help="Run shard I/N of the journeys.")]
WithinOpt = Annotated[str | None, typer.Option("--within", help="Override browser/server within.")]
SettleOpt = Annotated[str | None, typer.Option("--settle", help="Override journey_settle.")]


# --- commands -------------------------------------------------------------------------------
@app.command(
    epilog=_examples(
        "pixelproof audit event_maps/shop.yaml",
        "pixelproof audit shop.yaml --env staging --report junit=out/junit.xml --out out/",
        "pixelproof audit shop.yaml --journey purchase --fail-on warning --baseline base.json",
    )
)
def audit(
    map_path: MapArg,
    report: ReportOpt = None,
    out: OutOpt = None,
    fail_on: FailOnOpt = FailOnChoice.error,
    env: EnvOpt = None,
    journey: JourneyOpt = None,
    baseline: BaselineOpt = None,
    write_baseline: WriteBaselineOpt = None,
    allow_unobserved_server: AllowUnobservedOpt = False,
    keep_pii: KeepPiiOpt = False,
    result_events: ResultEventsOpt = ResultEventsChoice.auto,
    no_graph: NoGraphOpt = False,
    color: ColorOpt = ColorChoice.auto,
    quiet: QuietOpt = 0,
    verbose: VerboseOpt = 0,
    base_url: BaseUrlOpt = None,
    workers: WorkersOpt = 1,
    headed: HeadedOpt = False,
    browser: BrowserOpt = None,
    browser_ws: BrowserWsOpt = None,
    send: SendOpt = False,
    allow_send_production: AllowSendProdOpt = False,
    trace: TraceOpt = TraceChoice.off,
    shard: ShardOpt = None,
    within: WithinOpt = None,
    settle: SettleOpt = None,
) -> None:
    """Gather live (journeys + CAPI sink + Graph), check, and report. The everyday command."""
    _dispatch("audit", **locals())


@app.command(
    epilog=_examples(
        "pixelproof gather shop.yaml --out runs/2026-11-29",
        "pixelproof check shop.yaml --evidence runs/2026-11-29/evidence.jsonl",
    )
)
def gather(
    map_path: MapArg,
    out: Annotated[Path, typer.Option("--out", help="Run folder for evidence.jsonl (0700).")],
    env: EnvOpt = None,
    journey: JourneyOpt = None,
    no_graph: NoGraphOpt = False,
    color: ColorOpt = ColorChoice.auto,
    quiet: QuietOpt = 0,
    verbose: VerboseOpt = 0,
    base_url: BaseUrlOpt = None,
    workers: WorkersOpt = 1,
    headed: HeadedOpt = False,
    browser: BrowserOpt = None,
    browser_ws: BrowserWsOpt = None,
    send: SendOpt = False,
    allow_send_production: AllowSendProdOpt = False,
    trace: TraceOpt = TraceChoice.off,
    shard: ShardOpt = None,
    within: WithinOpt = None,
    settle: SettleOpt = None,
) -> None:
    """Live gathering only: write DIR/evidence.jsonl for a later `check`."""
    _dispatch("gather", **locals())


@app.command(
    epilog=_examples(
        "pixelproof check shop.yaml --evidence run/evidence.jsonl",
        "pixelproof check shop.yaml --har session.har --capi-log 111111111111111=capi.jsonl",
        "pixelproof check shop.yaml --har a.har --report json=result.json --report terminal",
    )
)
def check(
    map_path: MapArg,
    evidence: Annotated[
        Path | None, typer.Option("--evidence", help="evidence.jsonl from gather/audit.")
    ] = None,
    har: Annotated[
        list[Path] | None, typer.Option("--har", help="A HAR file (Chrome or Playwright).")
    ] = None,
    capi_log: Annotated[
        list[str] | None,
        typer.Option("--capi-log", help="[PIXEL=]FILE: CAPI request bodies as JSONL."),
    ] = None,
    now: Annotated[
        str | None, typer.Option("--now", help="Judge time-dependent rules at this ISO time.")
    ] = None,
    clock_offset: Annotated[
        float | None, typer.Option("--clock-offset", help="Server clock minus browser clock, s.")
    ] = None,
    report: ReportOpt = None,
    out: OutOpt = None,
    fail_on: FailOnOpt = FailOnChoice.error,
    env: EnvOpt = None,
    journey: JourneyOpt = None,
    baseline: BaselineOpt = None,
    write_baseline: WriteBaselineOpt = None,
    allow_unobserved_server: AllowUnobservedOpt = False,
    keep_pii: KeepPiiOpt = False,
    result_events: ResultEventsOpt = ResultEventsChoice.auto,
    no_graph: NoGraphOpt = False,
    color: ColorOpt = ColorChoice.auto,
    quiet: QuietOpt = 0,
    verbose: VerboseOpt = 0,
) -> None:
    """Audit saved evidence offline: no browser, no network."""
    _dispatch("check", **locals())


@app.command(
    epilog=_examples("pixelproof validate event_maps/shop.yaml", "pixelproof validate -q map.yaml")
)
def validate(map_path: MapArg, env: EnvOpt = None, quiet: QuietOpt = 0) -> None:
    """Load and validate the map; print every problem with file:line:col."""
    _dispatch("validate", **locals())


@app.command(epilog=_examples("pixelproof schema > schema/event-map.schema.json"))
def schema() -> None:
    """Print the JSON Schema of the event map (for editors)."""
    _dispatch("schema")


@app.command(
    epilog=_examples(
        "pixelproof sink",
        "pixelproof sink --listen 127.0.0.1:4010 --out capi/",
        "PIXELPROOF_SINK_TOKEN=s3cret pixelproof sink --listen 0.0.0.0:4010 "
        "--token-env PIXELPROOF_SINK_TOKEN",
        "pixelproof sink --forward --accept-token-env META_TOKEN",
    )
)
def sink(
    listen: Annotated[str, typer.Option("--listen", help="HOST:PORT to bind.")] = "127.0.0.1:4010",
    out: Annotated[Path | None, typer.Option("--out", help="Write DIR/capi.jsonl.")] = None,
    forward: Annotated[
        str | None,
        typer.Option(
            "--forward",
            help="Relay to Meta (`--forward meta`) or to this Graph base URL, and record "
            "the answer.",
        ),
    ] = None,
    token_env: Annotated[
        str | None, typer.Option("--token-env", help="Variable holding the shared sink token.")
    ] = None,
    accept_token_env: Annotated[
        str | None, typer.Option("--accept-token-env", help="Variable listing accepted tokens.")
    ] = None,
    strict: Annotated[
        bool, typer.Option("--strict", help="Also reject what Meta accepts but documents wrong.")
    ] = False,
    quiet: QuietOpt = 0,
) -> None:
    """Run the local Conversions API endpoint standalone (Graph-compatible)."""
    _dispatch("sink", **locals())


class GraphWhat(StrEnum):
    pixel = "pixel"
    stats = "stats"
    quality = "quality"
    checks = "checks"
    fires = "fires"


def _graph(what: GraphWhat, map_path: Path, env: str | None, as_json: bool) -> None:
    _dispatch("graph", what=what.value, map_path=map_path, env=env, as_json=as_json)


JsonOpt = Annotated[bool, typer.Option("--json", help="Print raw JSON.")]


@graph_app.command("pixel", epilog=_examples("pixelproof graph pixel shop.yaml --json"))
def graph_pixel(map_path: MapArg, env: EnvOpt = None, as_json: JsonOpt = False) -> None:
    """The pixel's settings and last fired time."""
    _graph(GraphWhat.pixel, map_path, env, as_json)


@graph_app.command("stats", epilog=_examples("pixelproof graph stats shop.yaml"))
def graph_stats(map_path: MapArg, env: EnvOpt = None, as_json: JsonOpt = False) -> None:
    """Counts per event name, browser vs server."""
    _graph(GraphWhat.stats, map_path, env, as_json)


@graph_app.command("quality", epilog=_examples("pixelproof graph quality shop.yaml"))
def graph_quality(map_path: MapArg, env: EnvOpt = None, as_json: JsonOpt = False) -> None:
    """Match quality, coverage and dedup-key feedback (dataset_quality)."""
    _graph(GraphWhat.quality, map_path, env, as_json)


@graph_app.command("checks", epilog=_examples("pixelproof graph checks shop.yaml"))
def graph_checks(map_path: MapArg, env: EnvOpt = None, as_json: JsonOpt = False) -> None:
    """Meta's own diagnostics for the pixel (da_checks)."""
    _graph(GraphWhat.checks, map_path, env, as_json)


@graph_app.command("fires", epilog=_examples("pixelproof graph fires shop.yaml --json"))
def graph_fires(map_path: MapArg, env: EnvOpt = None, as_json: JsonOpt = False) -> None:
    """Recent individual fires, where the token allows it."""
    _graph(GraphWhat.fires, map_path, env, as_json)


@app.command(
    epilog=_examples(
        "pixelproof report out/result.json --report html=report.html",
        "pixelproof report result.json --report markdown --report sarif=pixelproof.sarif",
    )
)
def report(
    result: Annotated[Path, typer.Argument(help="A result.json.", metavar="RESULT.json")],
    report: ReportOpt = None,
    color: ColorOpt = ColorChoice.auto,
) -> None:
    """Re-render a saved result."""
    _dispatch("report", result=result, formats=report, color=color)


@app.command(epilog=_examples("pixelproof diff before/result.json after/result.json"))
def diff(
    old: Annotated[Path, typer.Argument(metavar="OLD.json")],
    new: Annotated[Path, typer.Argument(metavar="NEW.json")],
    report: ReportOpt = None,
) -> None:
    """New / fixed / unchanged findings, events that stopped firing, pairs that got worse."""
    _dispatch("diff", **locals())


@app.command(epilog=_examples("pixelproof merge shard-*/result.json --output all.json"))
def merge(
    results: Annotated[list[Path], typer.Argument(metavar="RESULT.json...")],
    output: Annotated[Path, typer.Option("--output", "-o", help="Merged result.json.")],
) -> None:
    """Merge shard results into one."""
    _dispatch("merge", **locals())


@app.command(epilog=_examples("pixelproof rules", "pixelproof rules --json"))
def rules(as_json: JsonOpt = False) -> None:
    """List every rule: code, name, default severity, what it needs."""
    _dispatch("rules", as_json=as_json)


@app.command(epilog=_examples("pixelproof explain DD001", "pixelproof explain dd006"))
def explain(code: Annotated[str, typer.Argument(help="A rule code, e.g. DD001.")]) -> None:
    """Print one rule's documentation: what, why, how to fix, an example."""
    _dispatch("explain", code=code)


@app.command(
    epilog=_examples(
        "pixelproof init > event_maps/site.yaml",
        "pixelproof init --from-url https://staging.example.com --click '#add-to-cart'",
    )
)
def init(
    from_url: Annotated[
        str | None, typer.Option("--from-url", help="Record what this page fires.")
    ] = None,
    click: Annotated[
        list[str] | None, typer.Option("--click", help="Click this selector (repeatable).")
    ] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write here instead of stdout.")
    ] = None,
    browser: BrowserOpt = None,
) -> None:
    """Write a commented starter map; with a URL, draft it from what the site fires."""
    _dispatch("init", **locals())


@app.command(
    epilog=_examples("pixelproof doctor", "pixelproof doctor shop.yaml --sink-url http://ci:4010")
)
def doctor(
    map_path: Annotated[Path | None, typer.Argument(metavar="[MAP]")] = None,
    sink_url: Annotated[
        str | None, typer.Option("--sink-url", help="Prove this sink is reachable.")
    ] = None,
    browser: BrowserOpt = None,
) -> None:
    """Check the browser, the sink port and the Graph token before a run."""
    _dispatch("doctor", **locals())


@app.command(
    epilog=_examples(
        "pixelproof demo", "pixelproof demo --fixed", "pixelproof demo --out demo-run/"
    )
)
def demo(
    fixed: Annotated[
        bool, typer.Option("--fixed", help="Run the shop with its bugs fixed.")
    ] = False,
    out: OutOpt = None,
    report: ReportOpt = None,
    browser: BrowserOpt = None,
) -> None:
    """Run the bundled demo shop audit end to end, offline."""
    _dispatch("demo", **locals())


def _version(value: bool) -> None:
    if value:
        typer.echo(f"pixelproof {__version__}")
        raise typer.Exit(0)


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version.")
    ] = False,
    show_traceback: Annotated[
        bool, typer.Option("--traceback", help="Show the Python stack on errors.")
    ] = False,
) -> None:
    _state["traceback"] = show_traceback


def main() -> NoReturn:
    """The one error boundary: our errors → their exit codes, anything else → 4.

    Typer runs in standalone mode, so usage errors print click's message and exit 2.
    """
    try:
        app()
    except PixelproofError as exc:
        if _state["traceback"]:
            traceback.print_exc()
        sys.stderr.write(f"pixelproof: {exc.render()}\n")
        sys.exit(int(exc.exit_code))
    except KeyboardInterrupt:
        sys.stderr.write("pixelproof: interrupted\n")
        sys.exit(int(ExitCode.INTERRUPTED))
    except Exception as exc:
        if _state["traceback"]:
            traceback.print_exc()
        sys.stderr.write(
            f"pixelproof: internal error: {type(exc).__name__}: {exc}\n"
            "Rerun with --traceback and report it with the output.\n"
        )
        sys.exit(int(ExitCode.BUG))
    sys.exit(0)
