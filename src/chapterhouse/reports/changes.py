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
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Max, Min, Q, QuerySet
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from chapterhouse.core.cldr import catalogue_code, date_full, list_join
from chapterhouse.core.intervals import happened_between
from chapterhouse.core.text import Text, text_in
from chapterhouse.core.vocabulary import BUILTIN_BODY_KINDS, BUILTIN_ROLES
from chapterhouse.custody.access import (
    PeopleNamer,
    Viewer,
    custodian_name_expression,
    person_columns,
    person_row,
)
from chapterhouse.registry.models import Body, BodyKind, BodyName, Mandate, Organization, Role, Term
from chapterhouse.web.labels import label

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


# -- the result ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class PersonMention:
    """A person as the viewer may read them, with the post that says who they are."""

    name: str
    slug: str | None  # None for a person the viewer may not see (no link, no id)
    post: str = ""  # the principal post, or why a term ended

    def __str__(self) -> str:
        if not self.post:
            return self.name
        return pgettext("person with post", "%(name)s (%(post)s)") % {
            "name": self.name,
            "post": self.post,
        }


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


def changes_span(decisions: QuerySet[Any]) -> tuple[dt.date, dt.date] | None:
    """Return the first and the last day on which ``decisions`` (a Decision queryset)
    changed the record, or None when they changed nothing. Four queries."""
    made = Q(decision__in=decisions)
    ended = Q(ended_by__in=decisions)
    days: list[dt.date | None] = []
    days += (
        Term.objects.filter(made | ended)
        .aggregate(
            a=Min("start", filter=made),
            b=Max("start", filter=made),
            c=Min("end", filter=ended),
            d=Max("end", filter=ended),
        )
        .values()
    )
    founded, dissolved = Q(founded_by__in=decisions), Q(dissolved_by__in=decisions)
    days += (
        Body.objects.filter(founded | dissolved)
        .aggregate(
            a=Min("founded", filter=founded),
            b=Max("founded", filter=founded),
            c=Min("dissolved", filter=dissolved),
            d=Max("dissolved", filter=dissolved),
        )
        .values()
    )
    days += BodyName.objects.filter(made).aggregate(a=Min("start"), b=Max("start")).values()
    days += Mandate.objects.filter(made).aggregate(a=Min("start"), b=Max("start")).values()
    known = [day for day in days if day is not None]
    return (min(known), max(known)) if known else None


def _mandate_name(slug: str) -> str:
    """Return a mandate id as words (``event-logistics`` → event logistics): mandates have no
    names of their own."""
    return slug.replace("_", " ").replace("-", " ")


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
)


def _post_text(term: dict[str, Any], bodies: _Bodies, words: Words, day: dt.date) -> str:
    """Return "Role, Body" for a term (its own title instead of the role name, when it has one)."""
    role = words.text(term["title"]) or words.role(term["role"])
    return pgettext("principal post", "%(role)s, %(body)s") % {
        "role": role,
        "body": bodies.name(term["body_id"], day),
    }


