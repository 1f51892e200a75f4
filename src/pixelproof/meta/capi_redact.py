"""Strip `access_token`/`appsecret_proof` from CAPI bodies before anything is stored.

Forms keep every other byte; a JSON body is re-serialised only when it carried a token field.
A short fingerprint (`token_fp`, 8 hex of SHA-256) of the token is returned instead.
"""

from __future__ import annotations

import re

import orjson

from pixelproof.meta import wire

_MULTIPART_NAME = re.compile(rb'name="?(access_token|appsecret_proof)"?[;\s\r\n]', re.IGNORECASE)


def _redact_multipart(body: bytes, boundary: str) -> tuple[bytes, str | None]:
    delimiter = b"--" + boundary.encode("latin-1", "replace")
    chunks = body.split(delimiter)
    kept: list[bytes] = []
    token: str | None = None
    for chunk in chunks:
        head, _, rest = chunk.partition(b"\r\n\r\n")
        match = _MULTIPART_NAME.search(head + b"\n")
        if match is None:
            kept.append(chunk)
            continue
        if match.group(1).lower() == b"access_token" and token is None:
            token = rest.rsplit(b"\r\n", 1)[0].decode("utf-8", "replace")
    return delimiter.join(kept), (wire.token_fp(token) if token else None)


def _redact_json(body: bytes) -> tuple[bytes, str | None]:
    if b"access_token" not in body and b"appsecret_proof" not in body:
        return body, None
    try:
        parsed = orjson.loads(body)
    except orjson.JSONDecodeError:
        return _scrub_unparsed(body)
    if not isinstance(parsed, dict):
        return body, None
    kept, fp = wire.strip_token_mapping(parsed)
    return orjson.dumps(kept), fp


_LOOSE = re.compile(rb'("?(?:access_token|appsecret_proof)"?\s*[:=]\s*"?)([^"&\s,}]*)')


def _scrub_unparsed(body: bytes) -> tuple[bytes, str | None]:
    """A body we cannot parse but that names a token field: blank the values in place."""
    match = _LOOSE.search(body)
    token = match.group(2).decode("utf-8", "replace") if match else ""
    scrubbed = _LOOSE.sub(lambda m: m.group(1) + b"<redacted>", body)
    return scrubbed, (wire.token_fp(token) if token else None)


def redact_body(body: bytes, content_type: str | None) -> tuple[bytes, str | None]:
    """The body as it may be stored, and the fingerprint of the token it carried (if any)."""
    media, params = wire.media_type(content_type)
    if media == "multipart/form-data" and params.get("boundary"):
        return _redact_multipart(body, params["boundary"])
    if media == "application/x-www-form-urlencoded":
        text, fp = wire.strip_token_pairs(body.decode("utf-8", "surrogateescape"))
        return text.encode("utf-8", "surrogateescape"), fp
    if body.lstrip()[:1] in (b"{", b"["):
        return _redact_json(body)
    if b"access_token" in body or b"appsecret_proof" in body:
        return _scrub_unparsed(body)
    return body, None
