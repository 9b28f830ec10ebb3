"""Endpoints of meetings: conferences, sessions and decisions."""

from __future__ import annotations

from typing import Annotated

from django.http import HttpRequest
from ninja import Query, Router

from chapterhouse.api.params import (
    DateFrom,
    DateTo,
    Limit,
    Offset,
    found_or_404,
    optional_day_param,
)
from chapterhouse.api.schemas import (
    BAD_INPUT,
    NOT_FOUND,
    ConferenceOut,
    ConferencePage,
    DecisionOut,
    DecisionPage,
    SessionOut,
    SessionPage,
)
from chapterhouse.core.chronicle_schema import DecisionKind, DecisionStatus
from chapterhouse.custody.access import viewer_of
from chapterhouse.meetings import selectors

router = Router(tags=["meetings"])


@router.get("/conferences", response={200: ConferencePage, **BAD_INPUT})
def conferences(
    request: HttpRequest,
    kind: Annotated[str | None, Query(description="Only conferences of this kind.")] = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> dict:
    """List conferences in time order."""
    return selectors.conference_list(
        viewer=viewer_of(request), kind=kind, limit=limit, offset=offset
    )


@router.get("/conferences/{id}", response={200: ConferenceOut, **NOT_FOUND})
def conference(request: HttpRequest, id: str) -> dict:
    """Return a conference with its sessions in day order and the decisions it took as a
    whole."""
    return found_or_404(
        "conference", id, selectors.conference_detail, conference=id, viewer=viewer_of(request)
    )


@router.get("/sessions", response={200: SessionPage, **BAD_INPUT})
def sessions(
    request: HttpRequest,
    conference: Annotated[str | None, Query(description="Only this conference's.")] = None,
    host: Annotated[str | None, Query(description="Only those this body hosted.")] = None,
    date_from: DateFrom = None,
    date_to: DateTo = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> dict:
    """List sessions in time order with their hosts."""
    return selectors.session_list(
        viewer=viewer_of(request),
        conference=conference,
        host=host,
        date_from=optional_day_param(date_from, name="from"),
        date_to=optional_day_param(date_to, name="to"),
        limit=limit,
        offset=offset,
    )


@router.get("/sessions/{id}", response={200: SessionOut, **NOT_FOUND})
def session(request: HttpRequest, id: str) -> dict:
    """Return a session: hosts, place, format, chair, occasions (with the anniversary),
    attendees, documents and decisions."""
    return found_or_404(
        "session", id, selectors.session_detail, session=id, viewer=viewer_of(request)
    )


@router.get("/decisions", response={200: DecisionPage, **BAD_INPUT})
def decisions(
    request: HttpRequest,
    session: Annotated[str | None, Query(description="Only this session's.")] = None,
    conference: Annotated[
        str | None,
        Query(description="Only this conference's, as a whole or at one of its sessions."),
    ] = None,
    kind: DecisionKind | None = None,
    status: DecisionStatus | None = None,
    date_from: DateFrom = None,
    date_to: DateTo = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> dict:
    """List decisions in the order they were taken."""
    return selectors.decision_list(
        viewer=viewer_of(request),
        session=session,
        conference=conference,
        kind=kind,
        status=status,
        date_from=optional_day_param(date_from, name="from"),
        date_to=optional_day_param(date_to, name="to"),
        limit=limit,
        offset=offset,
    )


@router.get("/decisions/{id}", response={200: DecisionOut, **NOT_FOUND}, by_alias=True)
def decision(request: HttpRequest, id: str) -> dict:
    """Return a decision, its effects as written and what adopting it changed."""
    return found_or_404(
        "decision", id, selectors.decision_detail, decision=id, viewer=viewer_of(request)
    )
