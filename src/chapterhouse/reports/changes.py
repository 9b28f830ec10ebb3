"""What changed in the organization over a date range, grouped the way a secretary writes it.

``changes_grouped`` reads the same records as ``registry.selectors.diff_between``
(terms started and ended, bodies founded, dissolved and renamed, mandates that
moved), optionally only those made by a given set of decisions, and returns
sentences' worth of data in one language: people elected or appointed to each
body grouped by body and role, each with their *principal post* at the time;
candidate members apart; ended terms; bodies founded and dissolved with the
mandates that moved and the bodies (by name) that received them.

The principal post of a person, on the day their new post starts, is their
highest-ranked *other* post held that day (a post in the same body and role as
the group is not "other"): lowest role rank first, then lowest body-kind rank
(a coordination committee before a department before an executive committee),
then the earlier start. Terms started on the same day count, so someone elected
head of a committee and member of the council at once is listed among the
council's new members as that committee's head. A person with no other post
gets none.

Words come from gettext in the report's language; lists are joined by CLDR;
names go through the Text fallback chain (requested → default → any) and are
never empty. Runs a fixed number of queries (about ten) whatever the range.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Max, Min, Model, Q, QuerySet
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from chapterhouse.core.cldr import catalogue_code, date_full, list_join
from chapterhouse.core.intervals import happened_between, overlaps_days
from chapterhouse.core.labels import label
from chapterhouse.core.text import Text, text_in
from chapterhouse.core.vocabulary import BUILTIN_BODY_KINDS, BUILTIN_ROLES
from chapterhouse.custody.access import (
    PeopleNamer,
    Viewer,
    custodian_name_expression,
    decision_id_expression,
    person_columns,
    person_row,
)
from chapterhouse.registry.mandates import mandate_names
from chapterhouse.registry.models import Body, BodyKind, BodyName, Mandate, Organization, Role, Term
from chapterhouse.reports.markdown import md

_ONE_DAY = dt.timedelta(days=1)
_UNKNOWN_RANK = 10_000
# Roles whose holders a secretary lists apart from the full members.
CANDIDATE_ROLES = frozenset({"candidate_member"})

Decisions = Iterable[int] | QuerySet[Any] | None


# -- the words of one language ---------------------------------------------------------------


class Words:
    """Names and vocabulary in one language, with the organization's fallbacks.

    Built once per report (two small queries for the declared kinds and roles,
    one for the organization's default language).
    """

    def __init__(self, lang: str, *, default: str | None = None) -> None:
        self.lang = lang
        self.catalogue = catalogue_code(lang)
        if default is None:
            default = (
                Organization.objects.values_list("default_language", flat=True).first() or "en"
            )
        self.default = default
        # Whether lines name the decision behind a change (see ``changes_grouped``).
        self.name_decisions = True
        self._roles: dict[str, tuple[Any, int]] = {
            slug: (name, rank)
            for slug, name, rank in Role.objects.values_list("slug", "name", "rank")
        }
        self._kinds: dict[str, tuple[Any, int]] = {
            slug: (name, rank)
            for slug, name, rank in BodyKind.objects.values_list("slug", "name", "rank")
        }

    @contextmanager
    def active(self) -> Iterator[None]:
        """Activate this language's interface catalogue (for gettext and placeholders)."""
        with translation.override(self.catalogue):
            yield

    def text(self, value: Text | None, fallback: str = "") -> str:
        """Return ``value`` in this language along the fallback chain; ``fallback`` when empty."""
        return text_in(value, self.lang, self.default) or fallback

    def _vocabulary(
        self, slug: str, declared: tuple[Any, int] | None, builtin: tuple[Any, int] | None
    ) -> str:
        # The organization's own wording wins in this language; else the translated
        # built-in name; else the organization's wording in another language; else the id.
        name = declared[0] if declared else None
        if isinstance(name, dict) and any(
            code.split("-")[0].lower() == self.lang.split("-")[0].lower() and text
            for code, text in name.items()
        ):
            return self.text(name)
        if builtin is not None:
            with self.active():
                return str(builtin[0])
        if name:
            return self.text(name, slug)
        return slug.replace("_", " ").replace("-", " ")

    def role(self, slug: str) -> str:
        """Return what the role ``slug`` is called in this language."""
        return self._vocabulary(slug, self._roles.get(slug), BUILTIN_ROLES.get(slug))

    def kind(self, slug: str) -> str:
        """Return what the body kind ``slug`` is called in this language."""
        return self._vocabulary(slug, self._kinds.get(slug), BUILTIN_BODY_KINDS.get(slug))

    def role_rank(self, slug: str) -> int:
        declared = self._roles.get(slug)
        if declared is not None:
            return declared[1]
        builtin = BUILTIN_ROLES.get(slug)
        return builtin[1] if builtin is not None else _UNKNOWN_RANK

    def kind_rank(self, slug: str) -> int:
        declared = self._kinds.get(slug)
        if declared is not None:
            return declared[1]
        builtin = BUILTIN_BODY_KINDS.get(slug)
        return builtin[1] if builtin is not None else _UNKNOWN_RANK

    def label(self, value: str | None, vocabulary: str) -> str:
        """Return a fixed-vocabulary value (``how``, ``reason`` …) in this language."""
        with self.active():
            return label(value, vocabulary)

    def join(self, items: Iterable[str]) -> str:
        return list_join(items, self.lang)


# -- lines that link what they name ------------------------------------------------------------

# A name in a line is marked "\x00kind\x01id\x01name\x00" while the line is composed, so
# that translated sentences keep their word order and the web can still link each name.
_MARK = "\x00"
_SEP = "\x01"


@dataclass(frozen=True)
class Part:
    """A run of a line: plain words, or the name of a body, person or decision to link."""

    text: str
    kind: str = ""  # "body", "person", "decision"; "" for plain words
    id: str = ""


def ref(text: str, kind: str, id: str | None) -> str:
    """Return ``text`` marked as the name of the ``kind`` with ``id`` (plain without an id)."""
    if not id or not text:
        return text
    return f"{_MARK}{kind}{_SEP}{id}{_SEP}{text}{_MARK}"


def parts(marked: str) -> tuple[Part, ...]:
    """Return a composed line as its runs, the marked names as links."""
    found: list[Part] = []
    for index, chunk in enumerate(marked.split(_MARK)):
        if index % 2:
            kind, id, text = chunk.split(_SEP, 2)
            found.append(Part(text, kind, id))
        elif chunk:
            found.append(Part(chunk))
    return tuple(found)


def plain(marked: str) -> str:
    """Return a composed line as text, the marks gone."""
    return "".join(part.text for part in parts(marked))


# -- the result ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class PersonMention:
    """A person as the viewer may read them, with the post that says who they are."""

    name: str
    slug: str | None  # None for a person the viewer may not see (no link, no id)
    post: str = ""  # the principal post, or why a term ended

    marked_post: str = field(default="", compare=False, repr=False)  # post, names marked

    def __str__(self) -> str:
        return plain(self.marked())

    def marked(self) -> str:
        """Return the mention with the person and the names in the post marked for links."""
        name = ref(self.name, "person", self.slug)
        post = self.marked_post or self.post
        if not post:
            return name
        return pgettext("person with post", "%(name)s (%(post)s)") % {"name": name, "post": post}


@dataclass(frozen=True)
class TermGroup:
    """People whose terms started (or ended) in one body and role, in order."""

    heading: str  # "Elected — Member, Coordination Council"
    body: str
    body_slug: str
    role: str
    role_slug: str
    how: str  # the ``how`` slug shared by the group ("" when mixed or unknown)
    people: tuple[PersonMention, ...]
    line: str  # heading: A (post), B (post)
    marked: str = field(default="", compare=False, repr=False)  # the line, names marked


@dataclass(frozen=True)
class MandateMove:
    """One competence that moved from a body to others."""

    mandate: str
    mandate_slug: str
    source: str
    source_slug: str
    targets: tuple[str, ...]
    holder_role: str  # "" when the whole body holds it
    line: str  # "… passes from SOURCE to …"
    short: str  # "… passes to …" (told under the dissolved source)
    marked: str = field(default="", compare=False, repr=False)
    marked_short: str = field(default="", compare=False, repr=False)


@dataclass(frozen=True)
class BodyChange:
    """A body founded, dissolved or renamed, and what moved with it."""

    name: str
    slug: str
    kind: str
    line: str
    parent: str = ""
    previous_name: str = ""
    mandates: tuple[str, ...] = ()
    moves: tuple[MandateMove, ...] = ()
    decision: str = ""  # the id of the decision that founded or dissolved it, if visible
    marked: str = field(default="", compare=False, repr=False)


@dataclass(frozen=True)
class ChangesGrouped:
    """What changed from ``start`` to ``end`` (both included), grouped, in ``lang``."""

    lang: str
    start: dt.date
    end: dt.date
    heading: str
    elected: tuple[TermGroup, ...] = ()
    candidates: tuple[TermGroup, ...] = ()
    ended: tuple[TermGroup, ...] = ()
    founded: tuple[BodyChange, ...] = ()
    dissolved: tuple[BodyChange, ...] = ()
    renamed: tuple[BodyChange, ...] = ()
    moved: tuple[MandateMove, ...] = ()  # moves not told under a dissolved body
    empty_text: str = ""
    sections: tuple[tuple[str, tuple[str, ...]], ...] = field(default=())
    # The same sections, each line as runs that name bodies, people and decisions (to link).
    linked: tuple[tuple[str, tuple[tuple[Part, ...], ...]], ...] = field(default=())

    @property
    def is_empty(self) -> bool:
        return not any(lines for _, lines in self.sections)


# -- reading --------------------------------------------------------------------------------


def _restrict(query: QuerySet[Any], column: str, decisions: Decisions) -> QuerySet[Any]:
    if decisions is None:
        return query
    if not isinstance(decisions, QuerySet):
        decisions = list(decisions)
    return query.filter(**{f"{column}__in": decisions})


def _first_and_last(model: type[Model], days: dict[str, Q]) -> list[dt.date | None]:
    """Return the first and the last value of each day column of ``days`` among the rows
    its condition picks (None where it picks none), in one query over ``model``."""
    picked = Q()
    wanted: dict[str, Any] = {}
    for column, condition in days.items():
        picked |= condition
        wanted[f"{column}_first"] = Min(column, filter=condition)
        wanted[f"{column}_last"] = Max(column, filter=condition)
    return list(model._default_manager.filter(picked).aggregate(**wanted).values())


def changes_span(decisions: QuerySet[Any]) -> tuple[dt.date, dt.date] | None:
    """Return the first and the last day on which ``decisions`` (a Decision queryset)
    changed the record, or None when they changed nothing. Four queries."""
    made, ended = Q(decision__in=decisions), Q(ended_by__in=decisions)
    founded, dissolved = Q(founded_by__in=decisions), Q(dissolved_by__in=decisions)
    days = [
        *_first_and_last(Term, {"start": made, "end": ended}),
        *_first_and_last(Body, {"founded": founded, "dissolved": dissolved}),
        *_first_and_last(BodyName, {"start": made}),
        *_first_and_last(Mandate, {"start": made}),
    ]
    known = [day for day in days if day is not None]
    return (min(known), max(known)) if known else None


def _decision_ref(slug: str | None, day: dt.date | None, words: Words) -> str:
    """Return "decision of 18 May 2025", marked to link to the decision; "" when the viewer
    may not see it (``slug`` None) or there is none."""
    if not slug or day is None or not words.name_decisions:
        return ""
    return ref(
        pgettext("changes", "decision of %(date)s") % {"date": date_full(day, words.lang)},
        "decision",
        slug,
    )


class _Bodies:
    """The bodies one report names, read at once, each named as of a day."""

    def __init__(self, ids: Iterable[int], words: Words) -> None:
        wanted = set(ids)
        self.words = words
        self.rows: dict[int, dict[str, Any]] = (
            {
                row["id"]: dict(row)
                for row in Body.objects.filter(pk__in=wanted).values(
                    "id", "slug", "kind", "name", "internal", "parent_id"
                )
            }
            if wanted
            else {}
        )
        self.renames: dict[int, list[tuple[dt.date, Text]]] = defaultdict(list)
        if wanted:
            for body_id, start, name in (
                BodyName.objects.filter(body_id__in=wanted)
                .order_by("start", "pk")
                .values_list("body_id", "start", "name")
            ):
                self.renames[body_id].append((start, name))

    def name(self, body_id: int | None, day: dt.date | None) -> str:
        """Return the body's name as it stood on ``day`` (its latest without a day)."""
        row = self.rows.get(body_id) if body_id is not None else None
        if row is None:
            return ""
        value: Text = row["name"]
        for start, renamed in self.renames.get(body_id, []):  # type: ignore[arg-type]
            if day is not None and start > day:
                break
            value = renamed
        return self.words.text(value, row["slug"])

    def slug(self, body_id: int) -> str:
        return str(self.rows[body_id]["slug"]) if body_id in self.rows else ""

    def marked(self, body_id: int | None, day: dt.date | None) -> str:
        """Return the body's name on ``day``, marked to link to the body."""
        return ref(self.name(body_id, day), "body", self.slug(body_id) if body_id else "")

    def kind(self, body_id: int) -> str:
        return str(self.rows[body_id]["kind"]) if body_id in self.rows else ""

    def visible(self, viewer: Viewer, body_id: int | None) -> bool:
        row = self.rows.get(body_id) if body_id is not None else None
        return row is not None and viewer.sees_body(body_id, internal=bool(row["internal"]))


_TERM_COLUMNS = (
    "id",
    *person_columns("person__"),
    "custodian_name",
    "body_id",
    "role",
    "title",
    "start",
    "end",
    "how",
    "end_reason",
    "term_length",
    "decision__date",
    "ended_by__date",
)


def _post_text(term: dict[str, Any], bodies: _Bodies, words: Words, day: dt.date) -> str:
    """Return "Role, Body" for a term (its own title instead of the role name, when it has one)."""
    role = words.text(term["title"]) or words.role(term["role"])
    return pgettext("principal post", "%(role)s, %(body)s") % {
        "role": role,
        "body": bodies.marked(term["body_id"], day),
    }


def changes_grouped(
    *,
    viewer: Viewer,
    start: dt.date,
    end: dt.date,
    decisions: Decisions = None,
    lang: str,
    words: Words | None = None,
    name_decisions: bool = True,
) -> ChangesGrouped:
    """Return what changed on the days ``start <= day <= end``, grouped and worded in ``lang``.

    ``decisions`` (decision primary keys, or a Decision queryset) keeps only
    the changes those decisions made; a term that ended or a body that was
    founded without a decision then does not count. Raise ``ValueError`` when
    ``start`` is after ``end``. What ``viewer`` may not see is left out
    (internal bodies and the changes in them); people it may not see are named
    by placeholder (call sign, else "a member of …"), without an id.
    ``words`` lets a caller that already built the language's vocabulary share it.
    A term's end and a body's founding and dissolution name the decision that made
    them ("decision of 18 May 2025", linked on the web) unless ``name_decisions`` is
    false (a preview of one decision, which is all of them).
    """
    if start > end:
        raise ValueError(
            _("the period must start on or before its end (from %(start)s to %(end)s)")
            % {"start": start.isoformat(), "end": end.isoformat()}
        )
    words = words or Words(lang)
    words.name_decisions = name_decisions
    terms = Term.objects.filter(viewer.body_filter("body__")).annotate(
        custodian_name=custodian_name_expression("person__")
    )
    refs = {
        "decision_ref": decision_id_expression(viewer),
        "ended_by_ref": decision_id_expression(viewer, "ended_by"),
    }
    started = list(
        _restrict(terms.filter(happened_between("start", start, end)), "decision", decisions)
        .order_by("start", "pk")
        .values(*_TERM_COLUMNS, **refs)
    )
    ended = list(
        _restrict(terms.filter(happened_between("end", start, end)), "ended_by", decisions)
        .order_by("end", "pk")
        .values(*_TERM_COLUMNS, **refs)
    )
    visible_bodies = Body.objects.filter(viewer.body_filter())
    founded = list(
        _restrict(
            visible_bodies.filter(happened_between("founded", start, end)), "founded_by", decisions
        )
        .order_by("founded", "slug")
        .values(
            "id",
            "founded",
            "parent_id",
            "founded_by__date",
            decision_ref=decision_id_expression(viewer, "founded_by"),
        )
    )
    dissolved = list(
        _restrict(
            visible_bodies.filter(happened_between("dissolved", start, end)),
            "dissolved_by",
            decisions,
        )
        .order_by("dissolved", "slug")
        .values(
            "id",
            "dissolved",
            "dissolved_by__date",
            decision_ref=decision_id_expression(viewer, "dissolved_by"),
        )
    )
    renamed = list(
        _restrict(
            BodyName.objects.filter(happened_between("start", start, end)).filter(
                viewer.body_filter("body__")
            ),
            "decision",
            decisions,
        )
        .order_by("start", "pk")
        .values("body_id", "name", "start")
    )
    founded_ids = {row["id"] for row in founded}
    mandates = list(
        _restrict(
            Mandate.objects.filter(happened_between("start", start, end)).filter(
                Q(transferred_from__isnull=False) | Q(body_id__in=founded_ids)
            ),
            "decision",
            decisions,
        )
        .filter(viewer.body_filter("body__"))
        .order_by("start", "slug", "pk")
        .values("slug", "body_id", "transferred_from_id", "holder_role", "start")
    )
    # The other posts of everyone whose term started: their principal post that day.
    people = {row["person__id"] for row in started}
    first_day = min((row["start"] for row in started), default=start)
    others = (
        list(
            Term.objects.filter(person_id__in=people)
            .filter(overlaps_days(first_day, end))
            .filter(viewer.body_filter("body__"))
            .values("id", "person_id", "body_id", "role", "title", "start", "end")
        )
        if people
        else []
    )
    body_ids = {row["body_id"] for row in (*started, *ended, *others)}
    body_ids |= {row["id"] for row in (*founded, *dissolved)}
    body_ids |= {row["parent_id"] for row in founded if row["parent_id"]}
    body_ids |= {row["body_id"] for row in renamed}
    body_ids |= {row["body_id"] for row in mandates}
    body_ids |= {row["transferred_from_id"] for row in mandates if row["transferred_from_id"]}
    bodies = _Bodies(body_ids, words)

    with words.active():
        namer = PeopleNamer(viewer, [person_row(row, "person__") for row in (*started, *ended)])
        held: dict[int, list[dict[str, Any]]] = defaultdict(list)
        for row in others:
            held[row["person_id"]].append(dict(row))

        def principal(row: dict[str, Any]) -> str:
            day = row["start"]
            candidates = [
                other
                for other in held.get(row["person__id"], [])
                if other["start"] <= day
                and (other["end"] is None or other["end"] > day)
                and not (other["body_id"] == row["body_id"] and other["role"] == row["role"])
            ]
            if not candidates:
                return ""
            best = min(
                candidates,
                key=lambda other: (
                    words.role_rank(other["role"]),
                    words.kind_rank(bodies.kind(other["body_id"])),
                    other["start"],
                    other["id"],
                ),
            )
            return _post_text(best, bodies, words, day)

        def mention(row: dict[str, Any], post: str) -> PersonMention:
            who = person_row(row, "person__")
            return PersonMention(
                name=namer.name(who) or "?",
                slug=namer.slug(who),
                post=plain(post),
                marked_post=post,
            )

        elected, candidates = _started_groups(started, bodies, words, principal, mention)
        ended_groups = _ended_groups(ended, bodies, words, mention)
        founded_changes, dissolved_changes, renamed_changes, moved = _body_changes(
            founded,
            dissolved,
            renamed,
            mandates,
            bodies,
            words,
            viewer,
            mandate_names({row["slug"] for row in mandates}) if mandates else {},
        )
        heading = _("Changes from %(start)s to %(end)s") % {
            "start": date_full(start, lang),
            "end": date_full(end, lang),
        }
        marked_sections = (
            (
                pgettext("changes section", "Elected and appointed"),
                tuple(g.marked for g in elected),
            ),
            (pgettext("changes section", "Candidate members"), tuple(g.marked for g in candidates)),
            (pgettext("changes section", "Terms ended"), tuple(g.marked for g in ended_groups)),
            (
                pgettext("changes section", "Bodies founded"),
                tuple(c.marked for c in founded_changes),
            ),
            (
                pgettext("changes section", "Bodies dissolved"),
                tuple(c.marked for c in dissolved_changes),
            ),
            (
                pgettext("changes section", "Bodies renamed"),
                tuple(c.marked for c in renamed_changes),
            ),
            (pgettext("changes section", "Mandates moved"), tuple(m.marked for m in moved)),
        )
        sections = tuple(
            (title, tuple(plain(line) for line in lines)) for title, lines in marked_sections
        )
        linked = tuple(
            (title, tuple(parts(line) for line in lines)) for title, lines in marked_sections
        )
        return ChangesGrouped(
            lang=lang,
            start=start,
            end=end,
            heading=heading,
            elected=elected,
            candidates=candidates,
            ended=ended_groups,
            founded=founded_changes,
            dissolved=dissolved_changes,
            renamed=renamed_changes,
            moved=moved,
            empty_text=_("Nothing changed."),
            sections=sections,
            linked=linked,
        )


def _started_heading(how: str, role: str, body: str, *, candidate: bool) -> str:
    values = {"role": role, "body": body}
    if candidate:
        return pgettext("changes group", "Elected candidate members of %(body)s") % values
    if how == "elected":
        return pgettext("changes group", "Elected to %(body)s — %(role)s") % values
    if how in ("appointed", "reappointed"):
        return pgettext("changes group", "Appointed to %(body)s — %(role)s") % values
    if how == "coopted":
        return pgettext("changes group", "Co-opted to %(body)s — %(role)s") % values
    return pgettext("changes group", "New in %(body)s — %(role)s") % values


def _started_groups(
    started: list[dict[str, Any]],
    bodies: _Bodies,
    words: Words,
    principal: Any,
    mention: Any,
) -> tuple[tuple[TermGroup, ...], tuple[TermGroup, ...]]:
    """Group started terms by body, role and how; bodies by kind rank, roles by rank."""
    groups: dict[tuple[int, str, str], list[dict[str, Any]]] = defaultdict(list)
    for row in started:
        groups[(row["body_id"], row["role"], row["how"] or "")].append(row)

    def order(key: tuple[int, str, str]) -> tuple[Any, ...]:
        body_id, role, how = key
        first = groups[key][0]["start"]
        return (
            words.kind_rank(bodies.kind(body_id)),
            bodies.slug(body_id),
            words.role_rank(role),
            role,
            first,
            how,
        )

    elected: list[TermGroup] = []
    candidates: list[TermGroup] = []
    for key in sorted(groups, key=order):
        body_id, role, how = key
        rows = groups[key]
        day = rows[0]["start"]
        body = bodies.name(body_id, day)
        role_name = words.role(role)
        candidate = role in CANDIDATE_ROLES
        marked_heading = _started_heading(
            how, role_name, bodies.marked(body_id, day), candidate=candidate
        )
        heading = plain(marked_heading)
        people = tuple(mention(row, principal(row)) for row in rows)
        marked = pgettext("changes line", "%(heading)s: %(people)s") % {
            "heading": marked_heading,
            "people": words.join(person.marked() for person in people),
        }
        group = TermGroup(
            marked=marked,
            heading=heading,
            body=body,
            body_slug=bodies.slug(body_id),
            role=role_name,
            role_slug=role,
            how=how,
            people=people,
            line=plain(marked),
        )
        (candidates if candidate else elected).append(group)
    return tuple(elected), tuple(candidates)


def _ended_groups(
    ended: list[dict[str, Any]], bodies: _Bodies, words: Words, mention: Any
) -> tuple[TermGroup, ...]:
    """Group ended terms by body and role; each person with why the term ended."""
    groups: dict[tuple[int, str], list[dict[str, Any]]] = defaultdict(list)
    for row in ended:
        groups[(row["body_id"], row["role"])].append(row)
    result = []
    for key in sorted(
        groups,
        key=lambda key: (
            words.kind_rank(bodies.kind(key[0])),
            bodies.slug(key[0]),
            words.role_rank(key[1]),
            key[1],
        ),
    ):
        body_id, role = key
        rows = groups[key]
        last_day = rows[0]["end"] - _ONE_DAY
        body = bodies.name(body_id, last_day)
        role_name = words.role(role)
        marked_heading = pgettext("changes group", "Terms ended in %(body)s — %(role)s") % {
            "body": bodies.marked(body_id, last_day),
            "role": role_name,
        }
        people = tuple(mention(row, _why_ended(row, words)) for row in rows)
        marked = pgettext("changes line", "%(heading)s: %(people)s") % {
            "heading": marked_heading,
            "people": words.join(person.marked() for person in people),
        }
        result.append(
            TermGroup(
                marked=marked,
                heading=plain(marked_heading),
                body=body,
                body_slug=bodies.slug(body_id),
                role=role_name,
                role_slug=role,
                how="",
                people=people,
                line=plain(marked),
            )
        )
    return tuple(result)


def _why_ended(row: dict[str, Any], words: Words) -> str:
    """Return why a term ended and by which decision ("resigned, decision of 23 May 2025"):
    the recorded reason and the decision that ended it, else — for an end its term length
    gave — "the term expired" and the decision that set the length."""
    reason = row["end_reason"]
    decision = _decision_ref(row["ended_by_ref"], row["ended_by__date"], words)
    if not row["ended_by_ref"] and row["term_length"]:
        reason = reason or "term_expired"
        decision = _decision_ref(row["decision_ref"], row["decision__date"], words)
    why = words.label(reason, "reason") if isinstance(reason, str) else words.text(reason)
    if why and decision:
        return pgettext("term ended", "%(reason)s, %(decision)s") % {
            "reason": why,
            "decision": decision,
        }
    return why or decision


def _body_changes(
    founded: list[dict[str, Any]],
    dissolved: list[dict[str, Any]],
    renamed: list[dict[str, Any]],
    mandates: list[dict[str, Any]],
    bodies: _Bodies,
    words: Words,
    viewer: Viewer,
    mandate_texts: dict[str, Text],
) -> tuple[
    tuple[BodyChange, ...], tuple[BodyChange, ...], tuple[BodyChange, ...], tuple[MandateMove, ...]
]:
    """Word the bodies founded (with their mandates and decision), dissolved (with where their
    mandates went and the decision), renamed (with the old name), and the other mandates that
    moved. Mandates are named by ``mandate_texts`` (from ``registry.mandates``)."""

    def mandate_name(slug: str) -> str:
        return words.text(mandate_texts.get(slug), slug)

    given: dict[int, list[str]] = defaultdict(list)
    moves: dict[tuple[int, str, str], list[int]] = defaultdict(list)
    move_day: dict[tuple[int, str, str], dt.date] = {}
    for row in mandates:
        source = row["transferred_from_id"]
        if source is None:
            given[row["body_id"]].append(mandate_name(row["slug"]))
            continue
        if not bodies.visible(viewer, source):
            continue
        key = (source, row["slug"], row["holder_role"] or "")
        moves[key].append(row["body_id"])
        move_day.setdefault(key, row["start"])

    def move(key: tuple[int, str, str]) -> MandateMove:
        source, slug, holder_role = key
        day = move_day[key]
        receivers = sorted({(bodies.name(body_id, day), body_id) for body_id in moves[key]})
        targets = tuple(name for name, _ in receivers)
        holder = words.role(holder_role) if holder_role else ""
        values = {
            "mandate": mandate_name(slug),
            "source": bodies.marked(source, day - _ONE_DAY),
            "targets": words.join(bodies.marked(body_id, day) for _, body_id in receivers),
            "holder": holder,
        }
        if holder:
            line = (
                pgettext(
                    "mandate moved",
                    "%(mandate)s passes from %(source)s to the %(holder)s of %(targets)s",
                )
                % values
            )
            short = (
                pgettext("mandate moved", "%(mandate)s passes to the %(holder)s of %(targets)s")
                % values
            )
        else:
            line = pgettext(
                "mandate moved", "%(mandate)s passes from %(source)s to %(targets)s"
            ) % (values)
            short = pgettext("mandate moved", "%(mandate)s passes to %(targets)s") % values
        return MandateMove(
            short=plain(short),
            marked_short=short,
            mandate=values["mandate"],
            mandate_slug=slug,
            source=plain(values["source"]),
            source_slug=bodies.slug(source),
            targets=targets,
            holder_role=holder,
            line=plain(line),
            marked=line,
        )

    def with_decision(line: str, row: dict[str, Any], day_column: str) -> str:
        decision = _decision_ref(row["decision_ref"], row[day_column], words)
        if not decision:
            return line
        return pgettext("body change", "%(line)s (%(decision)s)") % {
            "line": line,
            "decision": decision,
        }

    founded_changes = []
    for row in founded:
        name = bodies.name(row["id"], row["founded"])
        parent = bodies.name(row["parent_id"], row["founded"]) if row["parent_id"] else ""
        if parent and not bodies.visible(viewer, row["parent_id"]):
            parent = ""
        values = {
            "body": bodies.marked(row["id"], row["founded"]),
            "parent": bodies.marked(row["parent_id"], row["founded"]) if parent else "",
            "kind": words.kind(bodies.kind(row["id"])),
        }
        line = (
            pgettext("body founded", "%(body)s (%(kind)s), under %(parent)s") % values
            if parent
            else pgettext("body founded", "%(body)s (%(kind)s)") % values
        )
        held = tuple(given.get(row["id"], []))
        if held:
            line = pgettext("body founded", "%(line)s; its mandates: %(mandates)s") % {
                "line": line,
                "mandates": words.join(held),
            }
        line = with_decision(line, row, "founded_by__date")
        founded_changes.append(
            BodyChange(
                name=name,
                slug=bodies.slug(row["id"]),
                kind=values["kind"],
                line=plain(line),
                marked=line,
                parent=parent,
                mandates=held,
                decision=row["decision_ref"] or "",
            )
        )

    told: set[tuple[int, str, str]] = set()
    dissolved_changes = []
    for row in dissolved:
        last_day = row["dissolved"] - _ONE_DAY
        name = bodies.name(row["id"], last_day)
        own = [key for key in sorted(moves, key=lambda k: (k[1], k[2])) if key[0] == row["id"]]
        told.update(own)
        body_moves = tuple(move(key) for key in own)
        line = with_decision(bodies.marked(row["id"], last_day), row, "dissolved_by__date")
        if body_moves:
            line = pgettext("body dissolved", "%(body)s; %(moves)s") % {
                "body": line,
                "moves": words.join(item.marked_short for item in body_moves),
            }
        dissolved_changes.append(
            BodyChange(
                name=name,
                slug=bodies.slug(row["id"]),
                kind=words.kind(bodies.kind(row["id"])),
                line=plain(line),
                marked=line,
                moves=body_moves,
                decision=row["decision_ref"] or "",
            )
        )

    renamed_changes = []
    for row in renamed:
        previous = bodies.name(row["body_id"], row["start"] - _ONE_DAY)
        name = words.text(row["name"], bodies.slug(row["body_id"]))
        line = pgettext("body renamed", "%(previous)s is now %(name)s") % {
            "previous": previous,
            "name": ref(name, "body", bodies.slug(row["body_id"])),
        }
        renamed_changes.append(
            BodyChange(
                name=name,
                slug=bodies.slug(row["body_id"]),
                kind=words.kind(bodies.kind(row["body_id"])),
                previous_name=previous,
                line=plain(line),
                marked=line,
            )
        )

    other_moves = tuple(
        move(key) for key in sorted(moves, key=lambda k: (move_day[k], k[1])) if key not in told
    )
    return tuple(founded_changes), tuple(dissolved_changes), tuple(renamed_changes), other_moves


def render_changes_markdown(changes: ChangesGrouped, *, level: int = 1) -> str:
    """Return ``changes`` as Markdown: the heading at ``level``, a sub-heading and a bullet
    list per non-empty section (or "Nothing changed."), every text run escaped."""
    out = [f"{'#' * level} {md(changes.heading)}", ""]
    if changes.is_empty:
        out += [md(changes.empty_text), ""]
    for title, lines in changes.sections:
        if lines:
            out += [f"{'#' * (level + 1)} {md(title)}", ""]
            out += [f"- {md(line)}" for line in lines]
            out.append("")
    return "\n".join(out).rstrip() + "\n"
