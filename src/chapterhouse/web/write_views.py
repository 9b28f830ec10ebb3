"""What the pages that write share: signing in, 404 for what the viewer may not see, and
putting a service's refusal beside the fields it names. The pages themselves:
web/session_views.py (conferences, sessions, documents), web/decision_views.py,
web/person_views.py, web/relations_views.py and web/task_views.py.

Each page is a Django form with CSRF protection; the permission checks, the
transaction and the audit entry belong to the services, which the API and the
CLI call too. Someone not signed in is sent to sign in; someone signed in
without the right gets 403; an object they may not see is a 404.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chapterhouse.core.http import show_errors
from chapterhouse.custody.access import Viewer, may_record_for_some_body
from chapterhouse.meetings.models import Decision, Session
from chapterhouse.registry.models import Person


def _viewer(request: HttpRequest) -> Viewer:
    return request.viewer  # type: ignore[attr-defined]


def _found(find: Callable[[Viewer, str], Any], viewer: Viewer, slug: str) -> Any:
    """Return what ``find`` finds, or answer 404 (also for what the viewer may not see)."""
    try:
        return find(viewer, slug)
    except (Session.DoesNotExist, Decision.DoesNotExist, Person.DoesNotExist):
        raise Http404(_("Nothing with this id.")) from None


def _posted(request: HttpRequest) -> Any:
    # An empty POST (a confirmation) is still a submitted form.
    return request.POST if request.method == "POST" else None


def _require_officer(viewer: Viewer) -> None:
    if not may_record_for_some_body(viewer):
        raise PermissionDenied(_("Only officers of a body may record its sessions and decisions."))


# -- forms ---------------------------------------------------------------------------------


# Ids are unique among records the writer may not see, so a suggested id gets a few
# random characters (custody.access.may_choose_ids): "taken" would reveal a hidden record.
ID_HELP = gettext_lazy(
    "Optional. Letters, digits and hyphens; a few random characters are added to it"
    " unless you are an administrator."
)


def _save(request: HttpRequest, form: Any, write: Callable[[Viewer, str, Any], Any]) -> Any | None:
    """Run the write; on refusal put the reasons on the form and return None."""
    try:
        return write(_viewer(request), "web", timezone.now())
    except ValidationError as error:
        show_errors(form, error)
    return None
