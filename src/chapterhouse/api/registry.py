"""Endpoints of the registry: the organization, bodies, people, the org chart and the diff."""

from __future__ import annotations

from typing import Annotated

from django.core.exceptions import ObjectDoesNotExist
from django.http import HttpRequest, StreamingHttpResponse
from django.utils.translation import gettext as _
from ninja import Query, Router
from ninja.errors import HttpError

from chapterhouse.api import selectors
from chapterhouse.api.params import (
    MAX_LIMIT,
    AsOf,
    Limit,
    Offset,
    day_param,
    day_query,
    found_or_404,
    not_found_message,
)
from chapterhouse.api.schemas import (
    BAD_INPUT,
    NOT_FOUND,
    BodyOut,
    BodyPage,
    DiffOut,
    HistoryOut,
    OrganizationOut,
    OrgchartOut,
    PersonOut,
    PersonPage,
)
from chapterhouse.core.keyset import BadCursor
from chapterhouse.custody.access import viewer_of
from chapterhouse.registry import selectors as registry
from chapterhouse.registry.merges import kept_person_id
from chapterhouse.registry.models import Body, Organization
from chapterhouse.registry.selectors import DIFF_PAGE_SIZE
from chapterhouse.registry.shapes import DiffKind, orgchart_json_chunks

router = Router(tags=["registry"])


@router.get("/organization", response={200: OrganizationOut, **NOT_FOUND})
def organization(request: HttpRequest) -> dict:
    """Return the organization's name, working languages and founding date."""
    try:
        return selectors.organization_detail(viewer=viewer_of(request))
    except Organization.DoesNotExist:
        raise HttpError(404, _("No organization has been recorded yet")) from None


