"""The checklist's other lines: versions, the map's environment, sink port, Graph, remote sink.

Every probe is bounded (HTTP 5 s) and never prints a secret: the Graph token is only said to
be present or not, the sink token travels in its header and is scrubbed from any message.
"""

from __future__ import annotations

import platform
import re
import sys
from collections.abc import Iterable
from urllib.parse import urlsplit, urlunsplit

from pixelproof import __version__
from pixelproof.config.load import LoadedMap
from pixelproof.doctor.checklist import Line, Status
from pixelproof.errors import SinkError, UsageError

HTTP_TIMEOUT_S = 5.0
HEALTH_PATH = "/__pixelproof/health"
TOKEN_HEADER = "X-Pixelproof-Token"
DEFAULT_LISTEN = "127.0.0.1:4010"
TOKEN_PREFIX = re.compile(r"^/t/[^/]*")
VARIABLE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)")
SINK = "sink port"
REMOTE = "sink (--sink-url)"


def versions() -> list[Line]:
    return [
        Line("python", Status.OK, f"{platform.python_version()} ({sys.executable})"),
        Line("pixelproof", Status.OK, __version__),
    ]


def map_lines(loaded: LoadedMap) -> list[Line]:
    return [_map(loaded), _environment(loaded), sink_port(loaded), graph(loaded)]


def _map(loaded: LoadedMap) -> Line:
    m = loaded.map
    detail = f"{loaded.path}: valid, {len(m.events)} event(s), {len(m.journeys)} journey(s)"
    warnings = sum(1 for p in loaded.notes if p.severity == "warning")
    if warnings:
        todo = f"see them with `pixelproof validate {loaded.path}`"
        return Line("map", Status.WARNING, f"{detail}; {warnings} warning(s)", todo)
    return Line("map", Status.OK, detail)


def _environment(loaded: LoadedMap) -> Line:
    env = loaded.environment
    name = loaded.environment_name or "none declared"
    pixels = ", ".join(f"{role}={pixel}" for role, pixel in env.pixels.items()) or "none"
    detail = f"{name} (kind {env.kind}); pixels {pixels}; base_url {env.base_url or 'not set'}"
    if env.base_url is None and loaded.map.journeys:
        todo = "set base_url for the environment, or pass --base-url to audit/gather"
        return Line("environment", Status.WARNING, detail, todo)
    return Line("environment", Status.OK, detail)


def sink_port(loaded: LoadedMap) -> Line:
    """Free (bind test) when `capi.capture` is sink/relay; port 0 always is."""
    from pixelproof.evidence.sources.sink_server import bind_socket, parse_listen

    capi = loaded.environment.capi
    if capi is None or capi.capture not in ("sink", "relay"):
        capture = capi.capture if capi is not None else "not configured"
        return Line(SINK, Status.SKIPPED, f"capi.capture is {capture}: no sink is started")
    listen = capi.sink.listen if capi.sink is not None else DEFAULT_LISTEN
    try:
        host, port = parse_listen(listen)
    except UsageError as exc:
        return Line(SINK, Status.MISSING, exc.message, exc.hint)
    if port == 0:
        return Line(SINK, Status.OK, f"{listen} ({capi.capture}): port 0, the OS picks a free one")
    try:
        bind_socket(host, port).close()
    except SinkError as exc:
        return Line(SINK, Status.MISSING, f"{exc.message} ({capi.capture})", exc.hint)
    return Line(SINK, Status.OK, f"{listen} is free ({capi.capture})")


def graph(loaded: LoadedMap) -> Line:
    """The token reads the environment's pixels (`GET /{pixel}?fields=id,name`), or `/me`."""
    declared = loaded.map.graph
    variable = _token_variable(loaded)
    where = f" ({variable})" if variable else ""
    if declared is None or (declared.access_token is None and not variable):
        return Line("graph", Status.SKIPPED, "no graph.access_token in the map")
    if declared.access_token is None:
        detail = f"token present: no{where}; audits skip the Graph source"
        return Line("graph", Status.SKIPPED, detail)
    return _probe_graph(loaded, f"token present: yes{where}")


