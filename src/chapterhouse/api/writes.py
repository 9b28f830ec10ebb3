"""Writes through the API: record and change sessions, decisions, people and tasks.

The operations join the read routers of the same paths (see AUTH below).
Request bodies are Chronicle objects (the models in ``core.write_schema``);
the permission checks, the transaction and the audit entry are the services'.
A client signs in with a bearer token (``Authorization: Bearer chp_…``) or
with the browser session, which then needs the CSRF token
(``X-CSRFToken`` header). Answers: 201/200 with the object, 400 naming each
bad field, 401 when not signed in, 403 without the right, 404 for an id that
does not exist or that the client may not see.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Status
from ninja.security import APIKeyCookie, HttpBearer
from pydantic import BaseModel, Field

from chapterhouse.api.meetings import router as meetings_router
from chapterhouse.api.registry import router as registry_router
from chapterhouse.api.relations import router as relations_router
from chapterhouse.core.write_schema import (
    ConferenceChanges,
    ConferenceFields,
    DecisionChanges,
    DecisionFields,
    PersonChanges,
    PersonFields,
    SessionChanges,
    SessionFields,
    TaskChanges,
    TaskFields,
)
from chapterhouse.custody.access import Viewer
from chapterhouse.custody.selectors import visible_decision, visible_person, visible_session
from chapterhouse.meetings import conferences
from chapterhouse.meetings import services as meetings
from chapterhouse.meetings.models import Conference, Decision, Session
from chapterhouse.registry import services as registry
from chapterhouse.registry.merges import kept_person_id
from chapterhouse.registry.models import Person
from chapterhouse.relations import tasks
from chapterhouse.relations.models import Task
from chapterhouse.relations.selectors import visible_task

TextOut = str | dict[str, str] | None


class BearerToken(HttpBearer):
    """A personal API token; the middleware has already checked it and signed the user in."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        return request.user if request.user.is_authenticated else None


class BrowserSession(APIKeyCookie):
    """The signed-in browser session; writes need the CSRF token too."""

    param_name = settings.SESSION_COOKIE_NAME

    def _get_key(self, request: HttpRequest) -> str | None:
        # Not signed in is a 401, whatever the CSRF token; signed in, the token is checked.
        if not request.user.is_authenticated:
            return None
        return super()._get_key(request)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        return request.user if request.user.is_authenticated else None


# The writes share their paths with the reads (GET and POST /sessions …), and Django
# routes a path to one view only: so they join the read routers, with their own auth.
AUTH = [BearerToken(), BrowserSession()]


class ProblemOut(BaseModel):
    """One thing wrong with the request."""

    path: str = Field(description="Where, e.g. effects[0].body; empty for the whole object.")
    message: str = Field(description="What is wrong.")


class RefusedOut(BaseModel):
    """Why a write was refused."""

    detail: str = Field(description="What went wrong, in one line.")
    errors: list[ProblemOut] = Field(
        default_factory=list, description="For bad input: each field and what is wrong with it."
    )


class SessionWritten(BaseModel):
    """A session as recorded."""

    id: str
    conference: str | None
    day: int | None
    title: TextOut
    date: str | None
    hosts: list[str]
    country: str | None
    city: TextOut
    region: TextOut
    venue: TextOut
    format: str | None
    chair: str | None
    occasions: list[str]
    attendees: list[dict[str, Any]]
    internal: bool
    extra: dict[str, Any] | None


class ConferenceWritten(BaseModel):
    """A conference as recorded; ``end`` is its last day."""

    id: str
    number: int | None
    kind: str | None
    name: TextOut
    dedication: TextOut
    start: str | None
    end: str | None
    extra: dict[str, Any] | None


class DecisionWritten(BaseModel):
    """A decision as recorded, with its status after the write."""

    id: str
    session: str | None
    conference: str | None
    date: str | None
    kind: str
    text: TextOut
    proposed_by: str | None
    status: str
    votes: dict[str, Any] | None
    effects: list[dict[str, Any]]
    internal: bool
    extra: dict[str, Any] | None


class PersonWritten(BaseModel):
    """A person as recorded, personal data included (the writer is their custodian)."""

    id: str
    name: str
    names: list[dict[str, str]] | None
    given: str | None
    family: str | None
    patronymic: str | None
    call_sign: str | None
    born: str | None
    custodian: str | None
    public: bool
    honorific: TextOut
    contact: dict[str, str] | None
    notes: str | None


class TaskWritten(BaseModel):
    """A task as recorded, with its status and, once done, the day and the note."""

    id: str
    title: TextOut
    assignees: list[dict[str, str]]
    due: str | None
    status: str
    decision: str | None
    done_on: str | None
    done_note: str | None
    extra: dict[str, Any] | None


