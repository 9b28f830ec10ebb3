"""Render an article's Markdown to HTML that is safe to put on a public page.

markdown-it-py turns the Markdown into HTML (raw HTML in the source is
escaped, not passed through); nh3, an allow-list sanitizer, then removes
anything that could run: script and style elements, event handler
attributes, ``javascript:`` and other unsafe URLs. Both steps are needed:
the parser alone lets some links through that a browser would run.
"""

from __future__ import annotations

import re

import nh3
from markdown_it import MarkdownIt

# What articles use: text structure, links, images, tables, code.
ALLOWED_TAGS = frozenset(
    {
        "a",
        "abbr",
        "blockquote",
        "br",
        "code",
        "del",
        "em",
        "figcaption",
        "figure",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "hr",
        "img",
        "li",
        "ol",
        "p",
        "pre",
        "s",
        "strong",
        "sub",
        "sup",
        "table",
        "tbody",
        "td",
        "th",
        "thead",
        "tr",
        "ul",
    }
)
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title"},
    "ol": {"start"},
    "td": {"align"},
    "th": {"align"},
    "abbr": {"title"},
}
ALLOWED_URL_SCHEMES = frozenset({"http", "https", "mailto"})

# "commonmark" with tables and strikethrough; html=False escapes raw HTML in the source.
_parser = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable(
    ["table", "strikethrough"]
)
_BLANK_LINES = re.compile(r"\n[ \t]*\n")


def render_markdown(text: str) -> str:
    """Return ``text`` (Markdown) as sanitized HTML.

    No script runs from the result: raw HTML is escaped, only an allow-list of
    tags and attributes survives, URLs must be http(s), mailto or relative, and
    every link gets ``rel="noopener nofollow"``. An empty text gives ``""``.
    """
    if not text or not text.strip():
        return ""
    html = _parser.render(text)
    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(ALLOWED_URL_SCHEMES),
        link_rel="noopener nofollow",
        strip_comments=True,
    )


def markdown_paragraphs(text: str) -> list[str]:
    """Return the blocks of ``text`` separated by blank lines, stripped, without empty ones.

    These are the units a translator compares when the source text changes.
    """
    normalized = text.replace("\r\n", "\n").replace("\r", "\n")
    return [block.strip() for block in _BLANK_LINES.split(normalized) if block.strip()]
