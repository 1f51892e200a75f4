"""Graph answers judged: success body, or a failure that is transient, denied or permanent.

Codes per reference/meta-api.md §2.6: retried — HTTP 429/5xx, transport errors, Graph codes 1,
2, 4, 17, 32, 341, 613, 80000, 80003, 80004, 80014 and any envelope saying `is_transient`;
"not allowed" (the token may not read this edge; recorded, not fatal for optional reads) — 3, 10,
200–299, HTTP 403, 100 with subcode 33 or "Missing Permission", 2500 (unknown path: the edge does
not exist for this node or version). Everything else (190 invalid token, 100 bad field, …) is
permanent. Answers and messages are scrubbed of the token, the app secret and the proof.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import orjson

from pixelproof.errors import GraphError
from pixelproof.redact import Redactor

TRANSIENT_CODES = frozenset({1, 2, 4, 17, 32, 341, 613, 80000, 80003, 80004, 80014})
THROTTLE_CODES = frozenset({4, 17, 32, 341, 613, 80000, 80003, 80004, 80014})
DENIED_CODES = frozenset({3, 10, 2500, *range(200, 300)})
USAGE_HEADERS = ("x-app-usage", "x-business-use-case-usage", "x-ad-account-usage")
PERCENT_KEYS = frozenset(
    {"call_count", "total_cputime", "total_time", "acc_id_util_pct", "app_id_util_pct"}
)
SLOW_AT = 75.0  # percent of a quota; Meta throttles at 100
MAX_PAUSE_S = 5.0
TOKEN_PAIR = re.compile(r"(access_token|appsecret_proof)=[^&\s\"'#]*")
Json = Mapping[str, object]


@dataclass(frozen=True, slots=True)
class GraphFailure:
    """One failed attempt, already scrubbed."""

    status: int | None
    code: int | None
    subcode: int | None
    message: str
    transient: bool = False
    denied: bool = False
    regain_s: float = 0.0
    body: Json | None = None

    def error(self, path: str) -> GraphError:
        codes = f"code {self.code}" + (f"/{self.subcode}" if self.subcode else "")
        http = f"HTTP {self.status}"
        tail = f" ({codes}, {http})" if self.code is not None else ""
        return GraphError(
            f"Graph GET {path}: {self.message}{tail}",
            hint=_hint(self),
            path=path,
            status=self.status,
            code=self.code,
            subcode=self.subcode,
            body=self.body,
            denied=self.denied,
        )


def _hint(failure: GraphFailure) -> str:
    if failure.code == 190:
        return "the token is invalid or expired: create a new one and set its variable"
    if failure.denied:
        return "give the token ads_read on the pixel (a system user assigned to the dataset)"
    if failure.transient:
        return "Meta is busy or unreachable: try again later, or run with --no-graph"
    return "see Meta's message; `pixelproof doctor MAP` checks the token"


def scrub(value: object, secrets: Iterable[str]) -> object:
    """`value` with secrets masked, token pairs cut from URLs and token keys dropped."""
    if isinstance(value, Mapping):
        return {str(k): scrub(v, secrets) for k, v in value.items() if k != "access_token"}
    if isinstance(value, list):
        return [scrub(v, secrets) for v in value]
    if isinstance(value, str):
        text = TOKEN_PAIR.sub(r"\1=<redacted:secret>", value) if "=" in value else value
        return Redactor(pii={}, secrets=tuple(secrets), keep_pii=True).text(text)
    return value


def _int(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _json(content: bytes) -> object:
    try:
        return orjson.loads(content)
    except orjson.JSONDecodeError:
        return None


def failure_of(
    status: int, content: bytes, headers: Mapping[str, str], secrets: Iterable[str]
) -> Json | GraphFailure:
    """The answer's JSON object on a 2xx, else what failed."""
    secrets = tuple(secrets)
    data = scrub(_json(content), secrets)
    if 200 <= status < 300 and isinstance(data, Mapping) and "error" not in data:
        return data
    envelope = data.get("error") if isinstance(data, Mapping) else None
    if not isinstance(envelope, Mapping):
        transient = status == 429 or status >= 500
        what = "not a JSON object" if 200 <= status < 300 else "no Graph error envelope"
        return GraphFailure(status, None, None, f"HTTP {status}, {what}", transient=transient)
    code, subcode = _int(envelope.get("code")), _int(envelope.get("error_subcode"))
    message = str(envelope.get("error_user_msg") or envelope.get("message") or "unknown error")
    transient = envelope.get("is_transient") is True or code in TRANSIENT_CODES or status >= 500
    denied = status == 403 or code in DENIED_CODES or _missing_permission(code, subcode, message)
    regain = regain_s(headers) if code in THROTTLE_CODES else 0.0
    return GraphFailure(
        status,
        code,
        subcode,
        message[:500],
        transient and not denied,
        denied,
        regain,
        envelope_of(data),
    )


def envelope_of(data: object) -> Json | None:
    return data if isinstance(data, Mapping) else None


def _missing_permission(code: int | None, subcode: int | None, message: str) -> bool:
    return code == 100 and (subcode == 33 or "missing permission" in message.lower())


def transport_failure(exc: Exception) -> GraphFailure:
    """A transport error: its class only (some httpx messages carry the URL)."""
    return GraphFailure(None, None, None, f"cannot reach the Graph API ({type(exc).__name__})",
                        transient=True)  # fmt: skip


def retry_delay(attempt: int, jitter: float, regain: float = 0.0) -> float:
    """Exponential backoff with jitter: ~1 s, ~2 s, …; Meta's own regain estimate wins."""
    backoff = (2.0**attempt) * (1.0 + 0.5 * jitter)
    return max(backoff, regain)


def _usage(header: str) -> float:
    """The highest quota percentage a usage header reports (its JSON, however nested)."""
    stack: list[object] = [_json(header.encode())]
    used = 0.0
    while stack:
        item = stack.pop()
        if isinstance(item, Mapping):
            for key, value in item.items():
                if key in PERCENT_KEYS and isinstance(value, int | float):
                    used = max(used, float(value))
                elif isinstance(value, Mapping | list):
                    stack.append(value)
        elif isinstance(item, list):
            stack += item
    return used


def usage_pause(headers: Mapping[str, str]) -> float:
    """Seconds to wait before the next call: 0 below 75 % of any quota, up to 5 s at 100 %."""
    used = max((_usage(headers[h]) for h in USAGE_HEADERS if h in headers), default=0.0)
    if used < SLOW_AT:
        return 0.0
    return min(MAX_PAUSE_S, MAX_PAUSE_S * (used - SLOW_AT) / (100.0 - SLOW_AT))


def regain_s(headers: Mapping[str, str]) -> float:
    """`estimated_time_to_regain_access` (minutes) of the business-use-case header, in seconds."""
    data = _json(headers.get("x-business-use-case-usage", "").encode())
    minutes = 0.0
    for entries in data.values() if isinstance(data, Mapping) else ():
        for entry in entries if isinstance(entries, list) else ():
            value = (
                entry.get("estimated_time_to_regain_access") if isinstance(entry, Mapping) else 0
            )
            if isinstance(value, int | float) and not isinstance(value, bool):
                minutes = max(minutes, float(value))
    return minutes * 60.0
