"""`docs/rules.md` and `pixelproof explain`, generated from the rule modules' docstrings.

Regenerate with `make docs` (`python -m pixelproof.checks.docs > docs/rules.md`); a test fails
when the committed file drifts.
"""

from __future__ import annotations

from pixelproof.checks import REGISTRY
from pixelproof.checks.base import Check


def _needs(check: Check) -> str:
    joiner = " or " if check.any_need else ", "
    return joiner.join(sorted(check.needs)) or "—"


def explain_text(check: Check) -> str:
    """One rule's documentation as plain text (what `explain` prints)."""
    severities = " / ".join(s.value for s in check.emits)
    head = f"{check.code} {check.name} ({severities}; needs {_needs(check)})"
    extra = f"\nSuppresses: {', '.join(check.suppresses)}" if check.suppresses else ""
    return f"{head}\n\n{check.doc.strip()}\n{extra}".rstrip() + "\n"


def render_rules_md() -> str:
    """The whole rules reference as Markdown: a table, then one section per rule."""
    lines = [
        "# Rules",
        "",
        "Generated from the rule modules' docstrings by `make docs`; do not edit by hand.",
        "",
        "| code | name | severity | needs |",
        "|---|---|---|---|",
    ]
    for c in REGISTRY:
        severities = " / ".join(s.value for s in c.emits)
        lines.append(f"| [{c.code}](#{c.code.lower()}) | {c.name} | {severities} | {_needs(c)} |")
    for c in REGISTRY:
        lines += ["", f"## {c.code}", "", f"**{c.name}**", "", c.doc.strip()]
        if c.suppresses:
            lines += ["", f"Suppresses: {', '.join(c.suppresses)}."]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(render_rules_md(), end="")
