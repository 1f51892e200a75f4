"""Journey steps: a tagged union keyed by the step's one action key, plus its modifiers.

`{clik: "#pay"}` must be one error (`unknown step 'clik'; did you mean 'click'?`), so the
union is chosen by a callable discriminator and never tried member by member.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Annotated, Any, Self

from pydantic import BeforeValidator, Discriminator, Field, Tag, model_validator

from pixelproof.config.fields import (
    Duration,
    EventRef,
    NonEmpty,
    Source,
    Sources,
    Strict,
    Text,
    fail,
)

ACTIONS = (
    "goto",
    "click",
    "fill",
    "select",
    "check",
    "uncheck",
    "press",
    "hover",
    "scroll",
    "reload",
    "back",
    "wait",
    "script",
    "screenshot",
    "expect",
    "expect_none",
)
MODIFIERS = ("id", "frame", "optional", "timeout", "repeat")
# Steps that may make the page fire events; an `expect` should follow them (DESIGN §4 notes).
FIRING = frozenset({"goto", "click", "press", "reload", "back", "script", "select", "check"})
WATCHING = frozenset({"expect", "expect_none"})


class StepBase(Strict):
    """Modifiers any step may carry."""

    id: Annotated[Text, Field(pattern=r"^[A-Za-z0-9_.-]+$")] | None = None
    frame: NonEmpty | None = Field(None, description="CSS selector of the iframe to act in")
    optional: bool = Field(False, description="a failure is recorded, the journey goes on")
    timeout: Duration | None = None
    repeat: Annotated[int, Field(ge=1)] = 1

    @property
    def action(self) -> str:
        """The step's action key (`click`, `expect`, …)."""
        return str(self.model_config.get("title"))

    def target(self) -> str:
        """A short text naming what the step acts on, for step keys."""
        value = getattr(self, self.action)
        if isinstance(value, str):
            return value
        if isinstance(value, dict):
            return ",".join(str(k) for k in value)
        return ""


class Goto(StepBase, title="goto"):
    goto: NonEmpty = Field(description="a path on base_url or an absolute URL")


class Click(StepBase, title="click"):
    click: NonEmpty


class Fill(StepBase, title="fill"):
    fill: dict[str, Text] = Field(min_length=1, description="selector → text to type")


class Select(StepBase, title="select"):
    select: dict[str, Text | list[Text]] = Field(min_length=1, description="selector → option(s)")


class Check(StepBase, title="check"):
    check: NonEmpty


class Uncheck(StepBase, title="uncheck"):
    uncheck: NonEmpty


class Press(StepBase, title="press"):
    press: NonEmpty | dict[str, Text] = Field(description="a key, or selector → key")


class Hover(StepBase, title="hover"):
    hover: NonEmpty


class Scroll(StepBase, title="scroll"):
    scroll: NonEmpty = Field(description="a selector to scroll into view, or top / bottom")


class Empty(Strict):
    """No arguments."""


class Reload(StepBase, title="reload"):
    reload: Empty | None = None


class Back(StepBase, title="back"):
    back: Empty | None = None


class WaitFor(Strict):
    """Exactly one thing to wait for."""

    duration: Duration | None = None
    selector: NonEmpty | None = None
    url: NonEmpty | None = Field(None, description="glob the page URL must match")
    request: NonEmpty | None = Field(None, description="glob of a request the page must make")

    @model_validator(mode="after")
    def _one(self) -> Self:
        if len(self.model_fields_set) != 1:
            fail("wait", "wait for exactly one of duration, selector, url, request")
        return self


def _wait_short(value: object) -> object:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return {"duration": value}
    if isinstance(value, str):
        head = value.strip()[:1]
        return {"duration": value} if head.isdigit() else {"selector": value}
    return value


WaitSpec = Annotated[
    WaitFor, BeforeValidator(_wait_short, json_schema_input_type=WaitFor | float | str)
]


class Wait(StepBase, title="wait"):
    wait: WaitSpec


class ScriptFile(Strict):
    file: NonEmpty


class Script(StepBase, title="script"):
    script: NonEmpty | ScriptFile = Field(description="JavaScript to run, or {file: path}")


class Screenshot(StepBase, title="screenshot"):
    screenshot: Text | None = Field(None, description="file name (default: the step key)")


