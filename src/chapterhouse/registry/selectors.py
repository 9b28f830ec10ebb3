"""Reads of the registry: the organization as of a date, what changed, a person's history.

Every function takes its dates as arguments (nothing here reads the clock)
and runs a fixed number of SQL queries whatever the size of the data, so a
page or command that calls one stays fast at millions of terms.

Intervals are half-open ``[start, end)``. Dates come back written as they
were read, with their precision (``"2018"``, ``"2024-08"``, ``"2025-05-18"``):
starts through :func:`format_start`, exclusive ends through
:func:`format_end`.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import Any, get_args

from django.db import connection, models
from django.db.models import F, OuterRef, Q, Subquery
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast, Coalesce
from django.utils.translation import gettext as _

from chapterhouse.core.intervals import (
    exists_on,
    happened_between,
    held_on,
    held_on_by_start,
    is_held,
)
from chapterhouse.core.keyset import BadCursor, after_key, cursor_text, cursor_values
from chapterhouse.core.partial_dates import end_text, start_text
from chapterhouse.core.text import Text, text_in
from chapterhouse.core.vocabulary import BUILTIN_BODY_KINDS, BUILTIN_ROLES
from chapterhouse.custody.access import (
    PeopleNamer,
    Viewer,
    custodian_name_expression,
    decision_id_expression,
    document_id_expression,
    person_columns,
    person_row,
)
from chapterhouse.registry.mandates import mandate_names
from chapterhouse.registry.models import (
    Body,
    BodyKind,
    BodyName,
    Mandate,
    Organization,
    Person,
    Role,
    Term,
)
from chapterhouse.registry.shapes import (
    AffiliationOut,
    BodyEvent,
    BodyMandate,
    BodyNameOut,
    BodyOut,
    ChartBody,
    ChartMandate,
    DiffCounts,
    DiffKind,
    DiffNext,
    DiffOut,
    DiffTerm,
    HistoryAward,
    HistoryOut,
    HistoryTerm,
    Holder,
    KindRef,
    MandateMove,
    OrgchartOut,
    Ref,
    Rename,
    TimelineEvent,
)
from chapterhouse.registry.shapes import Term as TermShape

_ONE_DAY = dt.timedelta(days=1)
# Vocabulary that is neither declared nor built in sorts after everything known.
_UNKNOWN_RANK = 10_000
# A parent cycle cannot be stored through the services, but a hand-edited
# database could hold one; the walk stops here instead of looping forever.
_MAX_DEPTH = 200
# Up to this many ids go into a query as a list (the diff's hidden bodies); SQLite caps the
# number of parameters of one statement. (The org chart passes its subtree's ids as one
# parameter: _chart_scope_sql.)
_ID_LIST_LIMIT = 500

# The order of events that fall on the same day on a body's timeline.
_EVENT_ORDER = {
    "founded": 0,
    "renamed": 1,
    "mandate_received": 2,
    "term_ended": 3,
    "term_started": 4,
    "mandate_handed_over": 5,
    "dissolved": 6,
}


# --- small shared pieces ---------------------------------------------------


def organization_language() -> str:
    """Return the organization's default language, or ``"en"`` before one is recorded."""
    return Organization.objects.values_list("default_language", flat=True).first() or "en"


def _kind_ranks() -> dict[str, int]:
    ranks = {slug: rank for slug, (_label, rank) in BUILTIN_BODY_KINDS.items()}
    ranks.update(BodyKind.objects.values_list("slug", "rank"))
    return ranks


def _role_ranks() -> dict[str, int]:
    ranks = {slug: rank for slug, (_label, rank) in BUILTIN_ROLES.items()}
    ranks.update(Role.objects.values_list("slug", "rank"))
    return ranks


def _blank_to_none(value: str | None) -> str | None:
    return value or None


def _rows(query: Any) -> list[dict[str, Any]]:
    """Return the rows of a ``values()`` query as plain dicts (typed loosely on purpose)."""
    return list(query)


def _body_name_started(outer: str, **started: Any) -> Coalesce:
    """Return an expression for the name of the body ``outer`` names: its latest rename
    among those ``started`` selects (``start__lte=…``), else the name it was founded with."""
    latest = (
        BodyName.objects.filter(body_id=OuterRef(outer), **started)
        .order_by("-start", "-pk")
        .values("name")[:1]
    )
    founding = outer.removesuffix("_id") + "__name" if outer != "pk" else "name"
    return Coalesce(
        Subquery(latest, output_field=models.JSONField()),
        F(founding),
        output_field=models.JSONField(),
    )


def body_name_as_of_expression(*, as_of: dt.date, outer: str = "pk") -> Coalesce:
    """Return an expression for the name a body bore on ``as_of``, to annotate any query.

    ``outer`` names the body's primary key in the annotated query (``"pk"``
    on bodies, ``"body_id"`` on terms, ``"parent_id"`` for a parent). The
    name is the latest rename starting on or before ``as_of``, else the name
    the body was founded with; the database finds it with the (body, start)
    index, so annotating thousands of rows costs no extra query.
    """
    return _body_name_started(outer, start__lte=as_of)


def body_name_on_row_day_expression(*, body: str, day: str, before: bool = False) -> Coalesce:
    """Return an expression for the name the body at ``body`` (e.g. ``"transferred_from"``)
    bore on the row's own date field ``day`` (or, ``before``, on the day before it), to
    annotate any query: a mandate's giver is named as it was when it handed the mandate
    over, its receiver as it was when it took it. No extra query."""
    latest = (
        BodyName.objects.filter(
            body_id=OuterRef(f"{body}_id"),
            **{"start__lt" if before else "start__lte": OuterRef(day)},
        )
        .order_by("-start", "-pk")
        .values("name")[:1]
    )
    return Coalesce(
        Subquery(latest, output_field=models.JSONField()),
        F(f"{body}__name"),
        output_field=models.JSONField(),
    )


def body_name_as_of(*, body: Body, as_of: dt.date) -> Text:
    """Return the name ``body`` bore on ``as_of``: its latest rename by then, else its founding
    name (also before the body was founded)."""
    renamed = (
        BodyName.objects.filter(body=body, start__lte=as_of)
        .order_by("-start", "-pk")
        .values_list("name", flat=True)
        .first()
    )
    return renamed if renamed is not None else body.name


def body_names_as_of(*, bodies: Iterable[Body], as_of: dt.date) -> dict[int, Text]:
    """Return the names the given bodies bore on ``as_of``, by primary key, in one query.

    For a query that already fetches the bodies, annotating it with
    :func:`body_name_as_of_expression` saves even that query.
    """
    founding = {body.pk: body.name for body in bodies}
    names: dict[int, Text] = dict(founding)
    if not founding:
        return names
    renames = (
        BodyName.objects.filter(body_id__in=list(founding), start__lte=as_of)
        .order_by("body_id", "start", "pk")
        .values_list("body_id", "name")
    )
    for body_id, name in renames:
        names[body_id] = name  # later rows win: the latest rename by as_of
    return names


