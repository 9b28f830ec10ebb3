"""Article Markdown becomes HTML a public page can show: nothing in it runs."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from chapterhouse.newsroom.markdown import ALLOWED_TAGS, markdown_paragraphs, render_markdown

HOSTILE = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.test/x.js></SCRIPT>",
    '<img src=x onerror="alert(1)">',
    "<svg/onload=alert(1)>",
    '<a href="javascript:alert(1)">click</a>',
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](java&#115;cript:alert(1))",
    "[click](&#x6A;avascript:alert(1))",
    "[click](vbscript:msgbox(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![pic](javascript:alert(1))",
    '[click](https://example.org "x" onmouseover="alert(1)")',
    "<iframe src=https://evil.test></iframe>",
    "<style>body{display:none}</style>",
    '<div style="background:url(javascript:alert(1))">x</div>',
    "[click]: javascript:alert(1)\n\n[click]",
    "<details open ontoggle=alert(1)>",
    "`<script>alert(1)</script>`",
    "```html\n<script>alert(1)</script>\n```",
]


class _Elements(HTMLParser):
    """Collect the elements and attributes a browser would build from some HTML."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, {name: value or "" for name, value in attrs}))


def elements_of(html: str) -> list[tuple[str, dict[str, str]]]:
    parser = _Elements()
    parser.feed(html)
    parser.close()
    return parser.elements


@pytest.mark.parametrize("text", HOSTILE)
def test_nothing_in_hostile_markdown_can_run(text: str) -> None:
    for tag, attrs in elements_of(render_markdown(text)):
        assert tag in ALLOWED_TAGS
        assert tag not in {"script", "iframe", "style", "svg", "object", "embed"}
        for name, value in attrs.items():
            assert not name.startswith("on"), (tag, name)
            assert name != "style"
            if name in {"href", "src"}:
                scheme = value.split(":", 1)[0].lower() if ":" in value else ""
                assert scheme in {"", "http", "https", "mailto"}, value


def test_a_script_tag_is_shown_as_text_not_run() -> None:
    assert render_markdown("<script>alert(1)</script>") == (
        "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>\n"
    )


def test_links_keep_their_address_and_get_noopener_nofollow() -> None:
    html = render_markdown("Read [the report](https://example.org/report) now.")
    assert html == (
        '<p>Read <a href="https://example.org/report" rel="noopener nofollow">the report</a>'
        " now.</p>\n"
    )


def test_a_link_that_would_run_script_is_not_a_link() -> None:
    html = render_markdown('Click <a href="javascript:alert(1)">here</a> or [here](javascript:x)')
    assert [tag for tag, _attrs in elements_of(html)] == ["p"]


def test_ordinary_article_markdown_keeps_its_structure() -> None:
    html = render_markdown(
        "## Day one\n\nThe **chair** opened the *conference*.\n\n"
        "- reports\n- elections\n\n> Friendship first.\n\n"
        "| day | host |\n|---|---|\n| 1 | council |\n\n![Hall](/media/photos/hall.jpg)"
    )
    for fragment in (
        "<h2>Day one</h2>",
        "<strong>chair</strong>",
        "<em>conference</em>",
        "<li>reports</li>",
        "<blockquote>",
        "<td>council</td>",
        '<img src="/media/photos/hall.jpg" alt="Hall">',
    ):
        assert fragment in html


def test_mail_links_work_and_an_empty_text_renders_nothing() -> None:
    assert 'href="mailto:press@example.org"' in render_markdown("[write](mailto:press@example.org)")
    assert render_markdown("") == ""
    assert render_markdown("   \n\n ") == ""


def test_paragraphs_are_the_blocks_between_blank_lines() -> None:
    text = "First paragraph\nstill first.\r\n\r\nSecond.\n   \n\n\nThird."
    assert markdown_paragraphs(text) == ["First paragraph\nstill first.", "Second.", "Third."]
    assert markdown_paragraphs("") == []