REFUSALS: dict[int, Any] = {400: RefusedOut, 401: RefusedOut, 403: RefusedOut}
MISSING: dict[int, Any] = {**REFUSALS, 404: RefusedOut}


def _refused(error: Exception) -> Status[dict[str, Any]]:
    """Return the answer to a refused write."""
    if isinstance(error, PermissionDenied):
        return Status(403, {"detail": str(error) or _("You may not do this."), "errors": []})
    assert isinstance(error, ValidationError)
    if hasattr(error, "error_dict"):
        problems = [
            {"path": "" if path == "__all__" else path, "message": message}
            for path, messages in error.message_dict.items()
            for message in messages
        ]
    else:
        problems = [{"path": "", "message": message} for message in error.messages]
    detail = "; ".join(
        f"{problem['path']}: {problem['message']}" if problem["path"] else problem["message"]
        for problem in problems
    )
    return Status(400, {"detail": detail, "errors": problems})


def _write(request: HttpRequest, status: int, write: Any, shape: Any) -> Any:
    """Run ``write(viewer, via, at)``; answer ``status`` with ``shape(result)`` or a refusal."""
    viewer: Viewer = request.viewer  # type: ignore[attr-defined]
    try:
        result = write(viewer, "api", timezone.now())
    except (PermissionDenied, ValidationError) as error:
        return _refused(error)
    return Status(status, shape(result))


def _create(request: HttpRequest, create: Any, payload: BaseModel, shape: Any) -> Any:
    """Record what ``payload`` holds with the service ``create``; answer 201 with
    ``shape(record)`` or a refusal."""
    values = _values(payload)
    return _write(
        request,
        201,
        lambda viewer, via, at: create(viewer=viewer, via=via, at=at, values=values),
        shape,
    )


def _update(
    request: HttpRequest, update: Any, payload: BaseModel, shape: Any, **record: Any
) -> Any:
    """Change the fields ``payload`` sets with the service ``update``, which names the record
    by the keyword in ``record`` (``session=…``); answer 200 with ``shape(record)`` or a
    refusal."""
    changes = _values(payload)
    return _write(
        request,
        200,
        lambda viewer, via, at: update(viewer=viewer, via=via, at=at, changes=changes, **record),
        shape,
    )


def _session_out(session: Session) -> dict[str, Any]:
    return {"id": session.slug, **meetings.session_snapshot(session)}


def _decision_out(decision: Decision) -> dict[str, Any]:
    return {"id": decision.slug, **meetings.decision_snapshot(decision)}


def _person_out(person: Person) -> dict[str, Any]:
    return {"id": person.slug, **registry.person_snapshot(person)}


def _task_out(task: Task) -> dict[str, Any]:
    return {"id": task.slug, **tasks.task_snapshot(task)}


def _found(find: Any, viewer: Viewer, slug: str, message: str) -> Any:
    try:
        return find(viewer, slug)
    except ObjectDoesNotExist:
        raise Http404(message) from None


def _person_named(viewer: Viewer, slug: str) -> Person:
    """Return the person ``slug`` names: the kept one for the old id of a merged person, as
    ``GET /people/{id}`` answers (docs/decisions/0032)."""
    try:
        return visible_person(viewer, slug)
    except Person.DoesNotExist:
        kept = kept_person_id(viewer, slug)
        if kept is None:
            raise
        return visible_person(viewer, kept)


def _values(payload: BaseModel) -> dict[str, Any]:
    return payload.model_dump(mode="json", by_alias=True, exclude_unset=True)


@meetings_router.post(
    "/sessions",
    auth=AUTH,
    response={201: SessionWritten, **REFUSALS},
    summary="Record a session",
    operation_id="session_create",
)
def session_create(request: HttpRequest, payload: SessionFields) -> Any:
    """Record a session with its attendees and occasions. The client must be an officer of
    at least one body that hosts it (a joint session is every host's)."""
    return _create(request, meetings.session_create, payload, _session_out)


@meetings_router.patch(
    "/sessions/{id}",
    auth=AUTH,
    response={200: SessionWritten, **MISSING},
    summary="Change a session",
    operation_id="session_update",
)
def session_update(request: HttpRequest, id: str, payload: SessionChanges) -> Any:
    """Change the given fields of a session (null clears one). The client must be an officer
    of at least one body that hosts it, before and after."""
    session = _found(visible_session, request.viewer, id, _("No session with this id."))  # type: ignore[attr-defined]
    return _update(request, meetings.session_update, payload, _session_out, session=session)