@router.get("/bodies", response={200: BodyPage, **BAD_INPUT})
def bodies(
    request: HttpRequest,
    as_of: AsOf = None,
    kind: Annotated[str | None, Query(description="Only bodies of this kind.")] = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> dict:
    """List the bodies that exist on `as_of`, by id, named as on that day."""
    day = day_param(as_of, name="as_of")
    return selectors.body_list(
        viewer=viewer_of(request), as_of=day, kind=kind, limit=limit, offset=offset
    )


@router.get("/bodies/{id}", response={200: BodyOut, **NOT_FOUND, **BAD_INPUT}, by_alias=True)
def body(request: HttpRequest, id: str, as_of: AsOf = None) -> BodyOut:
    """Return a body as of `as_of`: names, parent and children, holders past and present,
    mandates and a timeline of what happened to it."""
    day = day_param(as_of, name="as_of")
    return found_or_404(
        "body", id, registry.body_overview, body=id, as_of=day, viewer=viewer_of(request)
    )


@router.get("/people", response={200: PersonPage, **BAD_INPUT})
def people(
    request: HttpRequest,
    q: Annotated[
        str | None,
        Query(description="A name in any script or spelling; the people it names, best first."),
    ] = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> dict:
    """List people by id, or those `q` names (any of their names, any script), best first."""
    return selectors.person_list(viewer=viewer_of(request), q=q, limit=limit, offset=offset)


@router.get("/people/{id}", response={200: PersonOut, **NOT_FOUND})
def person(request: HttpRequest, id: str) -> dict:
    """Return a person's names and, under `personal`, their personal data. The id of a
    merged person answers with the person they were merged into."""
    viewer = viewer_of(request)
    try:
        return selectors.person_detail(person=id, viewer=viewer)
    except ObjectDoesNotExist:
        kept = kept_person_id(viewer, id) or id
        return found_or_404("person", id, selectors.person_detail, person=kept, viewer=viewer)


@router.get("/people/{id}/history", response={200: HistoryOut, **NOT_FOUND})
def person_history(request: HttpRequest, id: str) -> HistoryOut:
    """Return every post the person held, their outside posts and honours, in time order
    (for the id of a merged person: those of the person they were merged into)."""
    viewer = viewer_of(request)
    try:
        return registry.person_history(person=id, viewer=viewer)
    except ObjectDoesNotExist:
        kept = kept_person_id(viewer, id) or id
        return found_or_404("person", id, registry.person_history, person=kept, viewer=viewer)


@router.get("/orgchart", response={200: OrgchartOut, **NOT_FOUND, **BAD_INPUT}, by_alias=True)
def orgchart(
    request: HttpRequest,
    as_of: AsOf = None,
    body: Annotated[
        str | None, Query(description="Only this body and the bodies below it.")
    ] = None,
    depth: Annotated[
        int | None,
        Query(
            ge=0,
            description="Only the bodies down to this depth (0: the top bodies, or `body`"
            " alone). A body whose children were left out gives their number as"
            " `children_left_out`: ask for them with `body` set to its id.",
        ),
    ] = None,
) -> OrgchartOut:
    """Return the organization as it stood on `as_of`: bodies in tree order with the
    holders of their posts on that day. For a large organization, ask for the top levels
    with `depth` and then for subtrees with `body`, or read the whole chart as it is
    written from `/orgchart/stream`."""
    day = day_param(as_of, name="as_of")
    try:
        return registry.orgchart_as_of(
            viewer=viewer_of(request), as_of=day, root=body or None, depth=depth
        )
    except (LookupError, Body.DoesNotExist):
        raise HttpError(404, not_found_message("body", body or "")) from None


@router.get(
    "/orgchart/stream",
    response={200: OrgchartOut, **NOT_FOUND, **BAD_INPUT},
    by_alias=True,
    openapi_extra={"x-streamed": True},
)
def orgchart_stream(
    request: HttpRequest,
    as_of: AsOf = None,
    body: Annotated[
        str | None, Query(description="Only this body and the bodies below it.")
    ] = None,
) -> StreamingHttpResponse:
    """Return the same document as `/orgchart`, written while it is read: the first bodies
    arrive after the tree is read, not after every holder of a large organization is
    (docs/decisions/0035). An unknown `body` is still a 404; an error after the first
    bytes cuts the document short (it no longer parses)."""
    day = day_param(as_of, name="as_of")
    try:
        bodies = registry.orgchart_stream(viewer=viewer_of(request), as_of=day, root=body or None)
    except (LookupError, Body.DoesNotExist):
        raise HttpError(404, not_found_message("body", body or "")) from None
    return StreamingHttpResponse(
        orgchart_json_chunks(as_of=day, bodies=bodies), content_type="application/json"
    )


@router.get("/diff", response={200: DiffOut, **BAD_INPUT}, by_alias=True)
def diff(
    request: HttpRequest,
    date_from: Annotated[str, day_query("The first day included.", alias="from")],
    date_to: Annotated[
        str | None, day_query("The last day included; today when absent.", alias="to")
    ] = None,
    limit: Annotated[
        int | None,
        Query(
            ge=1,
            le=MAX_LIMIT,
            description="Page the answer: at most this many changes of each kind, with"
            " `counts` and each kind's `next` cursor. Without `limit`, `cursor` or `kind`,"
            f" every change (as before). Default when paged: {DIFF_PAGE_SIZE}.",
        ),
    ] = None,
    cursor: Annotated[
        str | None,
        Query(
            description="A `next` cursor of a previous answer: the following changes of"
            " that kind only (the other lists empty)."
        ),
    ] = None,
    kind: Annotated[
        DiffKind | None,
        Query(
            description="Only this kind: its first page, or with `cursor` (which must be of"
            " this kind) its next."
        ),
    ] = None,
) -> DiffOut:
    """Return what changed on the days `from` <= day <= `to`: terms started and ended,
    bodies founded, dissolved and renamed, mandates moved, with `counts` of each kind.

    With `limit` (or `cursor`, or `kind`), a page: the first `limit` changes of each kind and a
    `next` cursor for each kind that has more; pass one back as `cursor` (with the same
    `from` and `to`) for the next page of that kind. Paged answers take the same time
    whatever the range; the complete answer grows with it (a busy month holds tens of
    thousands of changes)."""
    start = day_param(date_from, name="from")
    end = day_param(date_to, name="to")
    if start > end:
        raise HttpError(
            400,
            _("'from' (%(start)s) must not be after 'to' (%(end)s)")
            % {"start": start.isoformat(), "end": end.isoformat()},
        )
    viewer = viewer_of(request)
    if limit is None and cursor is None and kind is None:
        return registry.diff_between(viewer=viewer, start=start, end=end)
    try:
        page = registry.diff_page(
            viewer=viewer,
            start=start,
            end=end,
            limit=limit or DIFF_PAGE_SIZE,
            cursor=cursor or None,
            kind=kind,
        )
    except BadCursor:
        raise HttpError(
            400, _("Invalid 'cursor': pass back a 'next' cursor of this diff as it came")
        ) from None
    return page
