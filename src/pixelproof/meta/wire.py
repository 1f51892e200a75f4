"""The one decoder for query strings and form bodies, shared by the Pixel and CAPI parsers.

Chrome's HAR `queryString` is raw and Playwright's is decoded (open question C19), so nothing
here trusts a pre-split form: URLs and bodies are always re-parsed from their text. Every
function is total — malformed input gives fewer fields and a problem, never an exception.
"""

from __future__ import annotations

import binascii
import hashlib
from collections.abc import Iterable, Mapping
from sys import intern
from urllib.parse import unquote, urlsplit

from python_multipart.exceptions import FormParserError
from python_multipart.multipart import MultipartParser, parse_options_header

MAX_BODY_BYTES = 10 * 1024 * 1024  # Meta's documented request limit; also our decode cap
MAX_FIELDS = 10_000
SHARED_VALUE_CHARS = 12
FAST_DECODE_CHARS = 256
MAX_PART_HEADERS = 16
TOKEN_FIELDS = frozenset({"access_token", "appsecret_proof"})

Pairs = tuple[tuple[str, str], ...]


def _unquote(text: str) -> str:
    if "+" in text:
        text = text.replace("+", " ")
    if "%" not in text:
        return text
    if len(text) > FAST_DECODE_CHARS and text.isascii() and not _qp_unsafe(text):
        # `%XX` → `=XX` and binascii's C quoted-printable decoder, ~20x faster than `unquote`
        # on the big `data` fields of CAPI forms. With no `=`, CR or LF in the text, every `=`
        # a2b_qp sees was a `%`, and it shortens the text by exactly 2 only for a valid `%XX`
        # (by 1 or 0 otherwise), so the length proves it decoded the same bytes as `unquote`.
        raw = binascii.a2b_qp(text.replace("%", "="))
        if len(raw) == len(text) - 2 * text.count("%"):
            return raw.decode("utf-8", "replace")
    return unquote(text, errors="replace")


def _qp_unsafe(text: str) -> bool:
    return "=" in text or "\n" in text or "\r" in text


def decode_pairs(text: str) -> Pairs:
    """`a=1&cd%5Bx%5D=2` → (("a", "1"), ("cd[x]", "2")); names and values decoded, `+` = space.

    The semantics of `urllib.parse.parse_qsl(keep_blank_values=True, errors="replace")`, with a
    fast path for pieces that need no decoding (most Pixel parameters).
    """
    pieces = text.split("&")
    if len(pieces) > MAX_FIELDS:
        pieces = [p for p in pieces if p][:MAX_FIELDS]
    pairs: list[tuple[str, str]] = []
    seen = _PIECES
    for piece in pieces:
        pair = seen.get(piece)
        if pair is None:
            if not piece:
                continue
            pair = _pair(piece)
        pairs.append(pair)
    return tuple(pairs)


# Most Pixel parameters repeat verbatim on every hit (`v=2.9.252`, `cd[currency]=USD`, `rqm=GET`):
# their decoded pairs are kept, and a repeat is one dict lookup (3x faster on the offline bench).
_PIECES: dict[str, tuple[str, str]] = {}
PIECE_CACHE_SIZE = 4096  # cleared when full, so it follows what the input repeats
_NAMES: dict[str, str] = {}  # raw parameter name → decoded, shared; bounded
NAME_CACHE_SIZE = 4096
NAME_CACHE_CHARS = 64


def _pair(piece: str) -> tuple[str, str]:
    raw, _, value = piece.partition("=")
    if "%" in value or "+" in value:
        value = _unquote(value)
    name = _NAMES.get(raw) or _name(raw)
    if len(value) <= SHARED_VALUE_CHARS:
        # Names and short values repeat on every hit: one shared string each saves memory at 1M.
        value = intern(value)
        if len(raw) <= NAME_CACHE_CHARS:
            if len(_PIECES) >= PIECE_CACHE_SIZE:
                _PIECES.clear()
            _PIECES[piece] = (name, value)
    return name, value


def _name(raw: str) -> str:
    name = intern(_unquote(raw))
    if len(raw) <= NAME_CACHE_CHARS and len(_NAMES) < NAME_CACHE_SIZE:
        _NAMES[raw] = name
    return name


def decode_bytes_pairs(body: bytes) -> Pairs:
    return decode_pairs(body.decode("utf-8", "replace"))


def query_of(url: str) -> str:
    """The raw query string of `url` ('' when it has none or cannot be split)."""
    cut = _plain_cut(url)
    if cut is not None:
        return url[cut[1] + 1 : cut[2]]
    try:
        return urlsplit(url).query
    except ValueError:
        return url.partition("?")[2].partition("#")[0]


def path_of(url: str) -> str:
    cut = _plain_cut(url)
    if cut is not None:
        return url[cut[0] : cut[1]]
    try:
        return urlsplit(url).path
    except ValueError:
        return url.partition("?")[0]


