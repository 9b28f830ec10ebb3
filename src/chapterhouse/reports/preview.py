"""See before you adopt: what a decision would change, worked out by applying it and then
rolling everything back.

``decision_preview`` records (or changes) the decision and adopts it through the
meetings services inside one transaction, reads what the record would then say —
the sentences ``/changes`` writes, the affected part of the org chart before and
after, and warnings — and always rolls the transaction back: no decision, term,
effect log or audit entry survives, and the record's write lock ends with the
transaction. It lives in ``reports`` because it words the change as the reports do
(``reports.changes``), and ``reports`` already stands above ``meetings``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from chapterhouse.core.cldr import date_full, list_join
from chapterhouse.core.errors import RecordError
from chapterhouse.core.intervals import held_on
from chapterhouse.custody.access import Viewer, decision_may_change
from chapterhouse.meetings import services as meetings
from chapterhouse.meetings.models import Decision
from chapterhouse.registry.mandates import mandate_names
from chapterhouse.registry.models import Body, BodyName, Mandate, Term
from chapterhouse.registry.selectors import orgchart_as_of
from chapterhouse.registry.shapes import ChartBody, Holder, OrgchartOut
from chapterhouse.reports.changes import ChangesGrouped, Words, changes_grouped, changes_span

# Posts one person holds at a time in a body: a second holder is worth a warning. (The
# vocabulary says nothing about how many may hold a role; these are the leading posts.)
SINGLE_HOLDER_ROLES = frozenset({"chair", "head", "director", "secretary"})


@dataclass(frozen=True)
class HolderLine:
    """One post held in a body of the drawn chart."""

    name: str
    post: str
    changed: bool  # ends (in the chart before) or starts (in the chart after)


@dataclass(frozen=True)
class ChartNode:
    """A body of the affected part of the org chart."""

    id: str
    name: str
    kind: str
    depth: int
    holders: tuple[HolderLine, ...]
    mandates: tuple[str, ...]
    changed: bool  # founded (after), dissolved (before) or renamed
    touched: bool  # the decision changes it (else it is drawn as a parent)


@dataclass(frozen=True)
class DecisionPreview:
    """What adopting a decision would change, in one language."""

    date: dt.date
    lang: str
    changes: ChangesGrouped | None
    before: tuple[ChartNode, ...]
    after: tuple[ChartNode, ...]
    warnings: tuple[str, ...]
    # What it records beyond posts, bodies and mandates: awards, instructions, signatures.
    records: tuple[str, ...] = ()

    @property
    def changes_nothing(self) -> bool:
        return (
            (self.changes is None or self.changes.is_empty)
            and not self.before + self.after
            and not self.records
        )


class _RolledBack(Exception):
    """Raised to end the preview's transaction without committing anything."""


def decision_preview(
    *,
    viewer: Viewer,
    at: dt.datetime,
    lang: str,
    decision: Decision | None = None,
    values: Mapping[str, Any] | None = None,
) -> DecisionPreview:
    """Return what adopting a decision would change, as ``viewer`` would see it.

    Either ``values`` of a new decision (as ``decision_create`` takes them), or a
    recorded ``decision``, optionally with ``values`` of changes (as ``decision_update``
    takes them; no ``status``). An adopted decision is shown as adopting it anew would
    change the record without it. Raise ``ValidationError`` (paths as the services name
    them, e.g. ``effects[2].person``) or ``PermissionDenied`` as saving would; change
    nothing in any case.
    """
    found: list[DecisionPreview] = []
    try:
        with transaction.atomic():
            target = _prepared(viewer, at, decision, values)
            day = target.date
            assert day is not None  # the services always give a decision a date
            before = orgchart_as_of(as_of=day, viewer=viewer)
            try:
                meetings.decision_adopt(decision=target, viewer=viewer)
            except RecordError as error:
                raise ValidationError({error.path or "__all__": [error.message]}) from None
            after = orgchart_as_of(as_of=day, viewer=viewer)
            words = Words(lang)
            span = changes_span(Decision.objects.filter(pk=target.pk))
            changes = (
                changes_grouped(
                    viewer=viewer,
                    start=span[0],
                    end=span[1],
                    decisions=[target.pk],
                    lang=lang,
                    words=words,
                    name_decisions=False,  # every change is this decision's
                )
                if span is not None
                else None
            )
            touched = _touched_bodies(target)
            drawn_before, drawn_after = _drawn(before, after, touched, words)
            found.append(
                DecisionPreview(
                    date=day,
                    lang=lang,
                    changes=changes,
                    before=drawn_before,
                    after=drawn_after,
                    warnings=tuple(_warnings(viewer, target, words)),
                    records=tuple(_records(viewer, target, words)),
                )
            )
            raise _RolledBack
    except _RolledBack:
        pass
    return found[0]