def _subtree_sql(*, root: str, as_of: dt.date) -> tuple[str, list[Any]]:
    """Return SQL selecting the ids of ``root`` and its descendants that exist on ``as_of``.

    A body that does not exist on ``as_of`` hides its subtree: the walk goes
    only through living bodies, so every body listed has its parent listed.
    """
    quote = connection.ops.quote_name
    table = quote(Body._meta.db_table)
    day = connection.ops.adapt_datefield_value(as_of)
    # core.intervals.exists_on, written out for the recursive query.
    alive = (
        "({t}.founded IS NULL OR {t}.founded <= %s)"
        " AND ({t}.dissolved IS NULL OR {t}.dissolved > %s)"
    )
    sql = (
        "WITH RECURSIVE subtree(id, depth) AS ("
        f" SELECT b.id, 0 FROM {table} b WHERE b.slug = %s AND {alive.format(t='b')}"
        " UNION ALL"
        f" SELECT c.id, s.depth + 1 FROM {table} c JOIN subtree s ON c.parent_id = s.id"
        f" WHERE s.depth < {_MAX_DEPTH} AND {alive.format(t='c')}"
        ") SELECT id FROM subtree"
    )
    return sql, [root, day, day, day, day]


def _subtree_ids(*, root: str, as_of: dt.date) -> list[int]:
    sql, params = _subtree_sql(root=root, as_of=as_of)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]


# A long list holds few distinct dates (a month: at most 31 days, three precisions):
# each is written once (about 2 µs each, a fifth of a diff's cost per term).
_start_text = lru_cache(maxsize=4096)(start_text)
_end_text = lru_cache(maxsize=4096)(end_text)


def _term_fields(row: dict[str, Any], namer: PeopleNamer) -> dict[str, Any]:
    """Return the fields of a term as the spec writes it (:class:`~.shapes.Term`), from a
    ``values()`` row of :data:`_TERM_FIELDS` (the person named for the viewer: no id and a
    placeholder when hidden)."""
    who = person_row(row, "person__")
    return {
        "person": namer.slug(who),
        "name": namer.name(who),
        "body": row["body__slug"],
        "role": row["role"],
        "title": row["title"],
        "start": _start_text(row["start"], row["start_precision"]),
        "end": _end_text(row["end"], row["end_precision"]),
        "how": _blank_to_none(row["how"]),
        "decision": row["decision_ref"],
        "ended_by": row["ended_by_ref"],
        "reason": _blank_to_none(row["end_reason"]),
    }


_TERM_FIELDS = (
    "id",
    *person_columns("person__"),
    "body__slug",
    "role",
    "title",
    "start",
    "start_precision",
    "end",
    "end_precision",
    "how",
    "end_reason",
)


def _term_decisions(viewer: Viewer) -> dict[str, Any]:
    """The ``values()`` expressions naming the decisions that started and ended a term, read
    with :data:`_TERM_FIELDS`: a decision the viewer may not see is not named (None)."""
    return {
        "decision_ref": decision_id_expression(viewer),
        "ended_by_ref": decision_id_expression(viewer, "ended_by"),
    }


def _namer(viewer: Viewer, rows: Iterable[dict[str, Any]], *, filtered: bool) -> PeopleNamer:
    return PeopleNamer(viewer, [person_row(row, "person__") for row in rows], filtered=filtered)


def _holder(row: dict[str, Any], namer: PeopleNamer) -> Holder:
    who = person_row(row, "person__")
    return Holder(
        person=namer.slug(who),
        name=namer.name(who),
        role=row["role"],
        title=row["title"],
        start=start_text(row["start"], row["start_precision"]),  # type: ignore[arg-type]
        how=_blank_to_none(row["how"]),
        decision=row["decision_ref"],
    )


# --- the org chart ---------------------------------------------------------


class UnknownBody(Body.DoesNotExist):
    """Signal that an org chart was asked for below a body that is not recorded.

    It is a ``Body.DoesNotExist`` (so a 404 handler catches it) with a message
    that names the id.
    """

    def __init__(self, slug: str) -> None:
        super().__init__(_("no body with id %(id)s") % {"id": slug})
        self.slug = slug


def _chart_scope_sql(ids: list[int]) -> RawSQL:
    """Return SQL selecting the given body ids as one parameter (a JSON list on SQLite, an
    array on PostgreSQL): a subtree or a cut chart of thousands of bodies stays within
    SQLite's cap on parameters, and Django does not resolve each id of a list anew for
    every query (a tenth of a subtree chart's time in a profile)."""
    if connection.vendor == "postgresql":
        return RawSQL("SELECT unnest(%s::bigint[])", [ids])
    return RawSQL("SELECT value FROM json_each(%s)", [json.dumps(ids)])


def _chart_rows(
    *, as_of: dt.date, viewer: Viewer, root: str | None
) -> tuple[list[dict[str, Any]], Any]:
    """Return the ``values()`` rows of the bodies of the chart (unordered, named as of the
    day, only those ``viewer`` may see) and the scope of its terms and mandates: a subquery
    of the subtree's ids, or None for the whole organization. Raise :class:`UnknownBody` for a
    ``root`` never recorded or hidden from the viewer; a ``root`` not alive that day gives
    no rows."""
    bodies = Body.objects.all()
    scope: Any = None
    if root is not None:
        ids = _subtree_ids(root=root, as_of=as_of)
        if not ids:
            if not Body.objects.filter(slug=root).exists():
                raise UnknownBody(root)
            return [], []
        # The ids as one parameter: a list would cost Django a resolution per id per query.
        scope = _chart_scope_sql(ids)
        bodies = bodies.filter(pk__in=scope)
    else:
        bodies = bodies.filter(exists_on(as_of))
    rows = _rows(
        bodies.filter(viewer.body_filter())
        .annotate(name_as_of=body_name_as_of_expression(as_of=as_of))
        .values(
            "id",
            "slug",
            "kind",
            "number",
            "parent_id",
            "parent__slug",
            "parent__internal",
            "name_as_of",
        )
    )
    if root is not None and not any(row["slug"] == root for row in rows):
        raise UnknownBody(root)  # an internal body this viewer may not see
    return rows, scope


