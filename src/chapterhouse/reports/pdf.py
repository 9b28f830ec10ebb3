"""Typeset PDFs with Typst and the Noto fonts from Debian's packages.

Typst (PyPI ``typst``) is a self-contained typesetter: no browser, no pango,
no network. Fonts come only from the folders in ``FONT_DIRS`` (Debian's
``fonts-noto-core`` for Latin and Cyrillic, ``fonts-noto-cjk`` for Hangul and
Han), so a PDF looks the same on every machine and nothing is fetched at run
time. Text from the record never becomes Typst code: ``typst_text`` writes it
as a string literal, and ``markdown_to_typst`` does so for every text run of a
Markdown report.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import typst
from markdown_it import MarkdownIt
from markdown_it.token import Token

# Debian's fonts-noto-core (Noto Sans/Serif: Latin, Cyrillic, Greek and the
# other alphabets) and fonts-noto-cjk (Noto Sans/Serif CJK: Hangul, Han, Kana).
FONT_DIRS: tuple[Path, ...] = (
    Path("/usr/share/fonts/truetype/noto"),
    Path("/usr/share/fonts/opentype/noto"),
)

# Han characters are drawn differently in Korea, China, Taiwan, Hong Kong and
# Japan: the document's language picks which CJK face comes first.
_CJK_REGION = {
    "ko": "KR",
    "ja": "JP",
    "zh-hant": "TC",
    "zh-tw": "TC",
    "zh-hk": "HK",
    "zh-mo": "HK",
}


class FontsMissing(RuntimeError):
    """The Noto fonts are not installed where the PDF renderer looks for them."""


@lru_cache(maxsize=4)
def _fonts(dirs: tuple[Path, ...]) -> typst.Fonts:
    """Return the fonts in ``dirs``, indexed once per process (Typst's own fonts left out)."""
    missing = [str(path) for path in dirs if not path.is_dir()]
    if missing:
        raise FontsMissing(
            f"no font folder {', '.join(missing)}: install Debian's fonts-noto-core and "
            "fonts-noto-cjk (apt-get install fonts-noto-core fonts-noto-cjk)"
        )
    return typst.Fonts(
        include_system_fonts=False,
        include_embedded_fonts=False,
        font_paths=[str(path) for path in dirs],
    )


def font_families(lang: str) -> list[str]:
    """Return the font families for a document in ``lang``, most preferred first.

    Noto Sans sets Latin and Cyrillic; the CJK face of ``lang``'s region sets
    Hangul and Han (Simplified Chinese shapes unless ``lang`` says otherwise).
    """
    code = lang.lower().replace("_", "-")
    region = _CJK_REGION.get(code) or _CJK_REGION.get(code.split("-")[0], "SC")
    families = ["Noto Sans", f"Noto Sans CJK {region}"]
    families += [f"Noto Sans CJK {other}" for other in ("SC", "KR", "JP", "TC") if other != region]
    return families


def typst_string(value: str) -> str:
    """Return ``value`` as a Typst string literal (``"…"``), with quotes and backslashes escaped."""
    escaped = (
        value.replace("\\", "\\\\")
        .replace('"', '\\"')
        .replace("\r\n", "\n")
        .replace("\r", "\n")
        .replace("\n", "\\n")
        .replace("\t", "\\t")
    )
    return f'"{escaped}"'


def typst_text(value: str) -> str:
    """Return markup that prints ``value`` exactly, whatever Typst syntax it contains.

    The string is embedded as ``#"…";``: the semicolon ends the expression so
    text that follows (``.``, ``(``) is not read as a method call.
    """
    if not value:
        return ""
    return f"#{typst_string(value)};"


def _typst_lang(lang: str) -> tuple[str, str | None]:
    """Return Typst's ``lang`` and ``region`` for ``lang`` (``zh-hans`` → ``zh``, none)."""
    parts = lang.lower().replace("_", "-").split("-")
    region = next((part.upper() for part in parts[1:] if len(part) == 2), None)
    return parts[0] or "en", region


def render_pdf(
    markup: str,
    *,
    lang: str,
    title: str = "",
    created: dt.datetime | None = None,
    font_dirs: Sequence[Path] = FONT_DIRS,
) -> bytes:
    """Return ``markup`` (Typst markup) typeset as an A4 PDF in ``lang``.

    The page, the fonts and the text language (line breaking, CJK spacing,
    hyphenation) are set here; ``markup`` holds only the document's body. Put
    text from the record in it through ``typst_text`` or ``markdown_to_typst``.
    The PDF records ``created`` (aware) as its creation time, or none at all,
    so the same input gives the same bytes.
    Raises ``FontsMissing`` when the font folders are absent and
    ``typst.TypstError`` for markup Typst cannot compile.
    """
    typst_lang, region = _typst_lang(lang)
    families = font_families(lang)
    listed = ", ".join(typst_string(family) for family in families)
    text_rule = f"#set text(font: ({listed}), size: 10.5pt, lang: {typst_string(typst_lang)}"
    if region:
        text_rule += f", region: {typst_string(region)}"
    document = f"date: {'auto' if created else 'none'}"
    if title:
        document += f", title: {typst_string(title)}"
    preamble = "\n".join(
        [
            f"#set document({document})",
            '#set page(paper: "a4", margin: (x: 2cm, y: 2.2cm), numbering: "1")',
            text_rule + ")",
            # Noto Sans Mono CJK (in fonts-noto-cjk) has Latin, Cyrillic and CJK in one width.
            f"#show raw: set text(font: {typst_string(families[1].replace('Sans', 'Sans Mono'))})",
            "#set par(leading: 0.7em)",
            "#show heading: set block(above: 1.4em, below: 0.8em)",
            "",
        ]
    )
    source = preamble + markup
    result = typst.compile(
        source.encode("utf-8"),
        font_paths=_fonts(tuple(font_dirs)),
        ignore_system_fonts=True,
        format="pdf",
        timestamp=created,
    )
    return bytes(result)


def markdown_to_typst(markdown: str) -> str:
    """Return Typst markup for ``markdown`` (CommonMark with tables).

    Headings, paragraphs, emphasis, inline code, links, nested bullet and
    numbered lists, block quotes, rules, code blocks and tables are kept; raw
    HTML and images are written as their text. Every text run goes through
    ``typst_text``, so nothing in the Markdown can run Typst code.
    """
    parser = MarkdownIt("commonmark", {"html": False}).enable("table")
    return _blocks(parser.parse(markdown), 0).strip() + "\n"


def _inline(tokens: Sequence[Token]) -> str:
    """Return Typst markup for the children of one inline token."""
    out: list[str] = []
    for token in tokens:
        kind = token.type
        if kind in ("text", "html_inline"):
            out.append(typst_text(token.content))
        elif kind == "code_inline":
            out.append(f"#raw({typst_string(token.content)});")
        elif kind == "softbreak":
            out.append(" ")
        elif kind == "hardbreak":
            out.append(" \\\n")
        elif kind == "strong_open":
            out.append("#strong[")
        elif kind == "em_open":
            out.append("#emph[")
        elif kind in ("strong_close", "em_close", "link_close"):
            out.append("];")
        elif kind == "link_open":
            out.append(f"#link({typst_string(str(token.attrGet('href') or ''))})[")
        elif kind == "image":
            out.append(typst_text(token.content))
    return "".join(out)


def _blocks(tokens: Sequence[Token], depth: int) -> str:
    """Return Typst markup for a flat run of block tokens (lists nest by ``depth``)."""
    out: list[str] = []
    lists: list[str] = []  # the marker of each open list, innermost last
    quote = 0
    i = 0
    while i < len(tokens):
        token = tokens[i]
        kind = token.type
        indent = "  " * (len(lists) - 1) if lists else ""
        if kind == "heading_open":
            level = int(token.tag[1])
            out.append(f"\n{'=' * level} {_inline(tokens[i + 1].children or [])}\n")
            i += 3
            continue
        if kind == "bullet_list_open":
            lists.append("-")
        elif kind == "ordered_list_open":
            lists.append("+")
        elif kind in ("bullet_list_close", "ordered_list_close"):
            lists.pop()
            if not lists:
                out.append("\n")
        elif kind == "list_item_open":
            out.append(f"{indent}{lists[-1]} ")
        elif kind == "paragraph_open":
            inline = _inline(tokens[i + 1].children or [])
            if lists:
                # A loose list item's later paragraphs are indented under it.
                starts_item = out and out[-1].endswith(f"{lists[-1]} ")
                out.append(inline + "\n" if starts_item else f"{indent}  {inline}\n")
            elif quote:
                out.append(f"#quote(block: true)[{inline}]\n\n")
            else:
                out.append(inline + "\n\n")
            i += 3
            continue
        elif kind == "blockquote_open":
            quote += 1
        elif kind == "blockquote_close":
            quote -= 1
        elif kind == "hr":
            out.append("#line(length: 100%)\n\n")
        elif kind in ("fence", "code_block"):
            out.append(f"#raw(block: true, {typst_string(token.content.rstrip())})\n\n")
        elif kind == "html_block":
            out.append(typst_text(token.content.strip()) + "\n\n")
        elif kind == "table_open":
            end = next(j for j in range(i, len(tokens)) if tokens[j].type == "table_close")
            out.append(_table(tokens[i : end + 1]))
            i = end + 1
            continue
        i += 1
    return "".join(out)


def _table(tokens: Sequence[Token]) -> str:
    """Return a Typst ``table`` for the tokens of one Markdown table (header row in bold)."""
    rows: list[list[str]] = []
    for index, token in enumerate(tokens):
        if token.type == "tr_open":
            rows.append([])
        elif token.type == "inline":
            cell = _inline(token.children or [])
            opener = tokens[index - 1].type
            rows[-1].append(f"[#strong[{cell}]]" if opener == "th_open" else f"[{cell}]")
    columns = max((len(row) for row in rows), default=1)
    cells = ", ".join(cell for row in rows for cell in row)
    return f"#table(columns: {columns}, align: left, {cells})\n\n"
