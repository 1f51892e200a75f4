"""YAML syntax errors as located problems, with the fix a newcomer needs.

An unquoted `${X}` inside a flow collection (`{token: ${X}}`) is a YAML syntax error; it is
reported, masked in a private copy of the text by a same-length plain scalar, and reading
goes on, so one run reports every such template and everything else in the map.
"""

from __future__ import annotations

import re

import yaml

from pixelproof.errors import Location, Problem

MASK = "\u2063"  # invisible separator: a printable YAML character nobody types
# `${NAME}`, `${NAME:-default}`, or an unterminated `${NAME` cut where flow syntax begins
_TEMPLATE = re.compile(r"\$\{[^}\s,\[\]{]*\}?")


def _template_at(line: str, start: int) -> str:
    match = _TEMPLATE.match(line, start)
    return match.group(0) if match else ""


def mask_template(text: str, exc: yaml.MarkedYAMLError, masks: dict[str, str]) -> str | None:
    """Mask the `${X}` the error is about with a same-length plain scalar; None if it is not.

    Same length, so every later line:column stays true; `_scalar` puts the template back.
    """
    mark = exc.problem_mark
    lines = text.split("\n")
    if mark is None or mark.line >= len(lines) or "flow" not in (exc.context or ""):
        return None
    line = lines[mark.line]
    start = line.rfind("${", 0, mark.column + 1)
    if start < 0:
        return None
    template = _template_at(line, start)
    end = start + len(template)
    mask = f"{MASK}{len(masks)}".ljust(len(template), MASK)
    if len(mask) != len(template):
        return None
    masks[mask] = template
    lines[mark.line] = line[:start] + mask + line[end:]
    return "\n".join(lines)


def reader_location(exc: yaml.YAMLError, text: str, file: str) -> Location:
    position = getattr(exc, "position", None)
    if not isinstance(position, int):
        return Location(file, 1, 1)
    before = text[:position]
    return Location(file, before.count("\n") + 1, position - (before.rfind("\n") + 1) + 1)


def syntax_problem(exc: yaml.MarkedYAMLError, text: str, file: str) -> Problem:
    """A YAML syntax error, with the fix a newcomer needs (templates, tabs)."""
    mark = exc.problem_mark or exc.context_mark
    where = Location(file, mark.line + 1, mark.column + 1) if mark else Location(file, 1, 1)
    problem = (exc.problem or "invalid YAML").strip()
    line = text.splitlines()[mark.line] if mark and mark.line < len(text.splitlines()) else ""
    hint = "check the indentation and quoting around here"
    context = (exc.context or "").strip()
    col = line.rfind("${", 0, (mark.column + 1) if mark else 0)
    if col >= 0 and ("flow" in context or "flow" in problem):
        where = Location(file, where.line, col + 1)
        template = _template_at(line, col)
        if template.endswith("}"):
            problem = f"unquoted template {template} inside a {{…}} or […] flow collection"
            hint = (
                f'quote it: "{_whole_value(line, col, template)}" (YAML reads {{ }} as structure)'
            )
        else:
            problem = f"unterminated template {template} (no closing }}) inside a flow collection"
            hint = f'close and quote it: "{template}}}"'
    elif "\t" in line[: (mark.column + 1) if mark else 0]:
        hint = "indent with spaces; YAML forbids tabs"
    elif context.startswith("while parsing") and exc.context_mark is not None:
        start = exc.context_mark
        what = context.removeprefix("while parsing ")
        problem = f"{problem} (in {what} that starts at line {start.line + 1})"
    return Problem(where, "", f"YAML syntax error: {problem}", hint)


def _whole_value(line: str, col: int, template: str) -> str:
    """The plain scalar around a template (`https://${HOST}/x`), to quote as a whole."""
    start = col
    while start > 0 and line[start - 1] not in " ,[{":
        start -= 1
    end = col + len(template)
    while end < len(line) and line[end] not in ",]}":
        end += 1
    return line[start:end].rstrip().replace(MASK, "")
