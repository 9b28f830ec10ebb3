"""What the search indexes and looks for: plain text, CJK pairs, safe terms, snippets."""

from __future__ import annotations

from chapterhouse.newsroom.search.selectors import (
    MARK_END,
    MARK_START,
    SnippetPart,
    search_terms,
    snippet_parts,
)
from chapterhouse.newsroom.search.services import (
    PAIR_JOINER,
    markdown_plain,
    search_document,
    search_text,
)


def test_markdown_syntax_is_left_out_and_the_words_kept() -> None:
    text = (
        "## The *5th* General **Conference** ##\n\n"
        '> Delegates met in [Almaty](https://example.org/almaty "city").\n\n'
        "- one\n- two_items\n1. first\n\n"
        "![The hall](hall.jpg) `code` ~~old~~ \\*starred\\* _under_\n\n"
        "| a | b |\n|---|:-:|\n| c | d |\n\n"
        "```python\nprint(1)\n```\n\n---\nTom &amp; Jerry <https://example.org>\n"
    )
    plain = markdown_plain(text)
    for words in (
        "The 5th General Conference",
        "Delegates met in Almaty.",
        "one",
        "two_items",
        "first",
        "The hall code old *starred* under",
        "print(1)",
        "Tom & Jerry https://example.org",
    ):
        assert words in plain
    for syntax in ("##", "](", "**", "`", "~~", "---", "```", "> ", "- one", "1. ", "&amp;"):
        assert syntax not in plain


def test_cjk_runs_are_indexed_as_overlapping_pairs() -> None:
    j = PAIR_JOINER
    assert (
        search_text("第五次组织代表大会")
        == f"{j}第五{j}五次{j}次组{j}组织{j}织代{j}代表{j}表大{j}大会{j}"
    )
    assert search_text("2025年5月, 조직대회") == f"2025{j}年{j}5{j}月{j}, {j}조직{j}직대{j}대회{j}"


def test_the_document_is_title_lead_and_body_without_control_characters() -> None:
    document = search_document(title="Title\x00", lead="Lead\x02\x03", body="**Body**\r\n\r\nEnd")
    assert document == "Title\nLead\nBody\nEnd"


def test_full_width_letters_are_folded_to_ordinary_ones() -> None:
    assert search_text("ＣＯＮＦＥＲＥＮＣＥ") == "CONFERENCE"


def test_query_syntax_is_punctuation_only() -> None:
    terms = search_terms('"conference" AND (opens* OR ^day) NEAR/3 document:x -y {lang}:z')
    # Operators written in capitals are read as what a search does anyway: all words.
    assert terms.words == ("conference", "opens", "day", "3", "document", "x", "y", "lang", "z")
    assert not search_terms('"*()^:-+{}[]!&|<>\\ \x00 \u2063')


def test_cjk_and_other_words_are_told_apart_in_a_query() -> None:
    terms = search_terms("제5차 조직대회 Conférence 代表大会")
    assert terms.words == ("5", "conférence")
    assert terms.runs == ("제", "차", "조직대회", "代表大会")


def test_a_long_query_keeps_a_bounded_number_of_terms() -> None:
    terms = search_terms(" ".join(f"word{n}" for n in range(500)))
    assert len(terms.words) == 12
    assert len(search_terms("代" * 5000).runs[0]) == 24


def test_snippets_are_put_back_together_from_the_pairs() -> None:
    j, s, e = PAIR_JOINER, MARK_START, MARK_END
    raw = (
        f"…{j}第五{j}五次{j}次组{j}组织{j}织代{j}{s}代表{e}{j}{s}表大{e}{j}{s}大会{e}{j}"
        f"在{j} and more"
    )
    assert snippet_parts(raw) == (
        SnippetPart("…第五次组织", False),
        SnippetPart("代表大会", True),
        SnippetPart("在 and more", False),
    )


def test_separate_runs_stay_separate_in_snippets() -> None:
    j = PAIR_JOINER
    assert snippet_parts(f"{j}조직{j} {j}직원{j}") == (SnippetPart("조직 직원", False),)
    assert snippet_parts(f"{j}大会{j}。{j}会议{j}") == (SnippetPart("大会。会议", False),)


def test_latin_snippets_keep_their_marks() -> None:
    s, e = MARK_START, MARK_END
    assert snippet_parts(f"The {s}conference{e} opens") == (
        SnippetPart("The ", False),
        SnippetPart("conference", True),
        SnippetPart(" opens", False),
    )
