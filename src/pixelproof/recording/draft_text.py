"""The draft map's YAML text, commented like the starter map (`config/starter.py`)."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING
from urllib.parse import urlsplit, urlunsplit

from pixelproof.recording.session import origin_of

if TYPE_CHECKING:
    from pixelproof.recording.draft import DraftEvent, Fired
    from pixelproof.recording.session import Recording

COMMENT_COLUMN = 37
PLAIN = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
YAML11_WORDS = frozenset({"y", "n", "yes", "no", "true", "false", "on", "off", "null"})


def q(text: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def yaml_key(text: str) -> str:
    plain = PLAIN.fullmatch(text) and text.lower() not in YAML11_WORDS
    return text if plain else q(text)


def role_of(index: int) -> str:
    return "main" if index == 0 else f"pixel{index + 1}"


def relative_target(url: str) -> str:
    """The URL without its origin (the map's `base_url`): `/path?query#fragment`."""
    parts = urlsplit(url)
    return urlunsplit(("", "", parts.path or "/", parts.query, parts.fragment))


def c(line: str, comment: str) -> str:
    """`line` with `# comment` aligned like the starter map's."""
    return f"{line.ljust(max(COMMENT_COLUMN, len(line) + 2))}# {comment}" if comment else line


def render(
    *,
    recording: Recording,
    command: str,
    pixels: Sequence[str],
    silent: Sequence[str],
    events: Sequence[DraftEvent],
    left_out: Sequence[tuple[str, str, int]],
    steps: Sequence[Sequence[Fired]],
) -> str:
    lines = [
        *_header(recording, command),
        *_environment(recording, pixels, silent),
        *_roles(pixels, events),
        *_events(events, left_out),
        *_journey(recording, steps),
    ]
    return "\n".join(lines) + "\n"


def _header(recording: Recording, command: str) -> list[str]:
    host = urlsplit(recording.url).hostname or "site"
    return [
        "# yaml-language-server: $schema=event-map.schema.json",
        "# A DRAFT pixelproof event map (format 1), recorded in one headless visit by:",
        f"#   {one_line(command)}",
        "# It says what the site fired, not what it should fire: review every line. For editor",
        "# completion write the schema next to it (pixelproof schema > event-map.schema.json);",
        "# check it with `pixelproof validate THIS_FILE`; reference: docs/event-map.md.",
        "version: 1",
        f"name: {q(host)}",
        "",
    ]


def _environment(recording: Recording, pixels: Sequence[str], silent: Sequence[str]) -> list[str]:
    listed = ", ".join(f"{role_of(i)}: {q(p)}" for i, p in enumerate(pixels))
    quiet = (
        [f"    # also initialised, fired nothing explicit: {', '.join(silent)}"] if silent else []
    )
    return [
        "environments:",
        c("  staging:", "the recorded site; add `production:` when ready"),
        f"    base_url: {q(origin_of(recording.url))}",
        c(f"    pixels: {{{listed}}}", "role → pixel ID, in order of first hit"),
        *quiet,
        c("    # capi: {sink: {listen: 127.0.0.1:4010}}", "when the backend sends CAPI"),
    ]


def _roles(pixels: Sequence[str], events: Sequence[DraftEvent]) -> list[str]:
    every = [e.key for e in events]
    lines = [c("pixels:", "roles; their IDs are per environment above")]
    for index, pixel in enumerate(pixels):
        received = [e.key for e in events if pixel in e.pixels]
        if received == every:
            lines.append(f'  {role_of(index)}: {{events: "*"}}')
        else:
            keys = ", ".join(yaml_key(k) for k in received)
            lines.append(c(f"  {role_of(index)}: {{events: [{keys}]}}", "what it received"))
    return [*lines, ""]


def _events(events: Sequence[DraftEvent], left_out: Sequence[tuple[str, str, int]]) -> list[str]:
    lines = [c("events:", "one key per event the site fired; `name` is Meta's")]
    for event in events:
        lines += _event(event)
    if left_out:
        lines.append("  # left out: fired by the Pixel itself, not by the site's code")
        lines += [
            f"  #   {yaml_key(name)}: {_hits(n)} ({trigger})" for name, trigger, n in left_out
        ]
    return [*lines, ""]


def _event(event: DraftEvent) -> list[str]:
    kind = "custom event" if event.custom else "standard event"
    lines = [c(f"  {yaml_key(event.key)}:", f"{kind}, {_hits(event.hits)}")]
    if event.key != event.name:
        lines.append(f"    name: {q(event.name)}")
    lines.append(c("    sources: [browser]", "add server when the backend sends it via CAPI"))
    if event.with_eid == event.hits:
        lines.append(c("    event_id: {required: [browser]}", "every hit carried an ID (eid)"))
    elif event.with_eid:
        lines.append(f"    # {event.with_eid} of {_hits(event.hits)} carried an event ID (eid)")
    if event.params:
        lines.append(c("    params:", "seen on the wire; optional until you require them"))
        lines += [_param(event, name, values) for name, values in event.params.items()]
    return lines


def _param(event: DraftEvent, name: str, values: Sequence[object]) -> str:
    line = f"      {yaml_key(name)}: {{type: {event.param_type(name)}, required: false}}"
    return c(line, f"in {len(values)} of {event.hits} hits")


def _journey(recording: Recording, steps: Sequence[Sequence[Fired]]) -> list[str]:
    lines = [
        "journeys:",
        c("  - name: recorded", "the recorded visit, replayed"),
        "    steps:",
        f"      - goto: {q(relative_target(recording.url))}",
        *_expect(steps[0], "after the page load"),
    ]
    for index, selector in enumerate(recording.clicks, start=1):
        lines.append(f"      - click: {q(selector)}")
        lines += _expect(steps[index], f"after click {index}")
    return lines


def _expect(fired: Sequence[Fired], when: str) -> list[str]:
    if not fired:
        return [f"      # nothing fired {when}"]
    if all(f.count == 1 for f in fired):
        return [f"      - expect: [{', '.join(yaml_key(f.key) for f in fired)}]"]
    entries = ", ".join(f"{yaml_key(f.key)}: {{count: {f.count}}}" for f in fired)
    return [c(f"      - expect: {{{entries}}}", "copies per pixel")]


def one_line(text: str) -> str:
    """Safe inside a YAML comment: no line breaks."""
    return text.replace("\r", "\\r").replace("\n", "\\n")


def _hits(n: int) -> str:
    return f"{n} hit" if n == 1 else f"{n} hits"