def _plain_cut(url: str) -> tuple[int, int, int] | None:
    """Where the path starts, the `?` (or the end of the path) and the `#` (or the end) of a
    plain ASCII http(s) URL, cut where `urlsplit` cuts it, in a tenth of its time; None for
    anything else (`urlsplit` then decides)."""
    start = 8 if url.startswith("https://") else 7 if url.startswith("http://") else 0
    if not start or not url.isascii() or "\t" in url or "\r" in url or "\n" in url:
        return None
    end = len(url)
    for delim in "/?#":
        at = url.find(delim, start, end)
        if at >= 0:
            end = at
    if "[" in url[start:end] or "]" in url[start:end]:
        return None  # IPv6 hosts: urlsplit validates them
    fragment = url.find("#", end)
    fragment = len(url) if fragment < 0 else fragment
    query = url.find("?", end, fragment)
    return end, (fragment if query < 0 else query), fragment


def media_type(content_type: str | None) -> tuple[str, dict[str, str]]:
    """('multipart/form-data', {'boundary': 'x'}) from a Content-Type header; total."""
    if not content_type:
        return "", {}
    try:
        value, options = parse_options_header(content_type)
    except (ValueError, UnicodeError):  # pragma: no cover - defensive
        return content_type.split(";")[0].strip().lower(), {}
    params = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in options.items()}
    return value.decode("latin-1").strip().lower(), params


class _Collector:
    """Callbacks for python-multipart that keep form fields (name, text) with limits."""

    def __init__(self) -> None:
        self.fields: list[tuple[str, str]] = []
        self.problems: list[str] = []
        self._header_name = b""
        self._header_value = b""
        self._name: str | None = None
        self._data = bytearray()

    def header_field(self, data: bytes, start: int, end: int) -> None:
        self._header_name += data[start:end]

    def header_value(self, data: bytes, start: int, end: int) -> None:
        self._header_value += data[start:end]

    def header_end(self) -> None:
        if self._header_name.strip().lower() == b"content-disposition":
            _, options = parse_options_header(self._header_value)
            raw = options.get(b"name")
            self._name = raw.decode("utf-8", "replace") if raw is not None else None
        self._header_name = b""
        self._header_value = b""

    def part_begin(self) -> None:
        self._name = None
        self._data = bytearray()

    def part_data(self, data: bytes, start: int, end: int) -> None:
        self._data += data[start:end]

    def part_end(self) -> None:
        if self._name is None:
            self.problems.append("multipart part without a field name (ignored)")
        elif len(self.fields) < MAX_FIELDS:
            self.fields.append((self._name, bytes(self._data).decode("utf-8", "replace")))


def decode_multipart(body: bytes, boundary: str | None) -> tuple[Pairs, tuple[str, ...]]:
    """Form fields of a multipart/form-data body, plus why parts could not be read."""
    if not boundary:
        return (), ("multipart body without a boundary parameter",)
    c = _Collector()
    callbacks = {
        "on_part_begin": c.part_begin,
        "on_part_data": c.part_data,
        "on_part_end": c.part_end,
        "on_header_field": c.header_field,
        "on_header_value": c.header_value,
        "on_header_end": c.header_end,
    }
    try:
        parser = MultipartParser(
            boundary,
            callbacks,  # type: ignore[arg-type]
            MAX_BODY_BYTES,
            max_header_count=MAX_PART_HEADERS,
        )
        parser.write(body)
        parser.finalize()
    except (FormParserError, ValueError, UnicodeError) as exc:
        c.problems.append(f"malformed multipart body: {exc}")
    return tuple(c.fields), tuple(c.problems)


def decode_form(body: bytes, content_type: str | None) -> tuple[Pairs, tuple[str, ...]]:
    """Fields of a url-encoded or multipart body; other media types give no fields."""
    media, params = media_type(content_type)
    if media == "multipart/form-data":
        return decode_multipart(body, params.get("boundary"))
    return decode_bytes_pairs(body), ()


def token_fp(token: str) -> str:
    """A short, stable fingerprint of a secret: first 8 hex of its SHA-256."""
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()[:8]


def first_token(values: Iterable[tuple[str, object]]) -> str | None:
    for name, value in values:
        if name == "access_token" and isinstance(value, str) and value:
            return value
    return None


def strip_token_pairs(text: str) -> tuple[str, str | None]:
    """Drop `access_token`/`appsecret_proof` pairs from a query or url-encoded body, keeping
    every other byte as it was; returns the text and the token's fingerprint."""
    kept: list[str] = []
    token: str | None = None
    for piece in text.split("&"):
        name, _, value = piece.partition("=")
        decoded = decode_pairs(f"{name}=")
        key = decoded[0][0] if decoded else name
        if key in TOKEN_FIELDS:
            if key == "access_token" and token is None:
                token = (decode_pairs(f"t={value}") or (("t", value),))[0][1]
            continue
        kept.append(piece)
    return "&".join(kept), (token_fp(token) if token else None)


def strip_token_mapping(fields: Mapping[str, object]) -> tuple[dict[str, object], str | None]:
    token = fields.get("access_token")
    kept = {k: v for k, v in fields.items() if k not in TOKEN_FIELDS}
    return kept, (token_fp(token) if isinstance(token, str) and token else None)