def _probe_graph(loaded: LoadedMap, present: str) -> Line:
    from pixelproof.errors import GraphError
    from pixelproof.evidence.sources.graph_reads import client_for, map_pixels

    read: list[str] = []
    try:
        with client_for(loaded, attempts=2, budget_s=HTTP_TIMEOUT_S) as client:
            for node in map_pixels(loaded) or ["me"]:
                body = client.get(node, {"fields": "id,name"}).body
                read.append(f"{body.get('id', node)} ({body.get('name', 'no name')})")
    except GraphError as exc:
        return Line("graph", Status.MISSING, f"{present}; {exc.message}", exc.hint)
    return Line("graph", Status.OK, f"{present}; valid, reads {', '.join(read)}, {client.version}")


def _token_variable(loaded: LoadedMap) -> str | None:
    """The variable `graph.access_token` names in the file (`${META_ACCESS_TOKEN}`)."""
    from pixelproof.config.yamlnodes import compose_source

    try:
        text = loaded.path.read_text("utf-8")
    except OSError:
        return None
    data = compose_source(text, str(loaded.path)).data
    section = data.get("graph") if isinstance(data, dict) else None
    raw = section.get("access_token") if isinstance(section, dict) else None
    found = VARIABLE.search(raw) if isinstance(raw, str) else None
    return found.group(1) if found else None


def probe_sink_url(url: str, token: str | None, timeout_s: float = HTTP_TIMEOUT_S) -> Line:
    """GET `<url>/__pixelproof/health`: proves a backend on this machine reaches the sink."""
    import httpx

    shown = shown_url(url)
    secrets = [s for s in (token, _path_token(url)) if s]
    headers = {TOKEN_HEADER: token} if token else {}
    target = url.rstrip("/") + HEALTH_PATH
    try:
        answer = httpx.get(target, headers=headers, timeout=timeout_s, trust_env=False)
    except (httpx.HTTPError, httpx.InvalidURL) as exc:
        why = scrub(f"{type(exc).__name__}: {exc}", secrets, url, shown)
        todo = "is `pixelproof sink` running there, and the host and port reachable from here?"
        return Line(REMOTE, Status.MISSING, f"{shown}: cannot reach it: {why}", todo)
    sent = "sent" if token else "not sent (PIXELPROOF_SINK_TOKEN unset)"
    if answer.status_code in (401, 403):
        todo = "set PIXELPROOF_SINK_TOKEN to the sink's shared token (--token-env)"
        detail = f"{shown}: refused (HTTP {answer.status_code}); token {sent}"
        return Line(REMOTE, Status.MISSING, detail, todo)
    if answer.status_code != 200 or not _healthy(answer.content):
        todo = "point --sink-url at the sink's base URL (the backend's Graph base URL)"
        detail = f"{shown}: HTTP {answer.status_code} from {HEALTH_PATH}: not a pixelproof sink?"
        return Line(REMOTE, Status.MISSING, detail, todo)
    return Line(REMOTE, Status.OK, f"{shown}: reachable, healthy; token {sent}")


def _healthy(body: bytes) -> bool:
    import orjson

    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError:
        return False
    return isinstance(data, dict) and data.get("ok") is True


def shown_url(url: str) -> str:
    """The URL without credentials: no userinfo, a `/t/<token>` prefix masked."""
    try:
        parts = urlsplit(url)
        netloc = parts.netloc.rpartition("@")[2]
    except ValueError:
        return "<unparseable URL>"
    path = TOKEN_PREFIX.sub("/t/***", parts.path)
    return urlunsplit((parts.scheme, netloc, path, "", ""))


def _path_token(url: str) -> str | None:
    try:
        path = urlsplit(url).path
    except ValueError:
        return None
    found = TOKEN_PREFIX.match(path)
    return found.group(0)[3:] or None if found else None


def scrub(text: str, secrets: Iterable[str], url: str, shown: str) -> str:
    """`text` with the raw URL shown safely and every secret masked."""
    text = text.replace(url, shown)
    for secret in secrets:
        text = text.replace(secret, "***")
    return text[:300]
