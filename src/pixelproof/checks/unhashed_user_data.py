"""A `user_data` value that must be hashed is not a lower-case SHA-256 hex digest.

Error for `em`, `ph`, `fn`, `ln`, `db`; warning for `ct`, `st`, `zp`, `country`, `ge`; info for
`external_id` (hashing recommended; the official Python SDK sends it raw). Upper-case hex is a
warning. Judged on server `user_data` and on the Pixel's `ud[…]`/`udff[…]`.

**Why:** Meta refuses unhashed contact information, and sending it puts raw personal data into
a third party's logs — a privacy incident, not just a data-quality issue. Upper-case hex is a
different string from what Meta computes, so it matches nobody.

**Fix:** normalise as Meta documents, then SHA-256 and hex-encode in lower case (the official
SDKs do it for you); never hash `client_ip_address`, `client_user_agent`, `fbp` or `fbc`.

**Example:** `"em": ["jane@example.com"]`: PR001 (error). `"external_id": "cust-42"` from the
official Python SDK: PR001 (info).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from pixelproof.checks.base import Check, CheckContext, Draft, Need
from pixelproof.meta import hashing
from pixelproof.meta.event import ObservedEvent
from pixelproof.meta.standard import HASHED_KEYS, KeyClass
from pixelproof.result import Severity
from pixelproof.rulekit.drafts import Drafter, label, texts

SEVERITY = {
    KeyClass.HASH_REQUIRED: Severity.ERROR,
    KeyClass.HASH_EXPECTED: Severity.WARNING,
    KeyClass.HASH_RECOMMENDED: Severity.INFO,
}


def problem(value: str) -> str | None:
    if hashing.is_sha256(value):
        return None
    if hashing.looks_sha256(value):
        return "is upper-case hex; Meta expects lower case"
    if hashing.looks_md5(value):
        return "looks like MD5; Meta expects SHA-256"
    return "is not hashed"


def _groups(event: ObservedEvent) -> Iterator[tuple[str, Mapping[str, object]]]:
    yield ("ud" if event.channel == "pixel" else "user_data"), event.user_data
    if event.user_data_auto:
        yield "udff", event.user_data_auto


def run(ctx: CheckContext) -> Iterator[Draft]:
    draft = Drafter(ctx)
    for event in ctx.events:
        for group, values in _groups(event):
            for key, value in values.items():
                kind = HASHED_KEYS.get(key)
                if kind is None:
                    continue
                for text in texts(value):
                    why = problem(text)
                    if why is None:
                        continue
                    severity = SEVERITY[kind]
                    if why.startswith("is upper") and severity is Severity.ERROR:
                        severity = Severity.WARNING
                    yield draft(
                        event,
                        f"{label(event)}: {group}.{key} {why}",
                        severity=severity,
                        hint="normalise, then SHA-256 as lower-case hex",
                        subject=key,
                        cause="unhashed-user-data",
                    )
                    break


CHECK = Check(
    code="PR001",
    name="unhashed-user-data",
    severity=Severity.ERROR,
    severities=(Severity.ERROR, Severity.WARNING, Severity.INFO),
    needs=frozenset({Need.BROWSER, Need.SERVER}),
    any_need=True,
    run=run,
    doc=__doc__ or "",
)
