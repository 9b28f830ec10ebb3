"""Reads about the organization's outside world: partners, agreements, honours and tasks.

Every function returns plain dicts (JSON-ready: Texts as stored, dates written
back with their precision) and runs a fixed number of queries whatever the
size of the data. Unknown ids raise the model's ``DoesNotExist``.

People's outside posts (affiliations) are personal data and are deliberately
not listed here; they belong to the person's record. Every function takes the
``viewer``; people it may not see (signatories, award recipients, task
assignees) appear by placeholder — call sign, else "a member of …" — without
an id, and a filter naming such a person matches nothing. The decision behind an
agreement, award or task and an award's citation are named only to a viewer who may
see them; the record itself stays.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, F, Prefetch, Q

from chapterhouse.core.partial_dates import start_text
from chapterhouse.custody.access import (
    PeopleNamer,
    Viewer,
    custodian_name_expression,
    decision_id_expression,
    document_id_expression,
    person_row,
)
from chapterhouse.meetings.selectors import (
    DEFAULT_LIMIT,
    body_ref,
    page,
)
from chapterhouse.registry.models import Body, BodyName, Organization, Person
from chapterhouse.registry.tree import children_by_parent, descendants
from chapterhouse.relations.models import (
    Agreement,
    AgreementSignatory,
    Award,
    Honour,
    Partner,
    Task,
    TaskAssignee,
)
from chapterhouse.relations.tasks import task_is_overdue

SELF_PARTY = "self"

# -- partners -----------------------------------------------------------------------------


def _partner_fields(partner: Partner) -> dict[str, Any]:
    return {
        "id": partner.slug,
        "name": partner.name,
        "kind": partner.kind,
        "country": partner.country,
    }


def partner_list(
    *,
    viewer: Viewer,
    kind: str | None = None,
    country: str | None = None,
    limit: int = DEFAULT_LIMIT,
    offset: int = 0,
) -> dict[str, Any]:
    """Return ``{"count", "items"}``: partner organizations by id, optionally of one
    ``kind`` or ``country`` (ISO 3166-1 alpha-2, any case)."""
    partners = Partner.objects.order_by("slug")
    if kind:
        partners = partners.filter(kind=kind)
    if country:
        partners = partners.filter(country=country.upper())
    count, rows = page(partners, limit=limit, offset=offset)
    return {"count": count, "items": [_partner_fields(row) for row in rows]}


def partner_detail(*, partner: str, viewer: Viewer) -> dict[str, Any]:
    """Return a partner organization and the agreements it is a party to.

    Raise ``Partner.DoesNotExist`` for an unknown id.
    """
    found = Partner.objects.get(slug=partner)
    # Parties are a JSON list, and "list contains" has no portable SQL (SQLite lacks it),
    # so the agreements are matched here; there are few of them.
    agreements = [
        _agreement_summary(agreement)
        for agreement in Agreement.objects.order_by(F("date").asc(nulls_last=True), "slug")
        if found.slug in (agreement.parties or [])
    ]
    return {**_partner_fields(found), "agreements": agreements}


# -- agreements ---------------------------------------------------------------------------


def _agreement_summary(agreement: Agreement) -> dict[str, Any]:
    return {
        "id": agreement.slug,
        "title": agreement.title,
        "status": agreement.status,
        "date": start_text(agreement.date, agreement.date_precision),
        "parties": list(agreement.parties or []),
    }


def agreement_list(
    *, viewer: Viewer, status: str | None = None, limit: int = DEFAULT_LIMIT, offset: int = 0
) -> dict[str, Any]:
    """Return ``{"count", "items"}``: agreements in date order (undated last), optionally
    with one ``status``."""
    agreements = Agreement.objects.order_by(F("date").asc(nulls_last=True), "slug")
    if status:
        agreements = agreements.filter(status=status)
    count, rows = page(agreements, limit=limit, offset=offset)
    return {"count": count, "items": [_agreement_summary(row) for row in rows]}


def agreement_detail(*, agreement: str, viewer: Viewer) -> dict[str, Any]:
    """Return an agreement: its parties with their names (``"self"`` is the organization),
    its articles in order, who signs for which party, and the decision that signed it.

    Raise ``Agreement.DoesNotExist`` for an unknown id.
    """
    found = (
        Agreement.objects.annotate(signed_by_ref=decision_id_expression(viewer, "signed_by"))
        .prefetch_related(
            Prefetch(
                "signatories",
                queryset=AgreementSignatory.objects.select_related("person").annotate(
                    custodian_name=custodian_name_expression("person__")
                ),
            )
        )
        .get(slug=agreement)
    )
    parties = list(found.parties or [])
    partner_names = {
        p.slug: p.name
        for p in Partner.objects.filter(slug__in=[slug for slug in parties if slug != SELF_PARTY])
    }
    organization = Organization.objects.first() if SELF_PARTY in parties else None
    signatories = [
        (signatory, person_row(signatory.person, custodian_name=signatory.custodian_name))  # type: ignore[attr-defined]
        for signatory in found.signatories.all()
    ]
    namer = PeopleNamer(viewer, [row for _, row in signatories])
    return {
        **_agreement_summary(found),
        "parties": [
            {
                "id": slug,
                "name": (
                    (organization.name if organization else None)
                    if slug == SELF_PARTY
                    else partner_names.get(slug)
                ),
            }
            for slug in parties
        ],
        "articles": list(found.articles or []),
        "signatories": [
            {
                "person": namer.slug(row),
                "name": namer.name(row),
                "party": signatory.party,
                "title": signatory.title,
            }
            for signatory, row in signatories
        ],
        "signed_by": found.signed_by_ref,
    }


# -- honours ------------------------------------------------------------------------------


def honour_list(
    *, viewer: Viewer, kind: str | None = None, limit: int = DEFAULT_LIMIT, offset: int = 0
) -> dict[str, Any]:
    """Return ``{"count", "items"}``: honours by id with how many times each was awarded."""
    honours = Honour.objects.annotate(award_count=Count("awards")).order_by("slug")
    if kind:
        honours = honours.filter(kind=kind)
    count, rows = page(honours, limit=limit, offset=offset)
    items = [
        {"id": row.slug, "name": row.name, "kind": row.kind, "award_count": row.award_count}
        for row in rows
    ]
    return {"count": count, "items": items}


def honour_detail(*, honour: str, viewer: Viewer) -> dict[str, Any]:
    """Return an honour and its awards in date order, each with the person, the decision
    and the citation document.

    Raise ``Honour.DoesNotExist`` for an unknown id.
    """
    found = Honour.objects.prefetch_related(
        Prefetch(
            "awards",
            queryset=Award.objects.select_related("person")
            .annotate(
                custodian_name=custodian_name_expression("person__"),
                decision_ref=decision_id_expression(viewer),
                citation_ref=document_id_expression(viewer, "citation"),
            )
            .order_by("date", "pk"),
        )
    ).get(slug=honour)
    awards = [
        (award, person_row(award.person, custodian_name=award.custodian_name))  # type: ignore[attr-defined]
        for award in found.awards.all()
    ]
    namer = PeopleNamer(viewer, [row for _, row in awards])
    return {
        "id": found.slug,
        "name": found.name,
        "kind": found.kind,
        "awards": [
            {
                "person": namer.slug(row),
                "name": namer.name(row),
                "date": award.date.isoformat(),
                "decision": award.decision_ref,  # type: ignore[attr-defined]
                "citation": award.citation_ref,  # type: ignore[attr-defined]
            }
            for award, row in awards
        ],
    }


# -- tasks --------------------------------------------------------------------------------


def _assignees_prefetch() -> Prefetch:
    return Prefetch(
        "assignees",
        queryset=TaskAssignee.objects.select_related("body", "person")
        .annotate(custodian_name=custodian_name_expression("person__"))
        .prefetch_related(
            Prefetch("body__renames", queryset=BodyName.objects.order_by("start", "pk"))
        ),
    )


def _task_namer(viewer: Viewer, tasks: list[Task]) -> PeopleNamer:
    """Return the namer of the people assigned to ``tasks`` (their assignees prefetched)."""
    return PeopleNamer(
        viewer,
        [
            person_row(assignee.person, custodian_name=assignee.custodian_name)  # type: ignore[attr-defined]
            for task in tasks
            for assignee in task.assignees.all()
            if assignee.person is not None
        ],
    )


def _task_fields(task: Task, viewer: Viewer, namer: PeopleNamer) -> dict[str, Any]:
    assignees: list[dict[str, Any]] = []
    for assignee in task.assignees.all():
        if assignee.body is not None:
            if not viewer.sees_body(assignee.body_id, internal=assignee.body.internal):
                continue
            # Tasks are current business: a body is shown under its latest name.
            assignees.append({"kind": "body", **(body_ref(assignee.body, None) or {})})
        elif assignee.person is not None:
            who = person_row(assignee.person, custodian_name=assignee.custodian_name)  # type: ignore[attr-defined]
            assignees.append({"kind": "person", **(namer.ref(who) or {})})
    return {
        "id": task.slug,
        "title": task.title,
        "due": start_text(task.due, task.due_precision),
        "status": task.status,
        "decision": task.decision_ref,  # type: ignore[attr-defined]
        "assignees": assignees,
        "done_on": task.done_on.isoformat() if task.done_on else None,
        "done_note": task.done_note or None,
    }


def task_list(
    *,
    viewer: Viewer,
    status: str | None = None,
    body: str | None = None,
    person: str | None = None,
    limit: int = DEFAULT_LIMIT,
    offset: int = 0,
) -> dict[str, Any]:
    """Return ``{"count", "items"}``: tasks by due date (undated last) with their assignees,
    optionally with one ``status`` or assigned to one ``body`` or ``person`` (ids)."""
    tasks = (
        Task.objects.filter(viewer.task_filter())
        .annotate(decision_ref=decision_id_expression(viewer))
        .prefetch_related(_assignees_prefetch())
        .order_by(F("due").asc(nulls_last=True), "slug")
    )
    if status:
        tasks = tasks.filter(status=status)
    if body:
        tasks = tasks.filter(assignees__body__slug=body).distinct()
    if person:
        # A person hidden from the viewer matches nothing, like an unknown id.
        visible = Person.objects.filter(viewer.people_filter()).filter(slug=person)
        tasks = tasks.filter(assignees__person__in=visible).distinct()
    count, rows = page(tasks, limit=limit, offset=offset)
    namer = _task_namer(viewer, rows)
    return {"count": count, "items": [_task_fields(row, viewer, namer) for row in rows]}


def task_detail(*, task: str, viewer: Viewer) -> dict[str, Any]:
    """Return a task with its assignees (bodies and people, in order) and the decision
    that gave it, with that decision's date and wording.

    Raise ``Task.DoesNotExist`` for an unknown id and for a task hidden from the viewer
    (`Viewer.task_filter`).
    """
    found = (
        Task.objects.filter(viewer.task_filter())
        .select_related("decision")
        .annotate(decision_ref=decision_id_expression(viewer))
        .prefetch_related(_assignees_prefetch())
        .get(slug=task)
    )
    # A decision the viewer may not see gives the task without saying who gave it.
    decision = found.decision if found.decision_ref else None
    return {
        **_task_fields(found, viewer, _task_namer(viewer, [found])),
        "decision": (
            {
                "id": decision.slug,
                "date": start_text(decision.date, decision.date_precision),
                "text": decision.text,
            }
            if decision
            else None
        ),
    }


# -- the task board ---------------------------------------------------------------------------


@dataclass(frozen=True)
class TaskCard:
    """One task as the board shows it."""

    id: str
    title: Any
    due: dt.date | None
    due_precision: str
    status: str
    overdue: bool
    decision: str | None
    assignees: list[dict[str, Any]]
    done_on: dt.date | None
    done_note: str


@dataclass(frozen=True)
class TaskBoard:
    """The tasks of a board on one day: open (not yet due), overdue, done (and cancelled)."""

    on: dt.date
    open: list[TaskCard]
    overdue: list[TaskCard]
    done: list[TaskCard]

    @property
    def count(self) -> int:
        return len(self.open) + len(self.overdue) + len(self.done)


def _card(task: Task, viewer: Viewer, namer: PeopleNamer, on: dt.date) -> TaskCard:
    fields = _task_fields(task, viewer, namer)
    return TaskCard(
        id=task.slug,
        title=task.title,
        due=task.due,
        due_precision=task.due_precision,
        status=task.status,
        overdue=task_is_overdue(task, on=on),
        decision=fields["decision"],
        assignees=fields["assignees"],
        done_on=task.done_on,
        done_note=task.done_note,
    )


def task_board(
    *, viewer: Viewer, on: dt.date, body: str | None = None, mine: bool = False
) -> TaskBoard:
    """Return the board of the tasks ``viewer`` may see on ``on``: all of them, those
    given to one ``body`` (an id; a body hidden from the viewer matches nothing), or with
    ``mine`` those given to the viewer's own person or to a body they hold a grant on.

    Open tasks come by due date (undated last), done ones most recently done first.
    A fixed number of queries whatever the number of tasks.
    """
    tasks = (
        Task.objects.filter(viewer.task_filter())
        .annotate(decision_ref=decision_id_expression(viewer))
        .prefetch_related(_assignees_prefetch())
        .order_by(F("due").asc(nulls_last=True), "slug")
    )
    if body is not None:
        shown = Body.objects.filter(viewer.body_filter()).filter(slug=body)
        tasks = tasks.filter(pk__in=TaskAssignee.objects.filter(body__in=shown).values("task"))
    if mine:
        to_me = Q(body_id__in=viewer.member_bodies)
        if viewer.person_id is not None:
            to_me |= Q(person_id=viewer.person_id)
        tasks = tasks.filter(pk__in=TaskAssignee.objects.filter(to_me).values("task"))
    rows: list[Task] = list(tasks)
    namer = _task_namer(viewer, rows)
    cards = [_card(row, viewer, namer, on) for row in rows]
    done = [card for card in cards if card.status != "open"]
    done.sort(key=lambda card: (card.done_on or dt.date.min, card.id), reverse=True)
    return TaskBoard(
        on=on,
        open=[card for card in cards if card.status == "open" and not card.overdue],
        overdue=[card for card in cards if card.overdue],
        done=done,
    )


def tasks_due(
    *,
    viewer: Viewer,
    first: dt.date | None = None,
    last: dt.date | None = None,
    body: str | None = None,
) -> list[dict[str, Any]]:
    """Return ``{"id", "title", "due", "precision", "status"}`` for the tasks ``viewer``
    may see that are due on a day (dated to the day; cancelled ones left out) between
    ``first`` and ``last`` (inclusive, either open), given to ``body`` or a body below it
    when given; by due date. The calendar's month page and its feeds put them on their day."""
    tasks = (
        Task.objects.filter(viewer.task_filter())
        .filter(due__isnull=False, due_precision="day")
        .exclude(status="cancelled")
    )
    if first is not None:
        tasks = tasks.filter(due__gte=first)
    if last is not None:
        tasks = tasks.filter(due__lte=last)
    if body is not None:
        tasks = tasks.filter(
            pk__in=TaskAssignee.objects.filter(body_id__in=_subtree(body)).values("task")
        )
    return [
        {"id": slug, "title": title, "due": due, "precision": "day", "status": status}
        for slug, title, due, status in tasks.order_by("due", "slug").values_list(
            "slug", "title", "due", "status"
        )
    ]


def _subtree(body: str) -> set[int]:
    """Return the id of ``body`` and of every body below it (one query)."""
    rows = list(Body.objects.values_list("pk", "parent_id", "slug"))
    roots = [pk for pk, _parent_id, slug in rows if slug == body]
    return descendants(roots, children_by_parent((pk, parent_id) for pk, parent_id, _ in rows))


def visible_task(viewer: Viewer, slug: str) -> Task:
    """Return the task ``slug`` with its assignees if the viewer may see it; else raise
    ``Task.DoesNotExist`` (the same for a task that does not exist)."""
    found = (
        Task.objects.filter(viewer.task_filter())
        .select_related("decision")
        .prefetch_related("assignees__body", "assignees__person")
        .filter(slug=slug)
        .first()
    )
    if found is None:
        raise Task.DoesNotExist(slug)
    return found
