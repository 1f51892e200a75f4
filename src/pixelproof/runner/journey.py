"""One journey: its context, consent, steps, waits and records (DESIGN §4, §13 "Steps")."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from pixelproof.config.load import LoadedMap
from pixelproof.config.model import Journey
from pixelproof.config.steps import Expect, ExpectNone, StepBase, step_keys
from pixelproof.evidence.model import (
    ConsentRecord,
    ConsoleRecord,
    CookiesRecord,
    IdentityRecord,
    JourneyRecord,
    Record,
    StepRecord,
)
from pixelproof.evidence.sources.browser import BrowserSource, ContextSpec
from pixelproof.evidence.sources.browser_capture import Capture, CaptureSettings
from pixelproof.meta.timeline import EXTENDING, RawStep
from pixelproof.runner import artefacts
from pixelproof.runner.actions import DEFAULT_TIMEOUT_S, ActionContext, StepFailedError, run_action
from pixelproof.runner.clock import RunClock
from pixelproof.runner.expect import Want, wait_for, wants_of
from pixelproof.runner.live import LiveEvents
from pixelproof.runner.observe import meta_cookies, run_consent
from pixelproof.runner.plan import Waits, persona_of, template_values

if TYPE_CHECKING:
    from playwright.async_api import BrowserContext, Page


@dataclass
class Shared:
    """What every journey of a run uses."""

    loaded: LoadedMap
    source: BrowserSource
    live: LiveEvents
    clock: RunClock
    emit: Callable[[Record], Record]
    say: Callable[[str], None]
    waits: Waits
    capture: CaptureSettings
    run_id: str
    out: Path
    base_url: str
    trace: str = "off"
    user_agent: str | None = None  # the browser's default UA (mark_user_agent)


@dataclass
class JourneyRun:
    shared: Shared
    journey: Journey
    step: int | None = None  # the current action step (records carry it)
    wants: list[Want] = field(default_factory=list)
    console: list[str] = field(default_factory=list)
    cookies: tuple[tuple[str, str], ...] = ()
    failed: str | None = None

    def _emit(self, record: Record) -> Record:
        if isinstance(record, ConsoleRecord):
            self.console.append(f"[{record.level}] {record.text}")
        return self.shared.emit(record)

    async def run(self) -> list[Want]:
        """The browser part; returns the server wants the settle waits for."""
        sh = self.shared
        values = template_values(sh.run_id, self.journey, sh.loaded.map.personas)
        token = f"{sh.run_id}.{self.journey.name}"
        marked = sh.loaded.map.site.mark_user_agent and sh.user_agent is not None
        ua = f"{sh.user_agent} pixelproof/{token}" if marked else None
        capture = Capture(
            self.journey.name,
            sh.capture,
            emit=self._emit,
            step=lambda: self.step,
            clock=sh.clock.now,
        )
        started = sh.clock.now()
        sh.live.begin(self.journey.name, token if marked else None, persona_of(values), started)
        context: BrowserContext | None = None
        ended: float | None = None
        try:
            context = await sh.source.new_context(self._context_spec(ua))
            await self._drive(context, capture, values)
            ended = sh.clock.now()
            await self._cookies(context)
            self._identity(ua, values, token if marked else None)
            await artefacts.stop_trace(
                context, sh.trace, sh.out, self.journey.name, self.failed is not None
            )
        except Exception as exc:  # a journey error never stops the run; it is recorded
            self.failed = self.failed or f"{type(exc).__name__}: {exc}"[:500]
        finally:
            ended = sh.clock.now() if ended is None else ended
            if context is not None:
                await _close(context)
            capture.flush()
            sh.emit(
                JourneyRecord(
                    name=self.journey.name,
                    status="error" if self.failed else "pass",
                    consent=self.journey.consent,
                    started=started,
                    ended=ended,
                    error=self.failed,
                )
            )
            sh.live.end(self.journey.name, ended)
        return self.wants

    async def _drive(
        self, context: BrowserContext, capture: Capture, values: dict[str, str]
    ) -> None:
        sh = self.shared
        await capture.attach(context)
        await artefacts.start_trace(context, sh.trace)
        requests: list[tuple[float, str]] = []
        context.on("request", lambda r: requests.append((sh.clock.now(), r.url)))
        page = await context.new_page()
        await self._steps(page, values, requests)

    def _context_spec(self, ua: str | None) -> ContextSpec:
        site = self.shared.loaded.map.site
        creds = site.http_credentials
        state = site.storage_state
        path = (self.shared.loaded.path.parent / state) if state else None
        return ContextSpec(
            user_agent=ua,
            storage_state=path,
            origin=self.shared.capture.origin,
            username=creds.username if creds else None,
            password=creds.password if creds else None,
        )

    async def _steps(
        self, page: Page, values: dict[str, str], requests: list[tuple[float, str]]
    ) -> None:
        sh = self.shared
        steps = self.journey.steps
        keys = step_keys(steps)
        fbclid = self.journey.landing.fbclid
        ctx = ActionContext(
            base_url=sh.base_url,
            values=values,
            map_dir=sh.loaded.path.parent,
            screenshots=sh.out / "screenshots" / artefacts.slug(self.journey.name),
            out=sh.out,
            step_key="",
            fbclid=("IwPP" + uuid.uuid4().hex) if fbclid == "auto" else fbclid,
            requests=requests,
        )
        consent_pending = self.journey.consent != "none"
        for index, step in enumerate(steps):
            if self.failed:
                self._record_step(index, keys[index], step, "skip", None, None, None)
                continue
            ctx.step_key = keys[index]
            await self._one(page, index, step, ctx)
            if consent_pending and step.action == "goto" and not self.failed:
                consent_pending = False
                await self._consent(page, ctx)

    async def _one(self, page: Page, index: int, step: StepBase, ctx: ActionContext) -> None:
        sh = self.shared
        if step.action not in EXTENDING or self.step is None:
            self.step = index
            ctx.since = sh.clock.now()
        started = sh.clock.now()
        sh.say(f"{self.journey.name}: {ctx.step_key}")
        error: str | None = None
        ctx.screenshot = None
        try:
            for _ in range(step.repeat):
                await self._perform(page, index, step, ctx, started)
        except (StepFailedError, TimeoutError) as exc:
            error = str(exc) or type(exc).__name__
        ended = sh.clock.now()
        if error is None:
            self._record_step(index, ctx.step_key, step, "pass", started, ended, ctx.screenshot)
            if step.action not in EXTENDING:
                await self._cookies(page.context)
            return
        shot = await artefacts.keep_failure(
            page, sh.out, self.journey.name, index, ctx.step_key, self.console
        )
        status = "fail" if step.optional else "error"
        self._record_step(index, ctx.step_key, step, status, started, ended, shot, error)
        sh.say(f"{self.journey.name}: {ctx.step_key} failed: {error}")
        if not step.optional:
            self.failed = f"step {index + 1} '{ctx.step_key}': {error}"

    async def _perform(
        self, page: Page, index: int, step: StepBase, ctx: ActionContext, started: float
    ) -> None:
        sh = self.shared
        if isinstance(step, Expect | ExpectNone):
            entries = step.expect if isinstance(step, Expect) else step.expect_none
            assert self.step is not None
            wants = wants_of(sh.live, self.journey.name, self.step, entries, started, sh.waits)
            self.wants += wants
            await wait_for(sh.live, wants, sh.clock.now, sh.waits)
            return
        timeout = step.timeout if step.timeout is not None else DEFAULT_TIMEOUT_S
        await asyncio.wait_for(run_action(page, step, ctx, timeout), timeout + 5)

    def _record_step(
        self,
        index: int,
        key: str,
        step: StepBase,
        status: str,
        started: float | None,
        ended: float | None,
        shot: str | None,
        error: str | None = None,
    ) -> None:
        record = StepRecord(
            journey=self.journey.name,
            index=index,
            id=step.id,
            key=key,
            action=step.action,
            status=status,
            started=started,
            ended=ended,
            error=error,
            screenshot=shot,
        )
        self.shared.emit(record)
        if started is not None:
            self.shared.live.step(
                self.journey.name, RawStep(index, key, step.action, started, ended)
            )

    async def _consent(self, page: Page, ctx: ActionContext) -> None:
        """The journey's consent state, as soon as the banner is there (DESIGN §4)."""
        sh = self.shared
        try:
            actions = await run_consent(page, sh.loaded.map.consent, self.journey.consent, ctx)
        except StepFailedError as exc:
            self.failed = f"consent '{self.journey.consent}': {exc}"
            return
        if actions is not None:
            record = ConsentRecord(
                journey=self.journey.name,
                step=self.step,
                time=sh.clock.now(),
                state=self.journey.consent,
                action=actions,
            )
            sh.emit(record)

    async def _cookies(self, context: BrowserContext) -> None:
        jar = await meta_cookies(context)
        seen = tuple(sorted((str(c.get("name")), str(c.get("value"))) for c in jar or ()))
        if jar is None or seen == self.cookies:
            return
        self.cookies = seen
        for name, value in seen:
            if name == "_fbp":
                self.shared.live.saw_fbp(self.journey.name, value)
        time = self.shared.clock.now()
        self.shared.emit(
            CookiesRecord(journey=self.journey.name, step=self.step, time=time, cookies=jar)
        )

    def _identity(self, ua: str | None, values: dict[str, str], token: str | None) -> None:
        found = dict(self.cookies)
        self.shared.emit(
            IdentityRecord(
                journey=self.journey.name,
                ua_tag=f"pixelproof/{token}" if token else None,
                user_agent=ua or self.shared.user_agent,
                fbp=found.get("_fbp"),
                fbc=found.get("_fbc"),
                persona=persona_of(values),
            )
        )


async def _close(context: BrowserContext) -> None:
    from playwright.async_api import Error as PlaywrightError

    with contextlib.suppress(PlaywrightError):
        await context.close()
