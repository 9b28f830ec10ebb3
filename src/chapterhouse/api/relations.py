"""Endpoints of relations: partners, agreements, honours and tasks."""

from __future__ import annotations

from typing import Annotated

from django.http import HttpRequest
from ninja import Query, Router

from chapterhouse.api.params import Limit, Offset, found_or_404
from chapterhouse.api.schemas import (
    BAD_INPUT,
    NOT_FOUND,
    AgreementOut,
    AgreementPage,
    HonourOut,
    HonourPage,
    PartnerOut,
    PartnerPage,
    TaskOut,
    TaskPage,
)
from chapterhouse.core.chronicle_schema import AgreementStatus, HonourKind, TaskStatus
from chapterhouse.custody.access import viewer_of
from chapterhouse.relations import selectors

router = Router(tags=["relations"])


@router.get("/partners", response={200: PartnerPage, **BAD_INPUT})
def partners(
    request: HttpRequest,
    kind: Annotated[str | None, Query(description="Only partners of this kind.")] = None,
    country: Annotated[
        str | None, Query(description="Only partners in this country (ISO 3166-1 alpha-2).")
    ] = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> dict:
    """List the organizations outside ours, by id."""
    return selectors.partner_list(
        viewer=viewer_of(request), kind=kind, country=country, limit=limit, offset=offset
    )


@router.get("/partners/{id}", response={200: PartnerOut, **NOT_FOUND})
def partner(request: HttpRequest, id: str) -> dict:
    """Return a partner organization and the agreements it is a party to."""
    return found_or_404(
        "partner", id, selectors.partner_detail, partner=id, viewer=viewer_of(request)
    )


@router.get("/agreements", response={200: AgreementPage, **BAD_INPUT})
def agreements(
    request: HttpRequest,
    status: AgreementStatus | None = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> dict:
    """List agreements in date order."""
    return selectors.agreement_list(
        viewer=viewer_of(request), status=status, limit=limit, offset=offset
    )


@router.get("/agreements/{id}", response={200: AgreementOut, **NOT_FOUND})
def agreement(request: HttpRequest, id: str) -> dict:
    """Return an agreement with its parties, articles, signatories and signing decision."""
    return found_or_404(
        "agreement", id, selectors.agreement_detail, agreement=id, viewer=viewer_of(request)
    )


@router.get("/honours", response={200: HonourPage, **BAD_INPUT})
def honours(
    request: HttpRequest,
    kind: HonourKind | None = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> dict:
    """List honours by id with how many times each was awarded."""
    return selectors.honour_list(viewer=viewer_of(request), kind=kind, limit=limit, offset=offset)


@router.get("/honours/{id}", response={200: HonourOut, **NOT_FOUND})
def honour(request: HttpRequest, id: str) -> dict:
    """Return an honour and everyone it was awarded to, in date order."""
    return found_or_404("honour", id, selectors.honour_detail, honour=id, viewer=viewer_of(request))


@router.get("/tasks", response={200: TaskPage, **BAD_INPUT})
def tasks(
    request: HttpRequest,
    status: TaskStatus | None = None,
    body: Annotated[str | None, Query(description="Only tasks assigned to this body.")] = None,
    person: Annotated[str | None, Query(description="Only tasks assigned to this person.")] = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> dict:
    """List tasks by due date with their assignees."""
    return selectors.task_list(
        viewer=viewer_of(request),
        status=status,
        body=body,
        person=person,
        limit=limit,
        offset=offset,
    )


@router.get("/tasks/{id}", response={200: TaskOut, **NOT_FOUND})
def task(request: HttpRequest, id: str) -> dict:
    """Return a task, its assignees and the decision that gave it."""
    return found_or_404("task", id, selectors.task_detail, task=id, viewer=viewer_of(request))
