"""Redaction of PII and secrets in everything a run writes (DESIGN §13 "Small things").

Secrets (access tokens, app secrets, sink tokens, passwords, header values) are always
replaced. PII — raw emails, persona values (also URL-encoded, inside `url` and `excerpt`) —
is replaced with `<redacted:KEY>` unless `--keep-pii`. SHA-256 hashes are kept: they are what
Meta receives and what the privacy rules judge.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import quote, quote_plus

from pixelproof.result import AuditResult
from pixelproof.result_json import build, to_data

EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}")
SECRET_MARK = "<redacted:secret>"


def _variants(value: str) -> set[str]:
    """The forms a value takes on the wire: raw, lower-cased, URL-encoded both ways."""
    forms = {value, value.lower(), quote(value, safe=""), quote_plus(value)}
    return {f for f in forms if len(f) >= 4}


@dataclass(frozen=True, slots=True)
class Redactor:
    """Replaces secrets always and PII unless `keep_pii`; longest matches first."""

    pii: Mapping[str, str] | Sequence[tuple[str, str]]  # label → value (labels may repeat)
    secrets: tuple[str, ...]
    keep_pii: bool = False

    def _table(self) -> list[tuple[str, str]]:
        table = [(v, SECRET_MARK) for s in self.secrets for v in _variants(s)]
        if not self.keep_pii:
            pairs = self.pii.items() if isinstance(self.pii, Mapping) else self.pii
            table += [(v, f"<redacted:{k}>") for k, raw in pairs for v in _variants(raw)]
        return sorted(table, key=lambda pair: -len(pair[0]))

    def text(self, value: str) -> str:
        return str(_walk(value, self._table(), not self.keep_pii))

    def data(self, value: object) -> object:
        return _walk(value, self._table(), not self.keep_pii)

    def result(self, result: AuditResult) -> AuditResult:
        return build(AuditResult, self.data(to_data(result)))


def _walk(value: object, table: list[tuple[str, str]], emails: bool) -> object:
    if isinstance(value, str):
        for needle, mark in table:
            if needle in value:
                value = value.replace(needle, mark)
        return EMAIL.sub("<redacted:email>", value) if emails else value
    if isinstance(value, list):
        return [_walk(v, table, emails) for v in value]
    if isinstance(value, dict):
        return {_walk(k, table, emails): _walk(v, table, emails) for k, v in value.items()}
    return value


def scan_secrets(text: str, secrets: Iterable[str]) -> list[str]:
    """Every secret (in any wire form) that occurs in `text`; used by tests and `doctor`."""
    return sorted({s for s in secrets if s and any(v in text for v in _variants(s))})
