"""The sink's answers in Meta's shapes (reference/meta-api.md §2.6).

Success: `{"events_received": N, "messages": [], "fbtrace_id": …}`. Failure: the Graph error
envelope `{"error": {"message", "type", "code", "error_subcode"?, "is_transient",
"error_user_title"?, "error_user_msg"?, "fbtrace_id"}}`. The batch verdicts themselves come from
`meta.capi.judge_request`; the rejections here are the sink's own (tokens, paths, relay).
"""

from __future__ import annotations

import secrets

from pixelproof.meta.capi import Rejection

TRANSIENT_CODES = frozenset({1, 2, 4, 17, 341})
USER_TITLES = {2804003: "Event Timestamp Too Old"}

TOKEN_MISSING = Rejection(401, 190, None, "An access token is required to request this resource.")
TOKEN_NOT_ACCEPTED = Rejection(
    401, 190, None, "Invalid OAuth access token - Cannot parse access token"
)
SINK_TOKEN_REFUSAL = Rejection(
    401,
    190,
    None,
    "pixelproof sink: the shared sink token is missing or wrong; send it as an "
    "X-Pixelproof-Token header or a /t/<token>/ path prefix",
)
META_UNREACHABLE = Rejection(
    503, 2, None, "Service temporarily unavailable (pixelproof relay could not reach Meta)"
)
INTERNAL = Rejection(500, 1, None, "An unknown error occurred (pixelproof sink)")
CLIENT_GONE = 499  # nginx's "client closed request": no answer was sent


def fbtrace_id() -> str:
    """A random 23-character trace id like Meta's (`ATHEd8F7ddsITPV0fE5TWjY`)."""
    return secrets.token_urlsafe(18)[:23]


def success(events_received: int) -> dict[str, object]:
    return {"events_received": events_received, "messages": [], "fbtrace_id": fbtrace_id()}


def unknown_path(path: str) -> Rejection:
    return Rejection(
        400,
        2500,
        None,
        f"Unknown path components: {path} (the sink serves POST /vNN.N/{{pixel_id}}/events)",
    )


def unsupported(method: str, path: str) -> Rejection:
    return Rejection(
        400, 100, None, f"Unsupported {method.lower()} request: {path} accepts only POST"
    )


def error_envelope(rejection: Rejection) -> dict[str, object]:
    error: dict[str, object] = {"message": rejection.message, "type": rejection.type}
    error["code"] = rejection.code
    if rejection.subcode is not None:
        error["error_subcode"] = rejection.subcode
    error["is_transient"] = rejection.code in TRANSIENT_CODES
    if rejection.code == 100 and rejection.subcode is not None:
        # Meta's documented shape: a generic message, the specifics in the user fields
        error["message"] = "Invalid parameter"
        error["error_user_title"] = USER_TITLES.get(rejection.subcode, "Invalid parameter")
        error["error_user_msg"] = rejection.message
    error["fbtrace_id"] = fbtrace_id()
    return {"error": error}