def _prepared(
    viewer: Viewer, at: dt.datetime, decision: Decision | None, values: Mapping[str, Any] | None
) -> Decision:
    """Return the decision recorded (or changed) as proposed, its effects not applied."""
    if decision is None:
        return meetings.decision_create(
            viewer=viewer, via="web", at=at, values={**(values or {}), "status": "proposed"}
        )
    if not decision_may_change(viewer, meetings.ConcernedBodies(viewer, decision)):
        raise PermissionDenied(
            _("Only officers of the bodies this decision concerns may adopt it.")
        )
    decision = Decision.objects.select_related("session", "conference").get(pk=decision.pk)
    if decision.status == "adopted":
        meetings.decision_revert(decision=decision)
    # Inside the preview only: whatever its status, it is shown as if adopted now.
    decision.status = "proposed"
    decision.save(update_fields=["status"])
    if values:
        changes = {key: value for key, value in values.items() if key != "status"}
        decision = meetings.decision_update(
            viewer=viewer, via="web", at=at, decision=decision, changes=changes
        )
    return decision


def _touched_bodies(decision: Decision) -> set[int]:
    """Return the ids of the bodies the decision's changes touch."""
    made = Q(decision=decision)
    ids: set[int] = set()
    ids |= set(Term.objects.filter(made | Q(ended_by=decision)).values_list("body_id", flat=True))
    ids |= set(
        Body.objects.filter(Q(founded_by=decision) | Q(dissolved_by=decision)).values_list(
            "pk", flat=True
        )
    )
    ids |= set(BodyName.objects.filter(made).values_list("body_id", flat=True))
    for body_id, source_id in Mandate.objects.filter(made | Q(ended_by=decision)).values_list(
        "body_id", "transferred_from_id"
    ):
        ids.add(body_id)
        if source_id is not None:
            ids.add(source_id)
    return ids


def _holder_key(holder: Holder) -> tuple[str, str, str]:
    return (str(holder.person or holder.name), holder.role, str(holder.title))


def _drawn(
    before: OrgchartOut, after: OrgchartOut, touched: set[int], words: Words
) -> tuple[tuple[ChartNode, ...], tuple[ChartNode, ...]]:
    """Return the affected bodies (and their parents) of both charts, marked where they
    differ."""
    slugs = set(Body.objects.filter(pk__in=touched).values_list("slug", flat=True))
    by_id = {node.id: node for chart in (before, after) for node in chart.bodies if node.id}
    keep = set(slugs)
    for slug in slugs:
        parent = by_id[slug].parent if slug in by_id else None
        while parent and parent not in keep:
            keep.add(parent)
            parent = by_id[parent].parent if parent in by_id else None
    old = {node.id: node for node in before.bodies}
    new = {node.id: node for node in after.bodies}
    named = mandate_names(
        {
            mandate.mandate
            for chart in (before, after)
            for node in chart.bodies
            if node.id in keep
            for mandate in node.mandates
        }
    )

    def draw(chart: OrgchartOut, other: Mapping[str, ChartBody]) -> tuple[ChartNode, ...]:
        nodes: list[ChartNode] = []
        depths: dict[str, int] = {}
        for node in chart.bodies:
            if node.id not in keep:
                continue
            depth = depths[node.parent] + 1 if node.parent in depths else 0
            depths[node.id] = depth
            twin = other.get(node.id)
            theirs = {_holder_key(h) for h in twin.holders} if twin else set()
            nodes.append(
                ChartNode(
                    id=node.id,
                    name=words.text(node.name, node.id),
                    kind=words.kind(node.kind),
                    depth=depth,
                    holders=tuple(
                        HolderLine(
                            name=holder.name,
                            post=words.text(holder.title) or words.role(holder.role),
                            changed=_holder_key(holder) not in theirs,
                        )
                        for holder in node.holders
                    ),
                    mandates=tuple(
                        words.text(named.get(mandate.mandate), mandate.mandate)
                        + (f" · {words.role(mandate.holder_role)}" if mandate.holder_role else "")
                        for mandate in node.mandates
                    ),
                    changed=twin is None or twin.name != node.name,
                    touched=node.id in slugs,
                )
            )
        return tuple(nodes)

    return draw(before, new), draw(after, old)


