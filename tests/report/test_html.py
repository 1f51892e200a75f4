"""The HTML report: self-contained, escaped everywhere, banner first, every section present."""

from __future__ import annotations

import re
from dataclasses import replace
from html.parser import HTMLParser

import pytest

from pixelproof.report import RenderOptions
from pixelproof.report.html import render
from pixelproof.report.terminal import UNOBSERVED, verdict
from pixelproof.result import AuditResult
from tests.factories import report_result, result

MARKUP = (
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(2)>',
    "'><svg onload=alert(3)>",
    "</textarea></style></title>",
)
TEMPLATE = ("{{7*7}}zz", "{% raw %}{{ r }}")  # Jinja syntax in data: shown, never evaluated
HOSTILE = " " + " ".join(MARKUP + TEMPLATE)


class Tags(HTMLParser):
    """Every start tag and attribute the browser would see."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse(text: str) -> Tags:
    parser = Tags()
    parser.feed(text)
    parser.close()
    return parser


def html(res: AuditResult, verbose: int = 0) -> str:
    return render(res, RenderOptions(verbose=verbose))


def build(text: str) -> str:
    res = report_result(text, unobserved="capture: none")
    # custom_data keys and nested values are captured too
    events = tuple(
        replace(e, custom_data={**e.custom_data, f"k{text}": {"nested": text}}) for e in res.events
    )
    return html(replace(res, events=events))


@pytest.fixture(scope="module")
def hostile() -> str:
    return build(HOSTILE)


def test_hostile_markup_never_appears_raw(hostile: str) -> None:
    for payload in MARKUP:
        assert payload not in hostile, payload
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in hostile
    assert "&#34;&gt;&lt;img src=x onerror=alert(2)&gt;" in hostile
    assert "&#39;&gt;&lt;svg onload=alert(3)&gt;" in hostile


def test_template_syntax_in_data_is_never_evaluated(hostile: str) -> None:
    for payload in TEMPLATE:
        assert payload in hostile
    assert "49zz" not in hostile


def test_hostile_strings_create_no_elements_or_attributes(hostile: str) -> None:
    clean = parse(build(" benign text"))
    dirty = parse(hostile)
    assert dirty.tags == clean.tags
    assert not any(t in ("script", "img", "svg", "iframe") for t, _ in dirty.tags)
    for _, attrs in dirty.tags:
        assert not any(name.startswith("on") for name in attrs)


def test_hostile_strings_read_back_as_text_in_every_field(hostile: str) -> None:
    text = "".join(parse(hostile).text)
    # one copy per field that carries it: map name and path, step texts, event fields, finding
    # messages, hints and causes, source errors, batch messages, check messages, ...
    assert text.count(HOSTILE.strip()) >= 40
    for field in (
        f"https://shop.test/thank-you{HOSTILE}",  # event URL
        f"ev=Purchase&cd[email]=<redacted:em>{HOSTILE}",  # excerpt
        f"note=gift{HOSTILE}",  # custom_data value
        f"AddToCart from browser has no event ID{HOSTILE}",  # finding message
        f"pixelproof: Shop{HOSTILE}",  # map name
        f"event_maps/shop.yaml{HOSTILE}:41:9",  # map location
    ):
        assert field in text, field


def test_self_contained_and_scriptless() -> None:
    text = html(report_result())
    tags = parse(text).tags
    assert not any(tag in ("script", "link", "img", "iframe", "object") for tag, _ in tags)
    for _, attrs in tags:
        for name in ("src", "href"):
            value = attrs.get(name)
            assert value is None or value.startswith("#"), value
    assert "url(" not in text
    assert re.search(r"https?://", text.split("<body>")[0]) is None
    assert "default-src 'none'" in text


def test_banner_comes_first() -> None:
    text = html(report_result(unobserved="capture: none"))
    body = text.split("<body>", 1)[1].lstrip()
    assert body.startswith('<div class="banner" role="alert">')
    assert body.index(UNOBSERVED) < body.index("<h1>")
    assert "banner" not in html(report_result()).split("<body>", 1)[1]


def test_sections_and_verdict() -> None:
    res = report_result()
    text = html(res)
    assert verdict(res) in text
    assert 'class="verdict status-fail"' in text
    for section in ("incomplete", "sources", "journeys", "actions", "findings", "checks"):
        assert f'<section id="{section}">' in text
    assert '<section id="events">' in text
    assert '<section id="batches">' in text
    assert '<td class="ok">deduplicated</td>' in text
    assert '<td class="bad">id-mismatch</td>' in text
    assert '<td class="warn">browser-only</td>' in text


def test_findings_grouped_by_cause_with_hint_and_location() -> None:
    text = html(report_result())
    group = text.split('<div class="group">', 1)[1].split("</div>", 1)[0]
    assert "3 findings share: GTM variable {{Event ID}} is undefined on checkout" in group
    assert group.count('<article class="finding') == 3
    assert "Fix: send the same ID from both sides" in group
    assert "<code>event_maps/shop.yaml:41:9</code>" in group


def test_known_and_ignored_findings_are_folded_away() -> None:
    text = html(report_result())
    folded = text.split("<details>", 1)[1].split("</details>", 1)[0]
    assert "2 known or ignored finding(s), not counted" in folded
    assert "2 copies of ViewContent" in folded
    assert "unexpected Lead" in folded


def test_checks_by_status() -> None:
    text = html(report_result())
    headings = re.findall(r"<h3>(\w+) \((\d+)\)</h3>", text)
    assert headings == [
        ("error", "1"),
        ("fail", "4"),
        ("warn", "2"),
        ("pass", "2"),
        ("not_applicable", "1"),
    ]


def test_empty_result() -> None:
    text = html(result())
    assert "No findings count toward the verdict." in text
    assert '<section id="actions">' not in text
