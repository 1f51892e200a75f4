"""HAR files (Chrome DevTools or Playwright) → browser evidence, streamed with ijson.

Kept: Pixel `/tr` and privacy-sandbox hits, Graph `/events` calls made by the page, requests to
extra URLs the caller names (server containers), as `browser_request`; Meta script loads as
`script_load`. Everything else is counted and dropped. Nothing is taken from `queryString` or
`postData.params` (Chrome's are raw, Playwright's decoded — open question C19): the URL and
`postData.text` are kept as they are and decoded later by the one decoder.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from urllib.parse import quote

import ijson

from pixelproof.errors import InputError
from pixelproof.evidence.model import BrowserHit, Record, ScriptLoadRecord, keep_headers
from pixelproof.evidence.sources.times import epoch_of
from pixelproof.evidence.store import scrub
from pixelproof.meta import wire
from pixelproof.meta.pixel import hit_kind

SNIFF_BYTES = 4096
SCRIPT_HOSTS = ("connect.facebook.net",)


def _host(url: str) -> str:
    rest = url.partition("://")[2]
    return rest.split("/", 1)[0].rsplit("@", 1)[-1].split(":", 1)[0].lower()


def is_graph_events(url: str) -> bool:
    return _host(url).endswith("facebook.com") and wire.path_of(url).rstrip("/").endswith("/events")


def _headers(raw: object) -> dict[str, str]:
    if not isinstance(raw, list):
        return {}
    pairs = [(str(h.get("name", "")), str(h.get("value", ""))) for h in raw if isinstance(h, dict)]
    return keep_headers(pairs)


def _body(request: Mapping[str, object], headers: dict[str, str]) -> tuple[str | None, list[str]]:
    post = request.get("postData")
    if not isinstance(post, dict):
        return None, []
    mime = post.get("mimeType")
    if isinstance(mime, str) and mime and "content-type" not in headers:
        headers["content-type"] = mime
    text = post.get("text")
    if isinstance(text, str) and text:
        return text, []
    params = post.get("params")
    if isinstance(params, list) and params:
        # Only Playwright leaves `text` empty (record_har_content="omit"); its params are decoded.
        pieces = [
            f"{quote(str(p.get('name', '')), safe='[]')}={quote(str(p.get('value', '')))}"
            for p in params
            if isinstance(p, dict)
        ]
        return "&".join(pieces), ["postData.text empty: body rebuilt from postData.params"]
    return None, ["request body not recorded in the HAR (postData.text empty)"]


class HarSource:
    """Streams one HAR file; `problems` and `entries` are complete once `records()` ends."""

    name = "har"

    def __init__(
        self, path: Path, *, start_seq: int = 1, keep: Callable[[str], bool] | None = None
    ) -> None:
        self.path = path
        self.start_seq = start_seq
        self.keep = keep
        self.problems: list[str] = []
        self.entries = 0
        self.kept = 0
        self.truncated = False

    def _sniff(self) -> None:
        try:
            with self.path.open("rb") as handle:
                head = handle.read(SNIFF_BYTES).lstrip(b"\xef\xbb\xbf \t\r\n")
        except OSError as exc:
            raise InputError(f"{self.path}: cannot read HAR: {exc.strerror}") from exc
        if not head.startswith(b"{"):
            raise InputError(
                f"{self.path}: not a HAR file (not a JSON object)",
                hint="export it from DevTools (Network → Save all as HAR) or Playwright",
            )

    def records(self) -> Iterator[Record]:
        """Kept requests as evidence records, in file (capture) order."""
        self._sniff()
        with self.path.open("rb") as handle:
            try:
                for entry in ijson.items(handle, "log.entries.item", use_float=True):
                    self.entries += 1
                    record = self._record(entry, self.entries - 1)
                    if record is not None:
                        self.kept += 1
                        yield record
            except (ijson.JSONError, ValueError, UnicodeDecodeError) as exc:
                self.truncated = True
                self.problems.append(
                    f"{self.path}: malformed or truncated after entry {self.entries}: {exc}"
                )
        if self.entries == 0 and not self.truncated:
            self._require_log()

    def _require_log(self) -> None:
        with self.path.open("rb") as handle:
            try:
                keys = {key for key, _ in ijson.kvitems(handle, "")}
            except (ijson.JSONError, ValueError, UnicodeDecodeError):
                keys = set()
        if "log" not in keys:
            raise InputError(f"{self.path}: not a HAR file (no log.entries)")

    def _record(self, entry: object, index: int) -> Record | None:
        where = f"{self.path.name}:entries[{index}]"
        request = entry.get("request") if isinstance(entry, dict) else None
        url = request.get("url") if isinstance(request, dict) else None
        if not isinstance(request, dict) or not isinstance(url, str):
            self.problems.append(f"{where}: no request.url (skipped)")
            return None
        assert isinstance(entry, dict)
        seq = self.start_seq + self.kept
        time, why = epoch_of(entry.get("startedDateTime"))
        problems = [f"startedDateTime: {why}"] if why else []
        if _host(url) in SCRIPT_HOSTS:
            return ScriptLoadRecord(
                seq=seq, time=time, url=url, status=_status(entry), document=_pageref(entry)
            )
        if not (hit_kind(url) or is_graph_events(url) or (self.keep and self.keep(url))):
            return None
        headers = _headers(request.get("headers"))
        body, more = _body(request, headers)
        method = request.get("method")
        hit = BrowserHit(
            seq=seq,
            time=time,
            method=method.upper() if isinstance(method, str) and method else "GET",
            url=url,
            headers=headers,
            body=body,
            resource_type=_text(entry.get("_resourceType")),
            document=_pageref(entry),
            status=_status(entry),
            source="har",
            origin=where,
            problems=tuple(problems + more),
        )
        return scrub(hit)


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _pageref(entry: Mapping[str, object]) -> str | None:
    return _text(entry.get("pageref"))


def _status(entry: Mapping[str, object]) -> int | None:
    response = entry.get("response")
    status = response.get("status") if isinstance(response, dict) else None
    if isinstance(status, float) and status.is_integer():
        return int(status)
    return status if isinstance(status, int) and not isinstance(status, bool) else None
