"""The diff a page at a time: counts per kind, keyset cursors, and the command that streams.

All the pages of a kind put together are the complete list ``diff_between`` returns, for
every reader; the counts count what the reader would see listed, and no more.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from chapterhouse.core.keyset import BadCursor, cursor_text
from chapterhouse.custody.access import ADMIN, ANONYMOUS, Viewer, viewer_for_scope
from chapterhouse.registry.management.commands import diff as diff_command
from chapterhouse.registry.models import Body
from chapterhouse.registry.selectors import (
    DIFF_KINDS,
    diff_between,
    diff_counts,
    diff_page,
    diff_pages,
)

EVERYTHING = (dt.date(1900, 1, 1), dt.date(2100, 12, 31))
CONFERENCE = (dt.date(2025, 5, 18), dt.date(2025, 5, 24))


@pytest.fixture
def hidden(demo: None) -> None:
    """Make the Kazakh committee (bob's) and a cell founded at the conference internal:
    a visitor no longer sees them nor their terms and mandates; bob still does."""
    Body.objects.filter(slug__in=["ec-kz", "cell-almaty-cons"]).update(internal=True)


def readers() -> dict[str, Viewer]:
    return {"admin": ADMIN, "anonymous": ANONYMOUS, "bob": viewer_for_scope("ec-kz")}


def dumped(items: list[Any]) -> list[Any]:
    return [item.model_dump(mode="json", by_alias=True) for item in items]


def every_page(viewer: Viewer, start: dt.date, end: dt.date, *, limit: int) -> dict[str, list[Any]]:
    """Return each kind's list as read by following the cursors from the first page."""
    first = diff_page(start=start, end=end, viewer=viewer, limit=limit)
    assert first.next is not None
    lists: dict[str, list[Any]] = {}
    for kind in DIFF_KINDS:
        items = list(getattr(first, kind))
        cursor = getattr(first.next, kind)
        while cursor is not None:
            page = diff_page(start=start, end=end, viewer=viewer, limit=limit, cursor=cursor)
            assert page.next is not None
            assert len(getattr(page, kind)) <= limit
            for other in DIFF_KINDS:
                if other != kind:
                    assert getattr(page, other) == []
            items += getattr(page, kind)
            cursor = getattr(page.next, kind)
        lists[kind] = dumped(items)
    return lists


# --- counts -----------------------------------------------------------------------


@pytest.mark.parametrize("reader", ["admin", "anonymous", "bob"])
def test_the_counts_are_the_lengths_of_the_lists_the_reader_sees(hidden, reader):
    viewer = readers()[reader]
    complete = diff_between(start=EVERYTHING[0], end=EVERYTHING[1], viewer=viewer)

    counts = diff_counts(start=EVERYTHING[0], end=EVERYTHING[1], viewer=viewer)

    assert counts == {kind: len(getattr(complete, kind)) for kind in DIFF_KINDS}
    assert complete.counts is not None and complete.counts.model_dump() == counts
    page = diff_page(start=EVERYTHING[0], end=EVERYTHING[1], viewer=viewer, limit=1)
    assert page.counts is not None and page.counts.model_dump() == counts


@pytest.mark.parametrize("reader", ["anonymous", "bob"])
def test_many_internal_bodies_are_counted_through_the_readers_filter(hidden, monkeypatch, reader):
    from chapterhouse.registry import selectors

    viewer = readers()[reader]
    subtracted = diff_counts(start=EVERYTHING[0], end=EVERYTHING[1], viewer=viewer)
    monkeypatch.setattr(selectors, "_ID_LIST_LIMIT", 0)

    assert diff_counts(start=EVERYTHING[0], end=EVERYTHING[1], viewer=viewer) == subtracted


def test_what_a_visitor_may_not_see_is_not_counted_either(hidden):
    admin = diff_counts(start=EVERYTHING[0], end=EVERYTHING[1], viewer=ADMIN)
    visitor = diff_counts(start=EVERYTHING[0], end=EVERYTHING[1], viewer=ANONYMOUS)

    bob = diff_counts(start=EVERYTHING[0], end=EVERYTHING[1], viewer=readers()["bob"])
    assert all(visitor[kind] <= bob[kind] <= admin[kind] for kind in DIFF_KINDS)
    assert visitor["started"] < bob["started"]
    assert visitor["bodies_founded"] < bob["bodies_founded"]


def test_the_counts_refuse_a_period_that_ends_before_it_starts(demo):
    with pytest.raises(ValueError, match="must start on or before its end"):
        diff_counts(start=dt.date(2025, 6, 1), end=dt.date(2025, 5, 1), viewer=ADMIN)


# --- pages ------------------------------------------------------------------------


@pytest.mark.parametrize("reader", ["admin", "anonymous", "bob"])
@pytest.mark.parametrize("limit", [1, 2, 5])
def test_all_the_pages_together_are_the_complete_list(hidden, reader, limit):
    viewer = readers()[reader]
    complete = diff_between(start=EVERYTHING[0], end=EVERYTHING[1], viewer=viewer)

    lists = every_page(viewer, *EVERYTHING, limit=limit)

    assert lists == {kind: dumped(getattr(complete, kind)) for kind in DIFF_KINDS}


def test_the_first_page_lists_the_first_changes_of_each_kind_and_counts_them_all(demo):
    complete = diff_between(start=EVERYTHING[0], end=EVERYTHING[1], viewer=ADMIN)

    page = diff_page(start=EVERYTHING[0], end=EVERYTHING[1], viewer=ADMIN, limit=2)

    assert page.next is not None and page.counts is not None
    for kind in DIFF_KINDS:
        assert dumped(getattr(page, kind)) == dumped(getattr(complete, kind)[:2])
        assert (getattr(page.next, kind) is None) == (getattr(page.counts, kind) <= 2)
    assert page.founded == [event.body for event in page.bodies_founded]
    assert page.dissolved == [event.body for event in page.bodies_dissolved]


def test_a_page_as_long_as_the_list_has_no_next_cursor(demo):
    page = diff_page(start=CONFERENCE[0], end=CONFERENCE[1], viewer=ADMIN, limit=500)

    assert page.next is not None
    assert set(page.next.model_dump().values()) == {None}


def test_the_complete_diff_has_no_cursors(demo):
    assert diff_between(start=CONFERENCE[0], end=CONFERENCE[1], viewer=ADMIN).next is None


def _encoded(value: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    "cursor",
    [
        "not a cursor",
        "%%%",
        "x" * 3000,
        _encoded({"kind": "started"}),
        _encoded([]),
        _encoded(["promoted", "2025-05-18", 1]),
        _encoded(["started", "2025-05-18"]),
        _encoded(["started", "2025-05-18", 1, 2]),
        _encoded(["started", "18 May 2025", 1]),
        _encoded(["started", "2025-05-18", "1"]),
        _encoded(["started", "2025-05-18", True]),
        _encoded(["bodies_founded", "2025-05-18", 7]),
        _encoded([3, "2025-05-18", 1]),
        base64.urlsafe_b64encode(b"\xff\xfe").decode(),
    ],
)
def test_a_cursor_the_diff_did_not_write_is_refused(demo, cursor):
    with pytest.raises(BadCursor):
        diff_page(start=EVERYTHING[0], end=EVERYTHING[1], viewer=ADMIN, cursor=cursor)


def test_a_cursor_of_another_kind_than_asked_is_refused(demo):
    cursor = cursor_text(["started", "2025-05-18", 1])

    with pytest.raises(BadCursor):
        diff_page(start=EVERYTHING[0], end=EVERYTHING[1], viewer=ADMIN, cursor=cursor, kind="ended")


def _queries(**arguments: Any) -> int:
    with CaptureQueriesContext(connection) as queries:
        diff_page(viewer=ADMIN, **arguments)
    return len(queries.captured_queries)


def test_a_page_runs_the_same_queries_whatever_its_length_and_range(demo):
    # Six counts, a list per kind, the names of the people in the reader's language and
    # the mandates' names.
    assert _queries(start=EVERYTHING[0], end=EVERYTHING[1], limit=1) == 14
    assert _queries(start=EVERYTHING[0], end=EVERYTHING[1], limit=500) == 14
    # A reader who may not see some bodies: which ones, and the changes of those bodies.
    Body.objects.filter(slug="ec-kz").update(internal=True)
    with CaptureQueriesContext(connection) as queries:
        diff_page(viewer=ANONYMOUS, start=EVERYTHING[0], end=EVERYTHING[1], limit=1)
    assert len(queries.captured_queries) == 1 + 14 + 6
    # A kind counted empty is not listed, nor are people named: the counts alone.
    assert _queries(start=dt.date(1990, 1, 1), end=dt.date(1990, 1, 2)) == 6


@pytest.mark.parametrize("kind", DIFF_KINDS)
def test_the_pages_a_command_reads_make_the_complete_list(hidden, kind):
    complete = diff_between(start=EVERYTHING[0], end=EVERYTHING[1], viewer=ANONYMOUS)

    pages = list(
        diff_pages(start=EVERYTHING[0], end=EVERYTHING[1], viewer=ANONYMOUS, kind=kind, size=3)
    )

    assert all(0 < len(page) <= 3 for page in pages)
    assert dumped([item for page in pages for item in page]) == dumped(getattr(complete, kind))


def test_the_pages_refuse_a_period_that_ends_before_it_starts_at_once(demo):
    with pytest.raises(ValueError, match="must start on or before its end"):
        diff_pages(start=dt.date(2025, 6, 1), end=dt.date(2025, 5, 1), viewer=ADMIN, kind="ended")


# --- the command streams ------------------------------------------------------------


def _run(*args: str) -> str:
    out = StringIO()
    call_command("diff", *args, stdout=out)
    return out.getvalue()


def _document(viewer: Viewer, start: dt.date, end: dt.date) -> str:
    """The JSON the command wrote before it streamed: the complete diff, as it was."""
    data = diff_between(start=start, end=end, viewer=viewer).model_dump(
        mode="json", by_alias=True, exclude={"counts", "next"}
    )
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


@pytest.mark.parametrize("page_size", [1, 2, 1_000])
@pytest.mark.parametrize(("reader", "viewer"), [((), ADMIN), (("--public",), ANONYMOUS)])
def test_the_streamed_json_is_the_document_it_always_wrote(
    demo, monkeypatch, page_size, reader, viewer
):
    monkeypatch.setattr(diff_command, "PAGE_SIZE", page_size)
    for start, end in (EVERYTHING, CONFERENCE, (dt.date(2024, 7, 1), dt.date(2024, 7, 31))):
        written = _run(
            "--from", start.isoformat(), "--to", end.isoformat(), *reader, "--format", "json"
        )

        assert written == _document(viewer, start, end)


def _rows(text: str) -> list[tuple[str, ...]]:
    """The rows of the text output's tables (not the headers), each as its stripped cells."""
    return [
        tuple(cell.strip() for cell in line.strip("│").split("│"))
        for line in text.splitlines()
        if line.startswith("│")
    ]


def test_the_streamed_tables_list_every_change_whatever_the_page_size(demo, monkeypatch):
    from chapterhouse.registry import management

    # Wide enough that no cell wraps: each row is one line, whatever the columns' widths.
    monkeypatch.setattr(management, "_PIPE_WIDTH", 1_000)
    whole = _run("--from", "1900-01-01", "--to", "2100-12-31")
    monkeypatch.setattr(diff_command, "PAGE_SIZE", 2)
    paged = _run("--from", "1900-01-01", "--to", "2100-12-31")

    # Each page is a table of its own: the same rows in the same order (the headers, drawn
    # with heavy lines, are left out), the title only on the first.
    assert _rows(paged) == _rows(whole)
    assert paged.count("┏") > whole.count("┏")  # more tables, each with its header
    for title in ("Terms started", "Terms ended", "Bodies", "Mandates moved"):
        assert paged.count(title) == whole.count(title) == 1


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_the_command_writes_nothing_for_a_period_that_ends_before_it_starts(demo, fmt):
    from django.core.management.base import CommandError

    out = StringIO()
    with pytest.raises(CommandError, match="must start on or before its end"):
        call_command(
            "diff", "--from", "2025-06-01", "--to", "2025-05-01", "--format", fmt, stdout=out
        )

    assert out.getvalue() == ""