def _conference_out(conference: Conference) -> dict[str, Any]:
    return {"id": conference.slug, **conferences.conference_snapshot(conference)}


@meetings_router.post(
    "/conferences",
    auth=AUTH,
    response={201: ConferenceWritten, **REFUSALS},
    summary="Record a conference",
    operation_id="conference_create",
)
def conference_create(request: HttpRequest, payload: ConferenceFields) -> Any:
    """Record a conference (``end``: its last day). The client must act for the whole
    organization (an officer of the coordination committee, or an administrator)."""
    return _create(request, conferences.conference_create, payload, _conference_out)


@meetings_router.patch(
    "/conferences/{id}",
    auth=AUTH,
    response={200: ConferenceWritten, **MISSING},
    summary="Change a conference",
    operation_id="conference_update",
)
def conference_update(request: HttpRequest, id: str, payload: ConferenceChanges) -> Any:
    """Change the given fields of a conference (null clears one); new days that would leave
    one of its sessions outside are refused."""
    conference = Conference.objects.filter(slug=id).first()
    if conference is None:
        raise Http404(_("No conference with this id."))
    return _update(
        request, conferences.conference_update, payload, _conference_out, conference=conference
    )


@meetings_router.post(
    "/decisions",
    auth=AUTH,
    response={201: DecisionWritten, **REFUSALS},
    summary="Record a decision",
    operation_id="decision_create",
)
def decision_create(request: HttpRequest, payload: DecisionFields) -> Any:
    """Record a decision with its effects; ``status: adopted`` applies them at once. The
    client must be an officer of the session's hosts and of every body the effects touch."""
    return _create(request, meetings.decision_create, payload, _decision_out)


@meetings_router.patch(
    "/decisions/{id}",
    auth=AUTH,
    response={200: DecisionWritten, **MISSING},
    summary="Change, adopt or annul a decision",
    operation_id="decision_update",
)
def decision_update(request: HttpRequest, id: str, payload: DecisionChanges) -> Any:
    """Change the given fields of a decision. ``{"status": "adopted"}`` adopts it (applying
    its effects), ``"annulled"`` annuls it (reverting them); new effects of an adopted
    decision replace the old ones in the record."""
    decision = _found(visible_decision, request.viewer, id, _("No decision with this id."))  # type: ignore[attr-defined]
    return _update(request, meetings.decision_update, payload, _decision_out, decision=decision)


@registry_router.post(
    "/people",
    auth=AUTH,
    response={201: PersonWritten, **REFUSALS},
    summary="Record a person",
    operation_id="person_create",
)
def person_create(request: HttpRequest, payload: PersonFields) -> Any:
    """Record a person. The client must be an officer of their custodian body (or above)."""
    return _create(request, registry.person_create, payload, _person_out)


@registry_router.patch(
    "/people/{id}",
    auth=AUTH,
    response={200: PersonWritten, **MISSING},
    summary="Change a person",
    operation_id="person_update",
)
def person_update(request: HttpRequest, id: str, payload: PersonChanges) -> Any:
    """Change the given fields of a person (null clears one). The client must be an officer
    of their custodian body (or above), and of the new one when it changes."""
    person = _found(_person_named, request.viewer, id, _("No person with this id."))  # type: ignore[attr-defined]
    return _update(request, registry.person_update, payload, _person_out, person=person)


@relations_router.post(
    "/tasks",
    auth=AUTH,
    response={201: TaskWritten, **REFUSALS},
    summary="Give a standing instruction",
    operation_id="task_create",
)
def task_create(request: HttpRequest, payload: TaskFields) -> Any:
    """Give an instruction that no decision gives. The client must be an officer of every
    body it is given to and a custodian of every person (or act for the organization)."""
    return _create(request, tasks.task_create, payload, _task_out)


@relations_router.patch(
    "/tasks/{id}",
    auth=AUTH,
    response={200: TaskWritten, **MISSING},
    summary="Change a task, or mark it done",
    operation_id="task_update",
)
def task_update(request: HttpRequest, id: str, payload: TaskChanges) -> Any:
    """``{"status": "done", "note": "…"}`` marks a task done (an officer of a body it is
    given to, a person it is given to, or one who acts for the organization);
    ``{"status": "open"}`` opens it again. The title, assignees and due date of a standing
    instruction change for those who may give it to its assignees, before and after."""
    task = _found(visible_task, request.viewer, id, _("No task with this id."))  # type: ignore[attr-defined]
    return _update(request, tasks.task_update, payload, _task_out, task=task)