def _chart_order(rows: list[dict[str, Any]]) -> list[tuple[dict[str, Any], int, int]]:
    """Return the chart's rows in tree order (parent first; siblings by kind rank, number,
    then name in the default language), each with its depth and its number of children.
    A body whose parent is not in the chart (the root, a parent not alive that day or
    hidden from the viewer) is drawn at the top."""
    lang = organization_language()
    kind_ranks = _kind_ranks()

    def sibling_key(row: dict[str, Any]) -> tuple[Any, ...]:
        number = row["number"]
        return (
            kind_ranks.get(row["kind"], _UNKNOWN_RANK),
            number is None,
            number or 0,
            text_in(row["name_as_of"], lang, lang).casefold(),
            row["slug"],
        )

    present = {row["id"] for row in rows}
    children: dict[int | None, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        parent = row["parent_id"] if row["parent_id"] in present else None
        children[parent].append(row)
    for siblings in children.values():
        siblings.sort(key=sibling_key)
    ordered: list[tuple[dict[str, Any], int, int]] = []
    stack: list[tuple[dict[str, Any], int]] = [(row, 0) for row in reversed(children[None])]
    while stack:
        row, depth = stack.pop()
        below = children.get(row["id"], [])
        ordered.append((row, depth, len(below)))
        stack.extend((child, depth + 1) for child in reversed(below))
    return ordered


def _depth_within(
    ordered: list[tuple[dict[str, Any], int, int]], max_bodies: int, *, least: int
) -> int:
    """Return the deepest level down to which the chart holds at most ``max_bodies`` bodies,
    ``least`` when even that level holds more."""
    per_level: dict[int, int] = defaultdict(int)
    for _row, depth, _below in ordered:
        per_level[depth] += 1
    total, deepest = 0, least
    for depth in sorted(per_level):
        total += per_level[depth]
        if total > max_bodies:
            break
        deepest = max(depth, least)
    return deepest


class _ChartFiller:
    """Build the chart's bodies from their rows: reads the holders and mandates of a scope
    of bodies (three or four queries) and makes :class:`ChartBody` objects of its rows.

    Four fifths of a subtree chart's time went into Python per holder: what repeats
    across holders (a start date, a custodian's name, a hidden person's placeholder) is
    worked out once per chart. (``model_construct`` is no help: pydantic's validating
    constructor is about three times faster.)"""

    def __init__(self, *, as_of: dt.date, viewer: Viewer) -> None:
        self.as_of = as_of
        self.viewer = viewer
        self.role_ranks = _role_ranks()
        self._starts: dict[tuple[dt.date, str], str] = {}
        self._placeholders: dict[tuple[str, int | None], str] = {}
        self._custodian_names: dict[str, Any] = {}

    def fill(self, scope: Any, *, whole: bool = False) -> None:
        """Read the holders and mandates of the bodies in ``scope`` (ids, a subquery, or
        the whole organization with ``whole``)."""
        alive = exists_on(self.as_of, "body__")
        terms = Term.objects.filter(alive) if whole else Term.objects.filter(body_id__in=scope)
        mandates = (
            Mandate.objects.filter(alive) if whole else Mandate.objects.filter(body_id__in=scope)
        )
        viewer = self.viewer
        held = _rows(
            # Through (body, start), not the whole `end` index: see held_on_by_start.
            terms.filter(viewer.body_filter("body__"), held_on_by_start(self.as_of))
            .order_by("start", "person__name", "pk")
            .values(
                "body_id",
                *person_columns("person__"),
                "role",
                "title",
                "start",
                "start_precision",
                "how",
                decision_ref=decision_id_expression(viewer),
                # As text, decoded below once per distinct name rather than once per row.
                custodian_name=Cast(
                    custodian_name_expression("person__"), output_field=models.TextField()
                ),
            )
        )
        self.holders: dict[int, list[dict[str, Any]]] = defaultdict(list)
        names = self._custodian_names
        for term in held:
            raw = term["custodian_name"]
            if raw is not None:
                if raw not in names:
                    names[raw] = json.loads(raw)
                term["custodian_name"] = names[raw]
            # The person as the namer reads them, made once for the namer and the holder.
            term["who"] = person_row(term, "person__")
            self.holders[term["body_id"]].append(term)
        self.namer = PeopleNamer(viewer, [term["who"] for term in held], filtered=False)
        mandate_rows = _rows(
            mandates.filter(viewer.body_filter("body__"), held_on(self.as_of, open_start=True))
            .order_by("slug", "pk")
            .values("body_id", "slug", "holder_role", "transferred_from__slug")
        )
        titles = mandate_names(row["slug"] for row in mandate_rows)
        self.mandates: dict[int, list[ChartMandate]] = defaultdict(list)
        for mandate in mandate_rows:
            self.mandates[mandate["body_id"]].append(
                ChartMandate(
                    mandate=mandate["slug"],
                    name=titles[mandate["slug"]],
                    holder_role=_blank_to_none(mandate["holder_role"]),
                    from_=mandate["transferred_from__slug"],
                )
            )

    def _start(self, day: dt.date, precision: str) -> str:
        # A chart has few distinct start dates: each is written once. (A held term has a
        # start: the column is not null.)
        key = (day, precision)
        if key not in self._starts:
            self._starts[key] = start_text(day, precision) or ""
        return self._starts[key]

    def _name(self, who: dict[str, Any]) -> str:
        if self.namer.sees(who):
            return self.namer.name(who)
        # A placeholder depends only on the call sign and the custodian.
        key = (who["call_sign"], who["custodian_id"])
        if key not in self._placeholders:
            self._placeholders[key] = self.namer.name(who)
        return self._placeholders[key]

    def _holder(self, row: dict[str, Any]) -> Holder:
        who = row["who"]
        return Holder(
            person=self.namer.slug(who),
            name=self._name(who),
            role=row["role"],
            title=row["title"],
            start=self._start(row["start"], row["start_precision"]),
            how=_blank_to_none(row["how"]),
            decision=row["decision_ref"],
        )

    def body(self, row: dict[str, Any], depth: int, *, left_out: int = 0) -> ChartBody:
        """Return the chart's body of ``row`` at ``depth``; ``left_out`` children not drawn."""
        ranks = self.role_ranks
        held = sorted(
            self.holders.get(row["id"], []),
            key=lambda term: (ranks.get(term["role"], _UNKNOWN_RANK), term["role"]),
        )
        fields: dict[str, Any] = {
            "id": row["slug"],
            "name": row["name_as_of"],
            "kind": row["kind"],
            # A parent hidden from the viewer is not named either.
            "parent": (
                row["parent__slug"]
                if self.viewer.sees_body(row["parent_id"], internal=bool(row["parent__internal"]))
                else None
            ),
            "depth": depth,
            "mandates": self.mandates.get(row["id"], []),
            "holders": [self._holder(term) for term in held],
        }
        if left_out:
            fields["children_left_out"] = left_out
        return ChartBody(**fields)


def orgchart_as_of(
    *,
    as_of: dt.date,
    viewer: Viewer,
    root: str | None = None,
    depth: int | None = None,
    max_bodies: int | None = None,
) -> OrgchartOut:
    """Return the organization as it stood on ``as_of``: its bodies in tree order and who
    held which post in each.

    Only bodies that exist on ``as_of`` and terms held on that day appear.
    ``root`` (a body id) restricts the chart to that body and the bodies below
    it; a root that existed but not on ``as_of`` gives an empty chart, an id
    that was never recorded raises :class:`UnknownBody` (a ``Body.DoesNotExist``).

    ``depth`` keeps the bodies down to that depth (0: the top level only);
    ``max_bodies`` keeps whole levels while the chart holds at most that many
    bodies (at least the top level; below a ``root``, at least it and its
    children). A body whose children were left out says
    how many (``children_left_out``): a reader asks for them with ``root``.
    Holders and mandates are read only for the bodies kept.

    The shape is :class:`~chapterhouse.registry.shapes.OrgchartOut` (the Chronicle spec's,
    plus ``depth`` for drawing); names are as of the date.

    Bodies come parent first, siblings by kind rank, number, then name in
    the default language; holders by role rank, then start, then name.
    Runs eight queries with a ``root`` and seven without (one more for a signed-in
    viewer with grants, to tell which holders they may see), whatever the size of
    the organization and the depth.

    Only what ``viewer`` may see is drawn: internal bodies without a grant
    covering them are left out (a body below one is drawn at the top, with no
    parent). A post held by someone the viewer may not see is still a held post:
    it is listed, its holder without an id and named by placeholder
    (:func:`~chapterhouse.custody.access.placeholder_name`). A hidden internal
    ``root`` is an unknown body.
    """
    rows, scope = _chart_rows(as_of=as_of, viewer=viewer, root=root)
    if not rows:
        return OrgchartOut(as_of=as_of.isoformat(), bodies=[])
    ordered = _chart_order(rows)
    if max_bodies is not None:
        limit = _depth_within(ordered, max_bodies, least=0 if root is None else 1)
        depth = limit if depth is None else min(depth, limit)
    filler = _ChartFiller(as_of=as_of, viewer=viewer)
    if depth is not None and any(level > depth for _row, level, _below in ordered):
        ordered = [entry for entry in ordered if entry[1] <= depth]
        filler.fill(_chart_scope_sql([row["id"] for row, _level, _below in ordered]))
        bodies = [
            filler.body(row, level, left_out=below if level == depth else 0)
            for row, level, below in ordered
        ]
    else:
        filler.fill(scope, whole=scope is None)
        bodies = [filler.body(row, level) for row, level, _below in ordered]
    return OrgchartOut(as_of=as_of.isoformat(), bodies=bodies)


# Bodies per batch of a streamed chart: each batch reads its holders and mandates in three
# or four queries, so the first bodies go out after the tree and one batch are read.
_STREAM_BATCH = 300


def orgchart_stream(
    *, as_of: dt.date, viewer: Viewer, root: str | None = None
) -> Iterator[ChartBody]:
    """Return the bodies of :func:`orgchart_as_of` (same arguments, same bodies, same
    order) as an iterator that reads their holders and mandates batch by batch, for the
    whole chart of a large organization: its first bodies are ready after the tree is
    read, not after every holder is.

    The tree (the bodies, their names and order) is read now, so an unknown ``root``
    raises :class:`UnknownBody` here; the rest as the iterator is consumed, in about
    three queries per few hundred bodies.
    """
    rows, _scope = _chart_rows(as_of=as_of, viewer=viewer, root=root)
    ordered = _chart_order(rows) if rows else []
    return _chart_batches(ordered, as_of=as_of, viewer=viewer)


def _chart_batches(
    ordered: list[tuple[dict[str, Any], int, int]], *, as_of: dt.date, viewer: Viewer
) -> Iterator[ChartBody]:
    if not ordered:
        return
    filler = _ChartFiller(as_of=as_of, viewer=viewer)
    for first in range(0, len(ordered), _STREAM_BATCH):
        batch = ordered[first : first + _STREAM_BATCH]
        filler.fill([row["id"] for row, _level, _below in batch])
        for row, level, _below in batch:
            yield filler.body(row, level)


# --- what changed between two dates ----------------------------------------


def _name_on_row(*, outer: str, day: str, last: bool = False) -> Coalesce:
    """Return an expression for the name a body bore on each row's own day: ``day`` names
    the row's date column (e.g. ``"start"``); with ``last`` the day before it (an exclusive
    end: the body's name on the last day something held)."""
    since = {"start__lt" if last else "start__lte": OuterRef(day)}
    return _body_name_started(outer, **since)


# The kinds of change a diff lists, in the order of its lists; each list is read in the
# order of its key (a date, then what tells apart rows of one day), which is also what a
# cursor carries: keyset pages, so that page 1,000 costs what page 1 does.
DIFF_KINDS: tuple[str, ...] = get_args(DiffKind)
_DIFF_KEYS: dict[str, tuple[str, ...]] = {
    "started": ("start", "id"),
    "ended": ("end", "id"),
    "bodies_founded": ("founded", "slug"),
    "bodies_dissolved": ("dissolved", "slug"),
    "renamed": ("start", "id"),
    "mandates_moved": ("start", "slug", "body__slug", "id"),
}
DIFF_PAGE_SIZE = 100
"""How many changes of each kind a diff's page lists unless asked for another number."""


def _check_period(start: dt.date, end: dt.date) -> None:
    if start > end:
        raise ValueError(
            _("the period must start on or before its end (from %(start)s to %(end)s)")
            % {"start": start.isoformat(), "end": end.isoformat()}
        )


def _diff_all_changes(*, start: dt.date, end: dt.date) -> dict[str, Any]:
    """Return, by kind, the query of every change of ``start <= day <= end``, whoever may
    see it, unordered and without columns."""
    return {
        "started": Term.objects.filter(happened_between("start", start, end)),
        "ended": Term.objects.filter(happened_between("end", start, end)),
        "bodies_founded": Body.objects.filter(happened_between("founded", start, end)),
        "bodies_dissolved": Body.objects.filter(happened_between("dissolved", start, end)),
        "renamed": BodyName.objects.filter(happened_between("start", start, end)),
        "mandates_moved": Mandate.objects.filter(
            happened_between("start", start, end), transferred_from__isnull=False
        ),
    }


# The bodies a change belongs to, by kind: it is hidden when any of them is.
_DIFF_BODIES: dict[str, tuple[str, ...]] = {
    "started": ("body",),
    "ended": ("body",),
    "bodies_founded": ("",),
    "bodies_dissolved": ("",),
    "renamed": ("body",),
    "mandates_moved": ("body", "transferred_from"),
}


def _diff_changes(*, start: dt.date, end: dt.date, viewer: Viewer) -> dict[str, Any]:
    """Return, by kind, the query of the changes of ``start <= day <= end`` that ``viewer``
    may see, unordered and without columns: what the lists read."""
    changes = _diff_all_changes(start=start, end=end)
    for kind, paths in _DIFF_BODIES.items():
        for path in paths:
            changes[kind] = changes[kind].filter(viewer.body_filter(f"{path}__" if path else ""))
    return changes


def _diff_hidden(kind: str, changes: Any, hidden: list[int]) -> Any:
    """Return the changes of ``changes`` that belong to one of the ``hidden`` bodies."""
    condition = Q()
    for path in _DIFF_BODIES[kind]:
        condition |= Q(**{f"{path}_id__in" if path else "pk__in": hidden})
    return changes.filter(condition)


def _diff_columns(kind: str, changes: Any, viewer: Viewer) -> Any:
    """Return the ``values()`` query of one kind's rows, in the order of its key."""
    ordered = changes.order_by(*_DIFF_KEYS[kind])
    if kind in ("started", "ended"):
        day = "start" if kind == "started" else "end"
        return ordered.annotate(custodian_name=custodian_name_expression("person__")).values(
            *_TERM_FIELDS,
            "custodian_name",
            "term_length",
            body_name=_name_on_row(outer="body_id", day=day, last=kind == "ended"),
            **_term_decisions(viewer),
        )
    if kind in ("bodies_founded", "bodies_dissolved"):
        day = "founded" if kind == "bodies_founded" else "dissolved"
        return ordered.values(
            "slug",
            day,
            f"{day}_precision",
            name_then=_name_on_row(outer="pk", day=day, last=day == "dissolved"),
            decision_ref=decision_id_expression(viewer, f"{day}_by"),
        )
    if kind == "renamed":
        return ordered.values(
            "id",
            "body__slug",
            "name",
            "start",
            previous_name=_name_on_row(outer="body_id", day="start", last=True),
            decision_ref=decision_id_expression(viewer),
        )
    return ordered.values(
        "id",
        "slug",
        "transferred_from__slug",
        "body__slug",
        "holder_role",
        "start",
        "start_precision",
        from_name=_name_on_row(outer="transferred_from_id", day="start", last=True),
        to_name=_name_on_row(outer="body_id", day="start"),
        decision_ref=decision_id_expression(viewer),
    )


def _diff_rows(
    kind: str, changes: Any, viewer: Viewer, *, after: list[Any] | None, limit: int | None
) -> tuple[list[dict[str, Any]], str | None]:
    """Return up to ``limit`` rows of one kind after the key ``after`` (all of them without
    a limit), and the cursor of the next page (None when these are the last)."""
    key = _DIFF_KEYS[kind]
    if after is not None:
        changes = changes.filter(after_key(key, after))
    query = _diff_columns(kind, changes, viewer)
    rows = _rows(query if limit is None else query[: limit + 1])
    if limit is None or len(rows) <= limit:
        return rows, None
    rows = rows[:limit]
    last = rows[-1]
    values = [
        last[field].isoformat() if index == 0 else last[field] for index, field in enumerate(key)
    ]
    return rows, cursor_text([kind, *values])


def _diff_cursor(cursor: str) -> tuple[str, list[Any]]:
    """Return the kind and the last key a diff's cursor carries; raise ``BadCursor`` for a
    cursor this diff did not write."""
    values = cursor_values(cursor)
    if not values or not isinstance(values[0], str) or values[0] not in _DIFF_KEYS:
        raise BadCursor(cursor)
    kind, key = values[0], values[1:]
    fields = _DIFF_KEYS[kind]
    if len(key) != len(fields):
        raise BadCursor(cursor)
    after: list[Any] = []
    for index, (field, value) in enumerate(zip(fields, key, strict=True)):
        if index == 0:
            try:
                after.append(dt.date.fromisoformat(value))
            except (TypeError, ValueError):
                raise BadCursor(cursor) from None
        elif field == "id":
            if type(value) is not int:
                raise BadCursor(cursor)
            after.append(value)
        elif isinstance(value, str):
            after.append(value)
        else:
            raise BadCursor(cursor)
    return kind, after


def _diff_term(row: dict[str, Any], namer: PeopleNamer) -> DiffTerm:
    """Return a term of the diff: the spec's term, the body's name on the day and the
    decision that set its end (the one that ended it early, else the one whose term length
    gave the end, whose reason is then ``term_expired``)."""
    term = _term_fields(row, namer)
    end_decision = term["ended_by"]
    if row["end"] is not None and row["term_length"] and not row["ended_by_ref"]:
        if term["reason"] is None:
            term["reason"] = "term_expired"
        end_decision = row["decision_ref"]
    return DiffTerm(**term, body_name=row["body_name"], end_decision=end_decision)


def _diff_body(row: Any, date: str | None) -> BodyEvent:
    """A body founded or dissolved in a diff: its id, its name then, the day, the decision."""
    return BodyEvent(
        body=row["slug"], name=row["name_then"], date=date, decision=row["decision_ref"]
    )


def _diff_shapes(rows: dict[str, list[dict[str, Any]]], viewer: Viewer) -> dict[str, list[Any]]:
    """Return the rows of each kind as the shapes of :class:`DiffOut`'s lists (the people of
    the terms named for ``viewer`` together: one namer, its queries once)."""
    started, ended = rows.get("started", []), rows.get("ended", [])
    namer = _namer(viewer, started + ended, filtered=False)
    moved = rows.get("mandates_moved", [])
    mandates = mandate_names({row["slug"] for row in moved}) if moved else {}
    return {
        "started": [_diff_term(row, namer) for row in started],
        "ended": [_diff_term(row, namer) for row in ended],
        "bodies_founded": [
            _diff_body(row, _start_text(row["founded"], row["founded_precision"]))
            for row in rows.get("bodies_founded", [])
        ],
        "bodies_dissolved": [
            _diff_body(row, _end_text(row["dissolved"], row["dissolved_precision"]))
            for row in rows.get("bodies_dissolved", [])
        ],
        "renamed": [
            Rename(
                body=row["body__slug"],
                name=row["name"],
                previous_name=row["previous_name"],
                date=row["start"].isoformat(),
                decision=row["decision_ref"],
            )
            for row in rows.get("renamed", [])
        ],
        "mandates_moved": [
            MandateMove(
                mandate=row["slug"],
                mandate_name=mandates.get(row["slug"], row["slug"]),
                from_=row["transferred_from__slug"],
                from_name=row["from_name"],
                to=row["body__slug"],
                to_name=row["to_name"],
                holder_role=_blank_to_none(row["holder_role"]),
                date=_start_text(row["start"], row["start_precision"]),
                decision=row["decision_ref"],
            )
            for row in moved
        ],
    }


def _diff_out(
    start: dt.date,
    end: dt.date,
    shapes: dict[str, list[Any]],
    counts: dict[str, int],
    cursors: dict[str, str | None] | None,
) -> DiffOut:
    return DiffOut(
        from_=start.isoformat(),
        to=end.isoformat(),
        **shapes,
        founded=[event.body for event in shapes["bodies_founded"]],
        dissolved=[event.body for event in shapes["bodies_dissolved"]],
        counts=DiffCounts(**counts),
        next=None if cursors is None else DiffNext(**cursors),
    )


def diff_between(*, start: dt.date, end: dt.date, viewer: Viewer) -> DiffOut:
    """Return everything that changed on the days ``start <= day <= end`` (both included).

    A change happened on the day it took effect: a term *started* on its first
    day and *ended* on the first day it was no longer held (its exclusive end,
    the day of the decision that ended it); a body was *founded* or
    *dissolved* likewise; a mandate *moved* when a transferred mandate starts
    in the range (the day its old body is dissolved). Raise ``ValueError``
    when ``start`` is after ``end``.

    The shape is :class:`~chapterhouse.registry.shapes.DiffOut` (the Chronicle spec's,
    plus ``renamed``, each move's ``date``, and the names and decisions a reader needs).
    Names are Texts as they stood on the day (a dissolved body's on its last
    day); a term whose end its term length gave has the reason ``term_expired``
    and, as ``end_decision``, the decision that set the length. Lists are in
    time order; ``counts`` are their lengths and ``next`` is None. Runs six queries,
    each a range over one date column (Term.start, Term.end, Body.founded,
    Body.dissolved, BodyName.start, Mandate.start), and ``mandate_names``'s one when
    mandates moved; bodies' names are subqueries on the (body, start) index.

    Its cost grows with the number of changes (a busy January holds tens of thousands):
    pages and the API's first answer read :func:`diff_page`, the command streams
    :func:`diff_pages`.

    What ``viewer`` may not see is left out (internal bodies, and the changes
    of their terms and mandates); a person the viewer may not see appears by
    placeholder (``"person": None``, ``"name"``: call sign or "a member of …"),
    as the diff is a public record of the posts.
    """
    _check_period(start, end)
    changes = _diff_changes(start=start, end=end, viewer=viewer)
    rows = {
        kind: _diff_rows(kind, changes[kind], viewer, after=None, limit=None)[0]
        for kind in DIFF_KINDS
    }
    shapes = _diff_shapes(rows, viewer)
    return _diff_out(start, end, shapes, {kind: len(rows[kind]) for kind in DIFF_KINDS}, None)


def diff_counts(*, start: dt.date, end: dt.date, viewer: Viewer) -> dict[str, int]:
    """Return how many changes of each kind (:data:`DIFF_KINDS`) happened on the days
    ``start <= day <= end``, counting only what ``viewer`` would see listed by
    :func:`diff_between`. Six COUNT queries on the date indexes, and for a viewer who is
    not an administrator one for the internal bodies they may not see and, when there are
    any, six more for those bodies' changes; raise ``ValueError`` when ``start`` is after
    ``end``."""
    _check_period(start, end)
    hidden = viewer.hidden_body_ids(at_most=_ID_LIST_LIMIT)
    if hidden is None:  # many internal bodies: count through the viewer's filter
        changes = _diff_changes(start=start, end=end, viewer=viewer)
        return {kind: changes[kind].count() for kind in DIFF_KINDS}
    # Everything, on the date index alone, minus the few rows of the bodies the viewer may
    # not see, on the (body, date) indexes: filtering each row through its body instead
    # costs a join per change (1.3 s instead of 6 ms for ten years of 100,000 people).
    every = _diff_all_changes(start=start, end=end)
    return {
        kind: every[kind].count()
        - (_diff_hidden(kind, every[kind], hidden).count() if hidden else 0)
        for kind in DIFF_KINDS
    }


def diff_page(
    *,
    start: dt.date,
    end: dt.date,
    viewer: Viewer,
    limit: int = DIFF_PAGE_SIZE,
    cursor: str | None = None,
    kind: str | None = None,
    counts: dict[str, int] | None = None,
) -> DiffOut:
    """Return a page of what changed on the days ``start <= day <= end``: ``counts`` of every
    kind, then the first ``limit`` changes of each kind and, in ``next``, the cursor of
    each kind's next page (None when the list is complete).

    With ``cursor`` (a value of a previous page's ``next``), return the ``limit`` changes of
    that cursor's kind that follow it, the other lists empty (``kind``, when given, must be
    the cursor's: a ``BadCursor`` otherwise); with ``kind`` alone, the first page of that
    kind only. The changes, their order and
    what ``viewer`` sees are :func:`diff_between`'s: all the pages of a kind put together
    are its list. Raise ``BadCursor`` (a ``ValueError``) for a cursor this function did
    not write, ``ValueError`` when ``start`` is after ``end``.

    Runs a fixed number of queries whatever the range (six counts, one per kind listed,
    the namer's and ``mandate_names``'s), each reading at most ``limit + 1`` rows;
    ``counts`` from :func:`diff_counts` (same period and viewer) saves the six counts.
    """
    if limit < 1:
        raise ValueError(limit)
    _check_period(start, end)
    changes = _diff_changes(start=start, end=end, viewer=viewer)
    if counts is None:
        counts = diff_counts(start=start, end=end, viewer=viewer)
    wanted: dict[str, list[Any] | None] = dict.fromkeys(DIFF_KINDS)
    if kind is not None and cursor is None:
        if kind not in _DIFF_KEYS:
            raise ValueError(kind)
        wanted = {kind: None}
    if cursor is not None:
        paged, last_key = _diff_cursor(cursor)
        if kind is not None and kind != paged:
            raise BadCursor(cursor)
        wanted = {paged: last_key}
    rows: dict[str, list[dict[str, Any]]] = {listed: [] for listed in DIFF_KINDS}
    cursors: dict[str, str | None] = dict.fromkeys(DIFF_KINDS)
    for listed, after in wanted.items():
        # A kind counted empty has nothing to list: its query is not run.
        if counts[listed]:
            rows[listed], cursors[listed] = _diff_rows(
                listed, changes[listed], viewer, after=after, limit=limit
            )
    return _diff_out(start, end, _diff_shapes(rows, viewer), counts, cursors)


def diff_pages(
    *, start: dt.date, end: dt.date, viewer: Viewer, kind: str, size: int = 1_000
) -> Iterator[list[Any]]:
    """Yield the changes of one ``kind`` (:data:`DIFF_KINDS`) of the days ``start <= day <=
    end`` a page of ``size`` at a time, as :func:`diff_between` lists them: for a command
    that writes as it reads, its memory bounded by the page whatever the range. Raise
    ``ValueError`` (at once, not on the first page) when ``start`` is after ``end``."""
    _check_period(start, end)
    changes = _diff_changes(start=start, end=end, viewer=viewer)[kind]

    def pages() -> Iterator[list[Any]]:
        after: list[Any] | None = None
        while True:
            rows, cursor = _diff_rows(kind, changes, viewer, after=after, limit=size)
            if rows:
                yield _diff_shapes({kind: rows}, viewer)[kind]
            if cursor is None:
                return
            after = _diff_cursor(cursor)[1]

    return pages()


# --- a person's history ----------------------------------------------------


def person_history(*, person: str, viewer: Viewer) -> HistoryOut:
    """Return every post ``person`` (an id) held, their outside posts and their honours,
    each in time order, as ``viewer`` may see them.

    Raise ``Person.DoesNotExist`` for an unknown id and for a person the viewer
    may not see (their existence does not leak). The name is the viewer's
    display name (a call sign hides the real name from non-custodians); posts
    in internal bodies the viewer may not see and private outside posts (for
    non-custodians) are left out. The shape is
    :class:`~chapterhouse.registry.shapes.HistoryOut`; each term has the body's name
    when it started.

    Affiliations without a start come first. Runs five queries.
    """
    from chapterhouse.relations.models import Affiliation, Award

    found = Person.objects.filter(viewer.people_filter()).values(*person_columns()).get(slug=person)
    terms = list(
        Term.objects.filter(person_id=found["id"])
        .filter(viewer.body_filter("body__"))
        .order_by("start", "pk")
        .values(*_TERM_FIELDS, "body_id", "body__name", **_term_decisions(viewer))
    )
    renames: dict[int, list[tuple[dt.date, Text]]] = defaultdict(list)
    for body_id, start, name in (
        BodyName.objects.filter(body_id__in={row["body_id"] for row in terms})
        .order_by("start", "pk")
        .values_list("body_id", "start", "name")
    ):
        renames[body_id].append((start, name))

    def name_on(row: dict[str, Any]) -> Text:
        name: Text = row["body__name"]
        for start, renamed in renames.get(row["body_id"], []):
            if start <= row["start"]:
                name = renamed
        return name

    outside = Affiliation.objects.filter(person_id=found["id"])
    if not viewer.sees_personal_data(found):
        outside = outside.filter(private=False)
    affiliations = outside.order_by(F("start").asc(nulls_first=True), "position", "pk").values(
        "partner__slug",
        "partner__name",
        "title",
        "start",
        "start_precision",
        "end",
        "end_precision",
        "private",
    )
    awards = (
        Award.objects.filter(person_id=found["id"])
        .order_by("date", "pk")
        .values(
            "honour__slug",
            "honour__name",
            "date",
            decision_ref=decision_id_expression(viewer),
            citation_ref=document_id_expression(viewer, "citation"),
        )
    )
    # The person is named with the holders of their posts: their names in the reader's
    # language in one query.
    named = person_row(found)
    namer = PeopleNamer(
        viewer, [person_row(row, "person__") for row in terms], filtered=True, seen=[named]
    )
    return HistoryOut(
        person=found["slug"],
        name=namer.name(named),
        terms=[HistoryTerm(**_term_fields(row, namer), body_name=name_on(row)) for row in terms],
        affiliations=[
            AffiliationOut(
                partner=row["partner__slug"],
                partner_name=row["partner__name"],
                title=row["title"],
                start=start_text(row["start"], row["start_precision"]),
                end=end_text(row["end"], row["end_precision"]),
                private=row["private"],
            )
            for row in affiliations
        ],
        awards=[
            HistoryAward(
                honour=row["honour__slug"],
                honour_name=row["honour__name"],
                date=row["date"].isoformat(),
                decision=row["decision_ref"],
                citation=row["citation_ref"],
            )
            for row in awards
        ],
    )


# --- finding people --------------------------------------------------------


def people_visible(*, viewer: Viewer) -> models.QuerySet[Person]:
    """Return the people ``viewer`` may see, unordered; name them with
    ``viewer.display_name``. To find people by name, see `registry.search.search_people`."""
    return Person.objects.filter(viewer.people_filter())


# --- a body's page ---------------------------------------------------------


def body_overview(*, body: str, as_of: dt.date, viewer: Viewer) -> BodyOut:
    """Return what the page of ``body`` (an id) shows as of ``as_of`` to ``viewer``.

    Raise ``Body.DoesNotExist`` for an unknown id and for an internal body the
    viewer may not see. A post held by someone the viewer may not see is still a
    held post: it is listed (and on the timeline), its holder without an id and named
    by placeholder; hidden internal bodies are not named as parent, child or the
    other side of a mandate's hand-over.

    The shape is :class:`~chapterhouse.registry.shapes.BodyOut`: the body named as of
    the date, its renames oldest first, its parent and its children alive on ``as_of``
    (in chart order), the terms held on ``as_of`` (``holders``, by role rank), those whose
    last day is before it (``past_holders``) and those starting after it
    (``future_holders``), its mandates and its timeline (:func:`_body_timeline`).
    Bodies on the other side of a hand-over bear the name they had that day; mandates
    their names from :func:`~chapterhouse.registry.mandates.mandate_names`. Runs ten
    queries (one more for a signed-in viewer with grants, to tell which holders they may
    see); the number of terms listed grows with the body's history.
    """
    found = _body_found(body=body, as_of=as_of, viewer=viewer)
    names = _rows(
        BodyName.objects.filter(body=found)
        .order_by("start", "pk")
        .values("name", "start", decision_ref=decision_id_expression(viewer))
    )
    children = _body_children(found=found, as_of=as_of, viewer=viewer)
    role_ranks = _role_ranks()
    terms = _rows(
        Term.objects.filter(body=found)
        .order_by("start", "pk")
        .values(
            *_TERM_FIELDS,
            **_term_decisions(viewer),
            custodian_name=custodian_name_expression("person__"),
        )
    )
    namer = _namer(viewer, terms, filtered=False)
    mandates = _body_mandates_received(found=found, viewer=viewer)
    handed_over = _body_mandates_handed_over(found=found, viewer=viewer)
    titles = mandate_names({row["slug"] for row in mandates} | set(handed_over))

    holders = []
    past = []
    future = []
    for row in terms:
        if row["start"] > as_of:
            future.append(TermShape(**_term_fields(row, namer)))
        elif row["end"] is not None and row["end"] <= as_of:
            past.append(TermShape(**_term_fields(row, namer)))
        else:
            holders.append(row)
    holders.sort(key=lambda row: (role_ranks.get(row["role"], _UNKNOWN_RANK), row["role"]))

    alive = is_held(found.founded, found.dissolved, as_of)
    return BodyOut(
        id=found.slug,
        as_of=as_of.isoformat(),
        kind=found.kind,
        name=found.name_as_of,  # type: ignore[attr-defined]
        founding_name=found.name,
        names=[
            BodyNameOut(
                name=row["name"], start=row["start"].isoformat(), decision=row["decision_ref"]
            )
            for row in names
        ],
        aliases=found.aliases,
        number=found.number,
        countries=found.countries,
        region=found.region,
        institution=found.institution,
        affiliated=found.affiliated,
        founded=start_text(found.founded, found.founded_precision),
        dissolved=end_text(found.dissolved, found.dissolved_precision),
        founded_by=found.founded_by_ref,  # type: ignore[attr-defined]
        dissolved_by=found.dissolved_by_ref,  # type: ignore[attr-defined]
        exists=alive,
        parent=(
            Ref(id=found.parent.slug, name=found.parent_name_as_of)  # type: ignore[attr-defined]
            if found.parent is not None
            and viewer.sees_body(found.parent.pk, internal=found.parent.internal)
            else None
        ),
        children=children,
        holders=[_holder(row, namer) for row in holders],
        past_holders=past,
        future_holders=future,
        mandates=[_body_mandate(row, titles, handed_over.get(row["slug"], [])) for row in mandates],
        timeline=_body_timeline(
            found=found,
            names=names,
            mandates=mandates,
            terms=terms,
            handed_over=handed_over,
            titles=titles,
            namer=namer,
        ),
    )


def _body_found(*, body: str, as_of: dt.date, viewer: Viewer) -> Body:
    """Return the body ``body`` (an id) if ``viewer`` may see it, with its parent, its and
    its parent's names on ``as_of`` and the decisions that founded and dissolved it."""
    return (
        Body.objects.filter(viewer.body_filter())
        .select_related("parent")
        .annotate(
            founded_by_ref=decision_id_expression(viewer, "founded_by"),
            dissolved_by_ref=decision_id_expression(viewer, "dissolved_by"),
            name_as_of=body_name_as_of_expression(as_of=as_of),
            parent_name_as_of=body_name_as_of_expression(as_of=as_of, outer="parent_id"),
        )
        .get(slug=body)
    )


def _body_children(*, found: Body, as_of: dt.date, viewer: Viewer) -> list[KindRef]:
    """Return the bodies below ``found`` alive on ``as_of`` that ``viewer`` may see, named as
    on that day, in chart order (kind rank, number, then name in the default language)."""
    kind_ranks = _kind_ranks()
    lang = organization_language()
    rows = sorted(
        Body.objects.filter(parent=found)
        .filter(exists_on(as_of), viewer.body_filter())
        .annotate(name_as_of=body_name_as_of_expression(as_of=as_of))
        .values("slug", "kind", "number", "name_as_of"),
        key=lambda row: (
            kind_ranks.get(row["kind"], _UNKNOWN_RANK),
            row["number"] is None,
            row["number"] or 0,
            text_in(row["name_as_of"], lang, lang).casefold(),
            row["slug"],
        ),
    )
    return [KindRef(id=row["slug"], name=row["name_as_of"], kind=row["kind"]) for row in rows]


def _body_mandates_received(*, found: Body, viewer: Viewer) -> list[dict[str, Any]]:
    """Return the mandates ``found`` held, as ``values()`` rows: the body each came from
    (named on its last day with it) is left unnamed when ``viewer`` may not see it."""
    rows = _rows(
        Mandate.objects.filter(body=found)
        .order_by(F("start").asc(nulls_first=True), "slug", "pk")
        .values(
            "id",
            "slug",
            "holder_role",
            "start",
            "start_precision",
            "end",
            "end_precision",
            "transferred_from_id",
            "transferred_from__slug",
            "transferred_from__internal",
            "decision_id",
            decision_ref=decision_id_expression(viewer),
            ended_by_ref=decision_id_expression(viewer, "ended_by"),
            from_name=body_name_on_row_day_expression(
                body="transferred_from", day="start", before=True
            ),
        )
    )
    for row in rows:
        if not viewer.sees_body(
            row["transferred_from_id"], internal=bool(row["transferred_from__internal"])
        ):
            row["transferred_from__slug"] = None
            row["from_name"] = None
    return rows


def _body_mandates_handed_over(*, found: Body, viewer: Viewer) -> dict[str, list[dict[str, Any]]]:
    """Return the mandates ``found`` handed over to bodies ``viewer`` may see, by mandate id:
    ``values()`` rows of the receiving mandates, each body named as on its first day."""
    handed_over: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in _rows(
        Mandate.objects.filter(transferred_from=found)
        .filter(viewer.body_filter("body__"))
        .order_by("start", "body__slug", "pk")
        .values(
            "slug",
            "body__slug",
            "holder_role",
            "start",
            "start_precision",
            decision_ref=decision_id_expression(viewer),
            body_name=body_name_on_row_day_expression(body="body", day="start"),
        )
    ):
        handed_over[row["slug"]].append(row)
    return handed_over


def _body_mandate(
    row: dict[str, Any], titles: dict[str, Text], handed_over: list[dict[str, Any]]
) -> BodyMandate:
    """Return one of a body's mandates for its page: named, with the bodies it came from
    and went to (on the day it ended) named as they were on the day of the hand-over."""
    targets = [
        target for target in handed_over if row["end"] is not None and target["start"] == row["end"]
    ]
    return BodyMandate(
        mandate=row["slug"],
        name=titles[row["slug"]],
        holder_role=_blank_to_none(row["holder_role"]),
        start=start_text(row["start"], row["start_precision"]),
        end=end_text(row["end"], row["end_precision"]),
        from_=row["transferred_from__slug"],
        from_name=row["from_name"],
        to=[target["body__slug"] for target in targets],
        to_bodies=[Ref(id=target["body__slug"], name=target["body_name"]) for target in targets],
        decision=row["decision_ref"],
        ended_by=row["ended_by_ref"],
    )


# --- a body's timeline -----------------------------------------------------


def _event(day: dt.date, written: str | None, event: str, **details: Any) -> TimelineEvent:
    return TimelineEvent(day=day.isoformat(), date=written, event=event, **details)


def _body_timeline(
    *,
    found: Body,
    names: list[dict[str, Any]],
    mandates: list[dict[str, Any]],
    terms: list[dict[str, Any]],
    handed_over: dict[str, list[dict[str, Any]]],
    titles: dict[str, Text],
    namer: PeopleNamer,
) -> list[TimelineEvent]:
    """Return the events of a body's life in time order (same-day events in
    :data:`_EVENT_ORDER`), each with ``day`` (the ISO day it happened, an ending's last
    day), ``date`` (as written), ``event`` and ``decision``, and its own details (which
    the API does not write):

    * ``founded`` and ``dissolved``: none;
    * ``renamed``: ``name``;
    * ``mandate_received``: ``mandate``, ``mandate_name``, ``from_``, ``from_name``,
      ``holder_role``;
    * ``term_started`` and ``term_ended``: ``person``, ``name``, ``role``, ``title``, plus
      ``how`` or ``reason``;
    * ``mandate_handed_over``: ``mandate``, ``mandate_name``, ``to``: [id],
      ``to_bodies``: [Ref], ``holder_role``.

    The rows are those :func:`body_overview` read; no query."""
    timeline = [
        *_life_events(found),
        *_rename_events(names),
        *_mandate_received_events(mandates, titles),
        *_term_events(terms, namer),
        *_mandate_handed_over_events(handed_over, titles),
    ]
    timeline.sort(key=lambda event: (event.day, _EVENT_ORDER[event.event]))
    return timeline


def _life_events(found: Body) -> list[TimelineEvent]:
    """The body's founding and dissolution, when recorded."""
    events = []
    if found.founded is not None:
        events.append(
            _event(
                found.founded,
                start_text(found.founded, found.founded_precision),
                "founded",
                decision=found.founded_by_ref,  # type: ignore[attr-defined]
            )
        )
    if found.dissolved is not None:
        events.append(
            _event(
                found.dissolved - _ONE_DAY,
                end_text(found.dissolved, found.dissolved_precision),
                "dissolved",
                decision=found.dissolved_by_ref,  # type: ignore[attr-defined]
            )
        )
    return events


def _rename_events(names: list[dict[str, Any]]) -> list[TimelineEvent]:
    return [
        _event(
            row["start"],
            row["start"].isoformat(),
            "renamed",
            name=row["name"],
            decision=row["decision_ref"],
        )
        for row in names
    ]


def _mandate_received_events(
    mandates: list[dict[str, Any]], titles: dict[str, Text]
) -> list[TimelineEvent]:
    """The mandates handed to the body by another body or by a decision (not the ones it was
    founded with), on the day it received them."""
    events = []
    for row in mandates:
        received = row["transferred_from__slug"] is not None or row["decision_id"] is not None
        if received and row["start"] is not None:
            events.append(
                _event(
                    row["start"],
                    start_text(row["start"], row["start_precision"]),
                    "mandate_received",
                    mandate=row["slug"],
                    mandate_name=titles[row["slug"]],
                    from_=row["transferred_from__slug"],
                    from_name=row["from_name"],
                    holder_role=_blank_to_none(row["holder_role"]),
                    decision=row["decision_ref"],
                )
            )
    return events


def _term_events(terms: list[dict[str, Any]], namer: PeopleNamer) -> list[TimelineEvent]:
    """The start of every term and the last day of every ended one."""
    events = []
    for row in terms:
        person = person_row(row, "person__")
        who = {
            "person": namer.slug(person),
            "name": namer.name(person),
            "role": row["role"],
            "title": row["title"],
        }
        events.append(
            _event(
                row["start"],
                start_text(row["start"], row["start_precision"]),
                "term_started",
                **who,
                how=_blank_to_none(row["how"]),
                decision=row["decision_ref"],
            )
        )
        if row["end"] is not None:
            events.append(
                _event(
                    row["end"] - _ONE_DAY,
                    end_text(row["end"], row["end_precision"]),
                    "term_ended",
                    **who,
                    reason=_blank_to_none(row["end_reason"]),
                    decision=row["ended_by_ref"],
                )
            )
    return events


def _mandate_handed_over_events(
    handed_over: dict[str, list[dict[str, Any]]], titles: dict[str, Text]
) -> list[TimelineEvent]:
    events = []
    for slug, rows in handed_over.items():
        # One decision hands a mandate over to many bodies at once (every executive
        # committee); the timeline shows that as one event per decision and day.
        groups: dict[tuple[dt.date, str | None, str], list[dict[str, Any]]] = defaultdict(list)
        for row in rows:
            groups[(row["start"], row["decision_ref"], row["holder_role"])].append(row)
        for (day, decision, holder_role), targets in groups.items():
            events.append(
                _event(
                    day,
                    start_text(day, targets[0]["start_precision"]),
                    "mandate_handed_over",
                    mandate=slug,
                    mandate_name=titles[slug],
                    to=[row["body__slug"] for row in targets],
                    to_bodies=[Ref(id=row["body__slug"], name=row["body_name"]) for row in targets],
                    holder_role=_blank_to_none(holder_role),
                    decision=decision,
                )
            )
    return events


def declared_vocabulary() -> dict[str, dict[str, Any]]:
    """Return the body kinds and roles the organization declared, as
    ``{"kinds": {slug: name}, "roles": {slug: name}}`` (names are Texts)."""
    return {
        "kinds": dict(BodyKind.objects.values_list("slug", "name")),
        "roles": dict(Role.objects.values_list("slug", "name")),
    }