class Within(Strict):
    """Per-source waiting time of an expectation."""

    browser: Duration | None = None
    server: Duration | None = None


def _within_short(value: object) -> object:
    return (
        value if isinstance(value, dict) or value is None else {"browser": value, "server": value}
    )


WithinSpec = Annotated[
    Within, BeforeValidator(_within_short, json_schema_input_type=Within | float | str)
]


class Expectation(Strict):
    """What must arrive for one event key: `count` per pixel, from `sources`."""

    count: Annotated[int, Field(ge=0)] = 1
    params: dict[str, Any] = Field(default_factory=dict, description="values to assert")
    sources: Sources | None = Field(None, description="default: the event's sources")
    within: WithinSpec | None = None


def _expect_short(value: object) -> object:
    """`A` / `[A, {B: {…}}]` / `{A: {…}}` → `{A: {}, B: {…}}`."""
    if isinstance(value, str):
        return {value: {}}
    if not isinstance(value, list):
        return value
    out: dict[Any, Any] = {}
    for item in value:
        if isinstance(item, str):
            out[item] = {}
        elif isinstance(item, dict):
            out.update(item)
        else:
            fail("expect", "an expect item is an event key or {KEY: {count, params, …}}")
    return out


_ExpectInput = str | list[str | dict[str, Expectation | None]] | dict[str, Expectation | None]


def _nulls(value: object) -> object:
    value = _expect_short(value)
    if isinstance(value, dict):
        return {k: {} if v is None else v for k, v in value.items()}
    return value


ExpectSpec = Annotated[
    dict[EventRef, Expectation],
    BeforeValidator(_nulls, json_schema_input_type=_ExpectInput),
    Field(min_length=1),
]


class Expect(StepBase, title="expect"):
    expect: ExpectSpec


class ExpectNone(StepBase, title="expect_none"):
    expect_none: ExpectSpec

    @model_validator(mode="after")
    def _zero(self) -> Self:
        for key, entry in self.expect_none.items():
            if "count" in entry.model_fields_set and entry.count != 0:
                fail("expect", f"expect_none.{key}: count must be 0", "use expect for a count")
        zero = {k: v.model_copy(update={"count": 0}) for k, v in self.expect_none.items()}
        object.__setattr__(self, "expect_none", zero)
        return self


def step_tag(value: Any) -> str | None:
    """The step's one action key; None (→ an 'unknown step' error) otherwise."""
    if not isinstance(value, dict):
        return None
    actions = [k for k in value if k in ACTIONS]
    return actions[0] if len(actions) == 1 else None


Step = Annotated[
    Annotated[Goto, Tag("goto")]
    | Annotated[Click, Tag("click")]
    | Annotated[Fill, Tag("fill")]
    | Annotated[Select, Tag("select")]
    | Annotated[Check, Tag("check")]
    | Annotated[Uncheck, Tag("uncheck")]
    | Annotated[Press, Tag("press")]
    | Annotated[Hover, Tag("hover")]
    | Annotated[Scroll, Tag("scroll")]
    | Annotated[Reload, Tag("reload")]
    | Annotated[Back, Tag("back")]
    | Annotated[Wait, Tag("wait")]
    | Annotated[Script, Tag("script")]
    | Annotated[Screenshot, Tag("screenshot")]
    | Annotated[Expect, Tag("expect")]
    | Annotated[ExpectNone, Tag("expect_none")],
    Discriminator(step_tag, custom_error_type="unknown_step", custom_error_message="not a step"),
]


def step_keys(steps: Sequence[StepBase]) -> list[str]:
    """Each step's stable key: its `id`, else action and target plus occurrence (`click #pay#1`)."""
    seen: Counter[str] = Counter()
    keys: list[str] = []
    for step in steps:
        if step.id is not None:
            keys.append(step.id)
            continue
        text = f"{step.action} {step.target()}".strip()
        seen[text] += 1
        keys.append(f"{text}#{seen[text]}")
    return keys


def step_sources(entry: Expectation, declared: Sequence[Source]) -> list[Source]:
    """The sources an expectation watches: its own, else the event's declared ones."""
    return list(entry.sources) if entry.sources is not None else list(declared)


__all__ = ["ACTIONS", "MODIFIERS", "Step", "StepBase", "step_keys", "step_tag"]
