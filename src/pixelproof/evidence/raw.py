"""Raw request parts as evidence keeps them: bodies as text (or base64), selected headers."""

from __future__ import annotations

import base64
from collections.abc import Mapping

KEPT_HEADERS = ("user-agent", "content-type", "referer", "cookie")
KEPT_COOKIES = ("_fbp", "_fbc")


def encode_body(body: bytes | None) -> tuple[str | None, str]:
    """A body as journal text: UTF-8 when it is, else base64; returns (text, encoding)."""
    if body is None:
        return None, "utf-8"
    try:
        return body.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return base64.b64encode(body).decode("ascii"), "base64"


def decode_body(text: str | None, encoding: str) -> bytes:
    if text is None:
        return b""
    if encoding == "base64":
        try:
            return base64.b64decode(text, validate=False)
        except ValueError:
            return b""
    return text.encode("utf-8", "surrogatepass")


def keep_headers(headers: Mapping[str, str] | list[tuple[str, str]]) -> dict[str, str]:
    """Only User-Agent, Content-Type, Referer and Cookie (filtered to _fbp/_fbc); lower-cased."""
    items = headers.items() if isinstance(headers, Mapping) else headers
    kept: dict[str, str] = {}
    for name, value in items:
        key = str(name).lower()
        if key not in KEPT_HEADERS or key in kept:
            continue
        if key == "cookie":
            value = _meta_cookies(str(value))
            if not value:
                continue
        kept[key] = str(value)
    return kept


def _meta_cookies(cookie: str) -> str:
    parts = (p.strip() for p in cookie.split(";"))
    return "; ".join(p for p in parts if p.split("=", 1)[0].strip() in KEPT_COOKIES)