def _warnings(viewer: Viewer, decision: Decision, words: Words) -> list[str]:
    """Return what a secretary should look at twice: the terms the decision ends, posts
    it leaves with two holders, and mandates it leaves with no one to hold them."""
    warnings: list[str] = []
    terms = Term.objects.filter(viewer.body_filter("body__")).filter(
        viewer.people_filter("person__")
    )
    with words.active():
        ending = list(terms.filter(ended_by=decision).select_related("person", "body"))
        names = viewer.display_names(term.person for term in ending)
        for term in ending:
            warnings.append(
                _("It ends the term of %(person)s as %(post)s of %(body)s (held since %(start)s).")
                % {
                    "person": names[term.person_id],
                    "post": words.text(term.title) or words.role(term.role),
                    "body": words.text(term.body.name, term.body.slug),
                    "start": date_full(term.start, words.lang),
                }
            )
        started = list(
            terms.filter(decision=decision, role__in=SINGLE_HOLDER_ROLES).select_related(
                "person", "body"
            )
        )
        for term in started:
            others = list(
                terms.filter(held_on(term.start), body_id=term.body_id, role=term.role)
                .exclude(person_id=term.person_id)
                .select_related("person")
            )
            names = viewer.display_names([term.person, *(other.person for other in others)])
            for other in others:
                warnings.append(
                    _("%(person)s and %(other)s would both hold %(post)s of %(body)s on %(day)s.")
                    % {
                        "person": names[term.person_id],
                        "other": names[other.person_id],
                        "post": words.role(term.role),
                        "body": words.text(term.body.name, term.body.slug),
                        "day": date_full(term.start, words.lang),
                    }
                )
        visible = Mandate.objects.filter(viewer.body_filter("body__")).select_related("body")
        moved = set(
            Mandate.objects.filter(decision=decision, transferred_from__isnull=False).values_list(
                "transferred_from_id", "slug"
            )
        )
        ended = list(visible.filter(ended_by=decision))
        given = list(visible.filter(decision=decision).exclude(holder_role=""))
        named = mandate_names({mandate.slug for mandate in (*ended, *given)})
        for mandate in ended:
            if (mandate.body_id, mandate.slug) not in moved:
                warnings.append(
                    _("The mandate “%(mandate)s” of %(body)s passes to no one.")
                    % {
                        "mandate": words.text(named.get(mandate.slug), mandate.slug),
                        "body": words.text(mandate.body.name, mandate.body.slug),
                    }
                )
        for mandate in given:
            day = mandate.start or decision.date
            held = Term.objects.filter(
                held_on(day), body_id=mandate.body_id, role=mandate.holder_role
            )
            if not held.exists():
                warnings.append(
                    _("%(body)s has no %(role)s on %(day)s to hold the mandate “%(mandate)s”.")
                    % {
                        "body": words.text(mandate.body.name, mandate.body.slug),
                        "role": words.role(mandate.holder_role),
                        "day": date_full(day, words.lang),
                        "mandate": words.text(named.get(mandate.slug), mandate.slug),
                    }
                )
    return warnings


def _records(viewer: Viewer, decision: Decision, words: Words) -> list[str]:
    """Return a sentence for each award, instruction and signature ``decision`` makes (read
    inside the preview's transaction, so they exist), naming people as ``viewer`` may."""
    from chapterhouse.core.partial_dates import format_start
    from chapterhouse.relations.models import Agreement, Award, Partner, Task

    lines: list[str] = []
    with words.active():
        awards = list(Award.objects.filter(decision=decision).select_related("person", "honour"))
        awarded = viewer.display_names(award.person for award in awards)
        for award in awards:
            lines.append(
                _("Awards %(honour)s to %(person)s.")
                % {
                    "honour": words.text(award.honour.name, award.honour.slug),
                    "person": awarded[award.person_id],
                }
            )
        tasks = Task.objects.filter(decision=decision).prefetch_related(
            "assignees__body", "assignees__person"
        )
        for task in tasks:
            assignees = [
                words.text(row.body.name, row.body.slug)
                if row.body is not None
                else viewer.display_name(row.person)  # type: ignore[arg-type]
                for row in task.assignees.all()
                if row.body is not None or row.person is not None
            ]
            values = {
                "title": words.text(task.title, task.slug),
                "assignees": list_join(assignees, words.lang) or "—",
            }
            if task.due is not None:
                due = (
                    date_full(task.due, words.lang)
                    if task.due_precision == "day"
                    else format_start(task.due, task.due_precision)
                )
                lines.append(
                    _("Instructs %(assignees)s: “%(title)s”, due %(due)s.") % {**values, "due": due}
                )
            else:
                lines.append(_("Instructs %(assignees)s: “%(title)s”.") % values)
        signed = list(Agreement.objects.filter(signed_by=decision))
        partners = {
            partner.slug: words.text(partner.name, partner.slug)
            for partner in Partner.objects.filter(
                slug__in={slug for agreement in signed for slug in agreement.parties}
            )
        }
        for agreement in signed:
            names = [partners[slug] for slug in agreement.parties if slug in partners]
            lines.append(
                _("Signs “%(agreement)s” with %(partners)s.")
                % {
                    "agreement": words.text(agreement.title, agreement.slug),
                    "partners": list_join(names, words.lang) or "—",
                }
            )
        moves = {
            "proposed": _("Proposes “%(agreement)s”."),
            "in_development": _("Sends “%(agreement)s” for development."),
            "terminated": _("Terminates “%(agreement)s”."),
        }
        wanted = [
            effect
            for effect in decision.effects or []
            if isinstance(effect, dict) and effect.get("op") == "agreement_status"
        ]
        titles = dict(
            Agreement.objects.filter(
                slug__in=[effect["agreement"] for effect in wanted]
            ).values_list("slug", "title")
        )
        for effect in wanted:
            title = words.text(titles.get(effect["agreement"]), effect["agreement"])
            lines.append(moves[effect["status"]] % {"agreement": title})
    return lines
