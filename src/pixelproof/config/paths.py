"""Paths into the map, written the way messages print them: `journeys[0].steps[3].click`."""

from __future__ import annotations

import json
import re

Key = str | int
PathKey = tuple[Key, ...]

_PLAIN = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")
_TOKEN = re.compile(r'\.?([A-Za-z_][A-Za-z0-9_-]*)|\[(\d+)\]|\["((?:[^"\\]|\\.)*)"\]')


def render_path(path: PathKey) -> str:
    """`("journeys", 0, "steps", 3)` → `journeys[0].steps[3]`; odd keys as `["#email"]`."""
    out: list[str] = []
    for part in path:
        if isinstance(part, int):
            out.append(f"[{part}]")
        elif _PLAIN.match(part):
            out.append(f".{part}" if out else part)
        else:
            out.append(f"[{json.dumps(part)}]")
    return "".join(out)


def parse_path(text: str) -> PathKey | None:
    """The inverse of `render_path`; None when `text` is not a path."""
    parts: list[Key] = []
    pos = 0
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if match is None or match.end() == pos:
            return None
        name, index, quoted = match.groups()
        if name is not None:
            parts.append(name)
        elif index is not None:
            parts.append(int(index))
        else:
            parts.append(json.loads(f'"{quoted}"'))
        pos = match.end()
    return tuple(parts)