def changes_grouped(
    *,
    viewer: Viewer,
    start: dt.date,
    end: dt.date,
    decisions: Decisions = None,
    lang: str,
    words: Words | None = None,
) -> ChangesGrouped:
    """Return what changed on the days ``start <= day <= end``, grouped and worded in ``lang``.

    ``decisions`` (decision primary keys, or a Decision queryset) keeps only
    the changes those decisions made; a term that ended or a body that was
    founded without a decision then does not count. Raise ``ValueError`` when
    ``start`` is after ``end``. What ``viewer`` may not see is left out
    (internal bodies and the changes in them); people it may not see are named
    by placeholder (call sign, else "a member of …"), without an id.
    ``words`` lets a caller that already built the language's vocabulary share it.
    """
    if start > end:
        raise ValueError(
            _("the period must start on or before its end (from %(start)s to %(end)s)")
            % {"start": start.isoformat(), "end": end.isoformat()}
        )
    words = words or Words(lang)
    terms = Term.objects.filter(viewer.body_filter("body__")).annotate(
        custodian_name=custodian_name_expression("person__")
    )
    started = list(
        _restrict(terms.filter(happened_between("start", start, end)), "decision", decisions)
        .order_by("start", "pk")
        .values(*_TERM_COLUMNS)
    )
    ended = list(
        _restrict(terms.filter(happened_between("end", start, end)), "ended_by", decisions)
        .order_by("end", "pk")
        .values(*_TERM_COLUMNS)
    )
    visible_bodies = Body.objects.filter(viewer.body_filter())
    founded = list(
        _restrict(
            visible_bodies.filter(happened_between("founded", start, end)), "founded_by", decisions
        )
        .order_by("founded", "slug")
        .values("id", "founded", "parent_id")
    )
    dissolved = list(
        _restrict(
            visible_bodies.filter(happened_between("dissolved", start, end)),
            "dissolved_by",
            decisions,
        )
        .order_by("dissolved", "slug")
        .values("id", "dissolved")
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
            Term.objects.filter(person_id__in=people, start__lte=end)
            .filter(Q(end__isnull=True) | Q(end__gt=first_day))
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
            return PersonMention(name=namer.name(who) or "?", slug=namer.slug(who), post=post)

        elected, candidates = _started_groups(started, bodies, words, principal, mention)
        ended_groups = _ended_groups(ended, bodies, words, mention)
        founded_changes, dissolved_changes, renamed_changes, moved = _body_changes(
            founded, dissolved, renamed, mandates, bodies, words, viewer
        )
        heading = _("Changes from %(start)s to %(end)s") % {
            "start": date_full(start, lang),
            "end": date_full(end, lang),
        }
        sections = (
            (
                pgettext("changes section", "Elected and appointed"),
                tuple(g.line for g in elected),
            ),
            (pgettext("changes section", "Candidate members"), tuple(g.line for g in candidates)),
            (pgettext("changes section", "Terms ended"), tuple(g.line for g in ended_groups)),
            (
                pgettext("changes section", "Bodies founded"),
                tuple(c.line for c in founded_changes),
            ),
            (
                pgettext("changes section", "Bodies dissolved"),
                tuple(c.line for c in dissolved_changes),
            ),
            (
                pgettext("changes section", "Bodies renamed"),
                tuple(c.line for c in renamed_changes),
            ),
            (pgettext("changes section", "Mandates moved"), tuple(m.line for m in moved)),
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
        heading = _started_heading(how, role_name, body, candidate=candidate)
        people = tuple(mention(row, principal(row)) for row in rows)
        line = pgettext("changes line", "%(heading)s: %(people)s") % {
            "heading": heading,
            "people": words.join(str(person) for person in people),
        }
        group = TermGroup(
            heading=heading,
            body=body,
            body_slug=bodies.slug(body_id),
            role=role_name,
            role_slug=role,
            how=how,
            people=people,
            line=line,
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
        heading = pgettext("changes group", "Terms ended in %(body)s — %(role)s") % {
            "body": body,
            "role": role_name,
        }

        def why(row: dict[str, Any]) -> str:
            reason = row["end_reason"]
            if isinstance(reason, str):
                return words.label(reason, "reason")
            return words.text(reason)

        people = tuple(mention(row, why(row)) for row in rows)
        line = pgettext("changes line", "%(heading)s: %(people)s") % {
            "heading": heading,
            "people": words.join(str(person) for person in people),
        }
        result.append(
            TermGroup(
                heading=heading,
                body=body,
                body_slug=bodies.slug(body_id),
                role=role_name,
                role_slug=role,
                how="",
                people=people,
                line=line,
            )
        )
    return tuple(result)


def _body_changes(
    founded: list[dict[str, Any]],
    dissolved: list[dict[str, Any]],
    renamed: list[dict[str, Any]],
    mandates: list[dict[str, Any]],
    bodies: _Bodies,
    words: Words,
    viewer: Viewer,
) -> tuple[
    tuple[BodyChange, ...], tuple[BodyChange, ...], tuple[BodyChange, ...], tuple[MandateMove, ...]
]:
    """Word the bodies founded (with their mandates), dissolved (with where their mandates
    went), renamed (with the old name), and the other mandates that moved."""
    given: dict[int, list[str]] = defaultdict(list)
    moves: dict[tuple[int, str, str], list[int]] = defaultdict(list)
    move_day: dict[tuple[int, str, str], dt.date] = {}
    for row in mandates:
        source = row["transferred_from_id"]
        if source is None:
            given[row["body_id"]].append(_mandate_name(row["slug"]))
            continue
        if not bodies.visible(viewer, source):
            continue
        key = (source, row["slug"], row["holder_role"] or "")
        moves[key].append(row["body_id"])
        move_day.setdefault(key, row["start"])

    def move(key: tuple[int, str, str]) -> MandateMove:
        source, slug, holder_role = key
        day = move_day[key]
        targets = tuple(sorted({bodies.name(body_id, day) for body_id in moves[key]}))
        holder = words.role(holder_role) if holder_role else ""
        values = {
            "mandate": _mandate_name(slug),
            "source": bodies.name(source, day - _ONE_DAY),
            "targets": words.join(targets),
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
        else:
            line = pgettext(
                "mandate moved", "%(mandate)s passes from %(source)s to %(targets)s"
            ) % (values)
        if holder:
            short = (
                pgettext("mandate moved", "%(mandate)s passes to the %(holder)s of %(targets)s")
                % values
            )
        else:
            short = pgettext("mandate moved", "%(mandate)s passes to %(targets)s") % values
        return MandateMove(
            short=short,
            mandate=_mandate_name(slug),
            mandate_slug=slug,
            source=values["source"],
            source_slug=bodies.slug(source),
            targets=targets,
            holder_role=holder,
            line=line,
        )

    founded_changes = []
    for row in founded:
        name = bodies.name(row["id"], row["founded"])
        parent = bodies.name(row["parent_id"], row["founded"]) if row["parent_id"] else ""
        if parent and not bodies.visible(viewer, row["parent_id"]):
            parent = ""
        values = {"body": name, "parent": parent, "kind": words.kind(bodies.kind(row["id"]))}
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
        founded_changes.append(
            BodyChange(
                name=name,
                slug=bodies.slug(row["id"]),
                kind=values["kind"],
                line=line,
                parent=parent,
                mandates=held,
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
        line = name
        if body_moves:
            line = pgettext("body dissolved", "%(body)s; %(moves)s") % {
                "body": name,
                "moves": words.join(item.short for item in body_moves),
            }
        dissolved_changes.append(
            BodyChange(
                name=name,
                slug=bodies.slug(row["id"]),
                kind=words.kind(bodies.kind(row["id"])),
                line=line,
                moves=body_moves,
            )
        )

    renamed_changes = []
    for row in renamed:
        previous = bodies.name(row["body_id"], row["start"] - _ONE_DAY)
        name = words.text(row["name"], bodies.slug(row["body_id"]))
        renamed_changes.append(
            BodyChange(
                name=name,
                slug=bodies.slug(row["body_id"]),
                kind=words.kind(bodies.kind(row["body_id"])),
                previous_name=previous,
                line=pgettext("body renamed", "%(previous)s is now %(name)s")
                % {"previous": previous, "name": name},
            )
        )

    other_moves = tuple(
        move(key) for key in sorted(moves, key=lambda k: (move_day[k], k[1])) if key not in told
    )
    return tuple(founded_changes), tuple(dissolved_changes), tuple(renamed_changes), other_moves


_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|~])")
_MD_BLOCK_START = re.compile(r"^(\s*)([#+\->]|\d+[.)])")


def md(value: str) -> str:
    """Return ``value`` as Markdown text: nothing in it becomes formatting or a link."""
    escaped = _MD_SPECIAL.sub(r"\\\1", value.replace("\n", " "))
    return _MD_BLOCK_START.sub(lambda m: m.group(1) + "\\" + m.group(2), escaped)


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
