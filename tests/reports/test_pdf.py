"""PDFs typeset with Typst and Debian's Noto fonts: every script renders and reads back."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from io import BytesIO
from pathlib import Path

import pytest
from pypdf import PdfReader

from chapterhouse.reports.pdf import (
    FontsMissing,
    font_families,
    markdown_to_typst,
    render_pdf,
    typst_text,
)

# One line per script, as a report would print names from the record.
LINES = {
    "ko": "조정위원회 제5차 전원회의",
    "zh": "中央委员会 第五次全体会议",
    "ru": "Координационный комитет, пятый пленум",
    "de": "Koordinierungsausschuss, Größe, fünfte Plenartagung",
    "en": "Coordination Committee, fifth plenary session",
}
WORKING_LANGUAGES = ["ko", "en", "ru", "zh-hans", "de"]


def squeeze(text: str) -> str:
    """Drop whitespace: Typst spaces CJK from Latin and digits, which pdftotext reads as blanks."""
    return "".join(text.split())


def embedded_fonts(pdf: bytes) -> set[str]:
    """Return the base names of the fonts embedded in ``pdf`` (without the subset tag)."""
    names = set()
    for page in PdfReader(BytesIO(pdf)).pages:
        for ref in page["/Resources"]["/Font"].values():
            names.add(str(ref.get_object()["/BaseFont"]).split("+", 1)[-1])
    return names


@pytest.mark.parametrize("lang", WORKING_LANGUAGES)
def test_every_script_reads_back_with_no_missing_glyph(
    lang: str, pdf_text: Callable[[bytes], str], pdf_notdef_count: Callable[[bytes], int]
) -> None:
    markup = "\n\n".join(typst_text(line) for line in LINES.values())

    pdf = render_pdf(markup, lang=lang, title="Chapterhouse")

    assert pdf.startswith(b"%PDF-")
    read = [squeeze(line) for line in pdf_text(pdf).splitlines() if line.strip()]
    assert read[: len(LINES)] == [squeeze(line) for line in LINES.values()]
    assert read[len(LINES) :] == ["1"]  # the page number, nothing else
    assert pdf_notdef_count(pdf) == 0


def test_the_words_of_each_script_are_found_as_written(pdf_text: Callable[[bytes], str]) -> None:
    pdf = render_pdf("\n\n".join(typst_text(line) for line in LINES.values()), lang="en")

    text = pdf_text(pdf)

    for word in ["조정위원회", "中央委员会", "Координационный", "Größe", "Coordination"]:
        assert word in text


def test_the_fonts_are_the_noto_faces_from_debians_packages() -> None:
    pdf = render_pdf(typst_text("Seoul 서울 北京 Москва München"), lang="ko")

    fonts = embedded_fonts(pdf)

    assert "NotoSans-Regular" in fonts
    assert any(name.startswith("NotoSansCJKkr") for name in fonts), fonts


def test_the_documents_language_picks_its_han_shapes_first() -> None:
    assert font_families("ko")[:2] == ["Noto Sans", "Noto Sans CJK KR"]
    assert font_families("zh-hans")[:2] == ["Noto Sans", "Noto Sans CJK SC"]
    assert font_families("zh-hant")[:2] == ["Noto Sans", "Noto Sans CJK TC"]
    assert font_families("ru")[:2] == ["Noto Sans", "Noto Sans CJK SC"]


def test_a_character_no_font_has_is_counted_as_missing(
    pdf_notdef_count: Callable[[bytes], int],
) -> None:
    # A private-use character: no font draws it, so the check must see one .notdef.
    pdf = render_pdf(typst_text("before \ue000 after"), lang="en")

    assert pdf_notdef_count(pdf) == 1


def test_typst_syntax_in_the_record_is_printed_not_run(pdf_text: Callable[[bytes], str]) -> None:
    hostile = '#panic("boom") = $x$ *bold* @ref <label> // "quoted" \\ [x] #read("/etc/passwd")'

    text = pdf_text(render_pdf(typst_text(hostile) + ".len()", lang="en"))

    assert squeeze(hostile + ".len()") in squeeze(text)


def test_the_same_document_gives_the_same_bytes() -> None:
    markup = typst_text("Координационный комитет 조정위원회")

    first = render_pdf(markup, lang="ru", title="Отчёт")

    assert first == render_pdf(markup, lang="ru", title="Отчёт")
    assert b"CreationDate" not in first


def test_a_creation_time_passed_in_is_recorded() -> None:
    created = dt.datetime(2025, 5, 18, 12, 0, tzinfo=dt.UTC)

    pdf = render_pdf(typst_text("x"), lang="en", title="Report", created=created)

    metadata = PdfReader(BytesIO(pdf)).metadata
    assert metadata is not None
    assert metadata.title == "Report"
    assert metadata.creation_date == created


def test_missing_font_folders_are_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(FontsMissing, match="fonts-noto-cjk"):
        render_pdf("x", lang="en", font_dirs=[tmp_path / "no-fonts-here"])


def test_a_markdown_report_keeps_its_structure_and_every_script(
    pdf_text: Callable[[bytes], str], pdf_notdef_count: Callable[[bytes], int]
) -> None:
    report = "\n".join(
        [
            "# 제5차 대회",
            "",
            "Dedicated to *the 79th anniversary* of **the founding**.",
            "",
            "## Schedule",
            "",
            "1. Day 1. 조정위원회 (대한민국 — 5월 18일)",
            "2. Day 2. 中央委员会 (中国 — 5月19日)",
            "   - Координационный комитет",
            "   - Koordinierungsausschuss",
            "",
            "| Body | Country |",
            "| --- | --- |",
            "| 조정위원회 | Россия |",
        ]
    )

    markup = markdown_to_typst(report)
    pdf = render_pdf(markup, lang="ko")

    assert markup.startswith('= #"제5차 대회";')
    assert '+ #"Day 1.' in markup and '  - #"Координационный комитет";' in markup
    assert "#table(columns: 2" in markup
    lines = [squeeze(line) for line in pdf_text(pdf).splitlines() if line.strip()]
    assert lines[:4] == [
        "제5차대회",
        "Dedicatedtothe79thanniversaryofthefounding.",
        "Schedule",
        "1.Day1.조정위원회(대한민국—5월18일)",
    ]
    assert "2.Day2.中央委员会(中国—5月19日)" in lines
    assert "•Координационныйкомитет" in lines
    assert pdf_notdef_count(pdf) == 0


def test_markdown_text_cannot_inject_typst() -> None:
    markup = markdown_to_typst('A #set page(fill: red) and `#panic("x")` and [link](#x "t")')

    assert '#"A #set page(fill: red) and ";' in markup
    assert '#raw("#panic(\\"x\\")");' in markup
