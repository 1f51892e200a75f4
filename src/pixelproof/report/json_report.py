"""The JSON report: result.json itself (`pixelproof.result/1`)."""

from __future__ import annotations

from pixelproof.report import RenderOptions
from pixelproof.result import AuditResult
from pixelproof.result_json import dumps


def render(result: AuditResult, options: RenderOptions) -> str:
    return dumps(result).decode()
