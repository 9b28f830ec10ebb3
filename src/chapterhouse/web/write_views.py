"""Pages that write: record and edit sessions and decisions, adopt or annul a decision
(people: ``web/person_views.py``).

Each page is a Django form with CSRF protection; the permission checks, the
transaction and the audit entry belong to the services, which the API and the
CLI call too. Someone not signed in is sent to sign in; someone signed in
without the right gets 403; an object they may not see is a 404.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from chapterhouse.custody import selectors as custody
from chapterhouse.custody.access import WRITE_ROLE, Viewer
from chapterhouse.meetings import services as meetings
from chapterhouse.meetings.models import (
    DECISION_KIND_CHOICES,
    FORMAT_CHOICES,
    Decision,
    Session,
)
from chapterhouse.registry.models import Body, Person
from chapterhouse.web.language import text

View = Callable[..., HttpResponseBase]

DATE_HELP = gettext_lazy("YYYY, YYYY-MM or YYYY-MM-DD.")
TEXT_HELP = gettext_lazy(
    'Plain text in the default language, or a JSON object by language: {"en": "…", "ru": "…"}.'
)


def _signed_in(view: View) -> View:
    """Send a visitor who is not signed in to sign in, and back here afterwards."""

    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


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
    if not viewer.is_admin and not viewer.scopes.get(WRITE_ROLE):
        raise PermissionDenied(_("Only officers of a body may record its sessions and decisions."))


# -- turning form values into Chronicle values and back ------------------------------------


def _text_in(value: str) -> Any:
    """Read a Text typed in a form: a JSON object by language, else plain text; blank is None."""
    value = value.strip()
    if not value:
        return None
    if value.startswith("{"):
        try:
            return json.loads(value)
        except ValueError:
            raise forms.ValidationError(_("This looks like JSON but does not parse.")) from None
    return value


def _text_out(value: Any) -> str:
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return value or ""


def _json_in(value: str, *, kind: type, empty: Any) -> Any:
    value = value.strip()
    if not value:
        return empty
    try:
        parsed = json.loads(value)
    except ValueError as error:
        raise forms.ValidationError(_("Not valid JSON: %(error)s") % {"error": error}) from None
    if not isinstance(parsed, kind):
        raise forms.ValidationError(
            _("Expected a JSON list.") if kind is list else _("Expected a JSON object.")
        )
    return parsed


def _blank_none(value: Any) -> Any:
    return None if value in ("", None) else value


def _body_choices(viewer: Viewer, keep: list[str]) -> list[tuple[str, str]]:
    """Return the bodies the viewer is an officer of (all for admins), plus ``keep``."""
    bodies = (
        Body.objects.all()
        if viewer.is_admin
        else Body.objects.filter(pk__in=viewer.scopes.get(WRITE_ROLE, frozenset()))
    )
    bodies = bodies | Body.objects.filter(slug__in=keep)
    return [(body.slug, f"{text(body.name)} ({body.slug})") for body in bodies.order_by("slug")]


def _show_errors(form: forms.Form, error: ValidationError) -> None:
    """Put each problem a service found next to the field it names."""
    if not hasattr(error, "error_dict"):
        for message in error.messages:
            form.add_error(None, message)
        return
    for path, problems in error.message_dict.items():
        field = path.split("[", 1)[0].split(".", 1)[0]
        for message in problems:
            if field in form.fields:
                form.add_error(field, message if path == field else f"{path}: {message}")
            else:
                form.add_error(None, message if path == "__all__" else f"{path}: {message}")


# -- forms ---------------------------------------------------------------------------------


# Ids are unique among records the writer may not see, so a suggested id gets a few
# random characters (custody.access.may_choose_ids): "taken" would reveal a hidden record.
ID_HELP = gettext_lazy(
    "Optional. Letters, digits and hyphens; a few random characters are added to it"
    " unless you are an administrator."
)


class SessionForm(forms.Form):
    """A session's own fields; attendees and documents are recorded elsewhere."""

    id = forms.SlugField(
        label=gettext_lazy("Id"),
        max_length=100,
        required=False,
        help_text=ID_HELP,
    )
    title = forms.CharField(label=gettext_lazy("Title"), required=False, help_text=TEXT_HELP)
    date = forms.CharField(label=gettext_lazy("Date"), help_text=DATE_HELP)
    hosts = forms.MultipleChoiceField(
        label=gettext_lazy("Hosted by"),
        help_text=gettext_lazy("You must be an officer of every host."),
    )
    conference = forms.CharField(
        label=gettext_lazy("Conference id"), required=False, max_length=100
    )
    day = forms.IntegerField(
        label=gettext_lazy("Day of the conference"), required=False, min_value=1
    )
    country = forms.CharField(
        label=gettext_lazy("Country"),
        required=False,
        max_length=2,
        help_text=gettext_lazy("Two-letter code, e.g. KZ."),
    )
    city = forms.CharField(label=gettext_lazy("City"), required=False, help_text=TEXT_HELP)
    venue = forms.CharField(label=gettext_lazy("Venue"), required=False, help_text=TEXT_HELP)
    format = forms.ChoiceField(
        label=gettext_lazy("Format"), required=False, choices=[("", "—"), *FORMAT_CHOICES]
    )
    chair = forms.CharField(label=gettext_lazy("Chaired by (person id)"), required=False)
    internal = forms.BooleanField(
        label=gettext_lazy("Internal: only members of the hosts see it"), required=False
    )

    def __init__(self, *args: Any, viewer: Viewer, keep: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["hosts"].choices = _body_choices(viewer, keep)  # type: ignore[attr-defined]

    def clean_title(self) -> Any:
        return _text_in(self.cleaned_data["title"])

    def clean_city(self) -> Any:
        return _text_in(self.cleaned_data["city"])

    def clean_venue(self) -> Any:
        return _text_in(self.cleaned_data["venue"])

    def values(self) -> dict[str, Any]:
        """Return the session as Chronicle values (blank fields are null)."""
        data = self.cleaned_data
        return {
            "title": data["title"],
            "date": data["date"].strip(),
            "hosts": data["hosts"],
            "conference": _blank_none(data["conference"].strip()),
            "day": data["day"],
            "country": _blank_none(data["country"].strip().upper()),
            "city": data["city"],
            "venue": data["venue"],
            "format": _blank_none(data["format"]),
            "chair": _blank_none(data["chair"].strip()),
            "internal": data["internal"],
        }


def _session_initial(session: Session) -> dict[str, Any]:
    snapshot = meetings.session_snapshot(session)
    return {
        "id": session.slug,
        "title": _text_out(snapshot["title"]),
        "date": snapshot["date"] or "",
        "hosts": snapshot["hosts"],
        "conference": snapshot["conference"] or "",
        "day": snapshot["day"],
        "country": snapshot["country"] or "",
        "city": _text_out(snapshot["city"]),
        "venue": _text_out(snapshot["venue"]),
        "format": snapshot["format"] or "",
        "chair": snapshot["chair"] or "",
        "internal": snapshot["internal"],
    }


class DecisionForm(forms.Form):
    """A decision with its effects as Chronicle JSON, checked as an import checks them."""

    id = forms.SlugField(
        label=gettext_lazy("Id"),
        max_length=100,
        required=False,
        help_text=ID_HELP,
    )
    session = forms.CharField(label=gettext_lazy("Session id"), max_length=100)
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=DECISION_KIND_CHOICES)
    date = forms.CharField(
        label=gettext_lazy("Date"),
        required=False,
        help_text=gettext_lazy("YYYY, YYYY-MM or YYYY-MM-DD; blank: the session's date."),
    )
    text = forms.CharField(
        label=gettext_lazy("Wording"), required=False, widget=forms.Textarea, help_text=TEXT_HELP
    )
    proposed_by = forms.CharField(label=gettext_lazy("Proposed by (person id)"), required=False)
    votes_for = forms.IntegerField(label=gettext_lazy("Votes for"), required=False, min_value=0)
    votes_against = forms.IntegerField(
        label=gettext_lazy("Votes against"), required=False, min_value=0
    )
    votes_abstain = forms.IntegerField(
        label=gettext_lazy("Abstentions"), required=False, min_value=0
    )
    effects = forms.CharField(
        label=gettext_lazy("Effects"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 10, "spellcheck": "false"}),
        help_text=gettext_lazy(
            'A JSON list of effects as in the Chronicle format, e.g. [{"op": "start_term", '
            '"person": "park-minjun", "body": "ec-jp", "role": "head", "how": "elected"}]. '
            "They apply when the decision is adopted."
        ),
    )
    internal = forms.BooleanField(
        label=gettext_lazy("Internal: only members of the hosts see it"), required=False
    )

    def clean_text(self) -> Any:
        return _text_in(self.cleaned_data["text"])

    def clean_effects(self) -> Any:
        return _json_in(self.cleaned_data["effects"], kind=list, empty=[])

    def values(self) -> dict[str, Any]:
        """Return the decision as Chronicle values (blank fields are null)."""
        data = self.cleaned_data
        votes = {
            key: data[f"votes_{name}"]
            for key, name in (("for", "for"), ("against", "against"), ("abstain", "abstain"))
            if data[f"votes_{name}"] is not None
        }
        return {
            "kind": data["kind"],
            "date": _blank_none(data["date"].strip()),
            "text": data["text"],
            "proposed_by": _blank_none(data["proposed_by"].strip()),
            "votes": votes or None,
            "effects": data["effects"],
            "internal": data["internal"],
        }


def _decision_initial(decision: Decision) -> dict[str, Any]:
    snapshot = meetings.decision_snapshot(decision)
    votes = snapshot["votes"] or {}
    return {
        "id": decision.slug,
        "session": snapshot["session"] or "",
        "kind": snapshot["kind"],
        "date": snapshot["date"] if decision.date_given else "",
        "text": _text_out(snapshot["text"]),
        "proposed_by": snapshot["proposed_by"] or "",
        "votes_for": votes.get("for"),
        "votes_against": votes.get("against"),
        "votes_abstain": votes.get("abstain"),
        "effects": json.dumps(snapshot["effects"], ensure_ascii=False, indent=2),
        "internal": snapshot["internal"],
    }


# -- views ---------------------------------------------------------------------------------


def _save(request: HttpRequest, form: Any, write: Callable[[Viewer, str, Any], Any]) -> Any | None:
    """Run the write; on refusal put the reasons on the form and return None."""
    try:
        return write(_viewer(request), "web", timezone.now())
    except ValidationError as error:
        _show_errors(form, error)
    return None


@_signed_in
@require_http_methods(["GET", "POST"])
def session_new(request: HttpRequest) -> HttpResponse:
    """Record a session (``?host=BODY`` and ``?conference=ID`` fill the form in)."""
    viewer = _viewer(request)
    _require_officer(viewer)
    host = request.GET.get("host")
    if host and not viewer.covers(
        WRITE_ROLE, Body.objects.filter(slug=host).values_list("pk", flat=True).first()
    ):
        raise PermissionDenied(
            _("Only officers of %(body)s may record its sessions.") % {"body": host}
        )
    initial = {"hosts": [host] if host else [], "conference": request.GET.get("conference", "")}
    form = SessionForm(_posted(request), initial=initial, viewer=viewer, keep=[])
    if request.method == "POST" and form.is_valid():
        session = _save(
            request,
            form,
            lambda viewer, via, at: meetings.session_create(
                viewer=viewer,
                via=via,
                at=at,
                values={"id": form.cleaned_data["id"] or None, **form.values()},
            ),
        )
        if session is not None:
            messages.success(request, _("The session is recorded."))
            return redirect("web:session", session.slug)
    return render(
        request, "web/forms/session.html", {"nav": "conferences", "form": form, "session": None}
    )


@_signed_in
@require_http_methods(["GET", "POST"])
def session_edit(request: HttpRequest, slug: str) -> HttpResponse:
    """Change a session's own fields."""
    viewer = _viewer(request)
    session = _found(custody.visible_session, viewer, slug)
    if not meetings.session_may_change(viewer, session):
        raise PermissionDenied(
            _("Only officers of every body that hosts this session may change it.")
        )
    initial = _session_initial(session)
    form = SessionForm(_posted(request), initial=initial, viewer=viewer, keep=initial["hosts"])
    form.fields["id"].disabled = True
    if request.method == "POST" and form.is_valid():
        saved = _save(
            request,
            form,
            lambda viewer, via, at: meetings.session_update(
                viewer=viewer, via=via, at=at, session=session, changes=form.values()
            ),
        )
        if saved is not None:
            messages.success(request, _("The session is saved."))
            return redirect("web:session", session.slug)
    return render(
        request, "web/forms/session.html", {"nav": "conferences", "form": form, "session": session}
    )


@_signed_in
@require_http_methods(["GET", "POST"])
def decision_new(request: HttpRequest) -> HttpResponse:
    """Record a decision of a session (``?session=ID`` fills it in)."""
    viewer = _viewer(request)
    _require_officer(viewer)
    slug = request.GET.get("session") or request.POST.get("session")
    if slug:
        try:
            session: Session | None = custody.visible_session(viewer, slug)
        except Session.DoesNotExist:
            session = None  # the service answers a hidden session like a missing one
        if session is not None and not meetings.session_may_change(viewer, session):
            raise PermissionDenied(
                _("Only officers of every body that hosts %(session)s may record its decisions.")
                % {"session": slug}
            )
    form = DecisionForm(_posted(request), initial={"session": slug or "", "effects": "[]"})
    if request.method == "POST" and form.is_valid():
        decision = _save(
            request,
            form,
            lambda viewer, via, at: meetings.decision_create(
                viewer=viewer,
                via=via,
                at=at,
                values={
                    "id": form.cleaned_data["id"] or None,
                    "session": form.cleaned_data["session"],
                    **form.values(),
                },
            ),
        )
        if decision is not None:
            messages.success(request, _("The decision is recorded."))
            return redirect("web:decision", decision.slug)
    return render(
        request, "web/forms/decision.html", {"nav": "conferences", "form": form, "decision": None}
    )


@_signed_in
@require_http_methods(["GET", "POST"])
def decision_edit(request: HttpRequest, slug: str) -> HttpResponse:
    """Change a decision; new effects of an adopted one replace the old in the record."""
    viewer = _viewer(request)
    decision = _found(custody.visible_decision, viewer, slug)
    if not meetings.decision_may_change(viewer, decision):
        raise PermissionDenied(
            _("Only officers of the bodies this decision concerns may change it.")
        )
    form = DecisionForm(_posted(request), initial=_decision_initial(decision))
    form.fields["id"].disabled = True
    form.fields["session"].disabled = True
    form.fields["session"].required = False
    if request.method == "POST" and form.is_valid():
        saved = _save(
            request,
            form,
            lambda viewer, via, at: meetings.decision_update(
                viewer=viewer, via=via, at=at, decision=decision, changes=form.values()
            ),
        )
        if saved is not None:
            messages.success(request, _("The decision is saved."))
            return redirect("web:decision", decision.slug)
    return render(
        request,
        "web/forms/decision.html",
        {"nav": "conferences", "form": form, "decision": decision},
    )


STATUS_ACTIONS = {"adopt": "adopted", "annul": "annulled"}


@_signed_in
@require_http_methods(["GET", "POST"])
def decision_status(request: HttpRequest, slug: str, action: str) -> HttpResponse:
    """Adopt (apply its effects) or annul (revert them) a decision, after confirming."""
    viewer = _viewer(request)
    decision = _found(custody.visible_decision, viewer, slug)
    if not meetings.decision_may_change(viewer, decision):
        raise PermissionDenied(
            _("Only officers of the bodies this decision concerns may adopt or annul it.")
        )
    form = forms.Form(_posted(request))
    if request.method == "POST" and form.is_valid():
        saved = _save(
            request,
            form,
            lambda viewer, via, at: meetings.decision_status_set(
                viewer=viewer, via=via, at=at, decision=decision, status=STATUS_ACTIONS[action]
            ),
        )
        if saved is not None:
            done = (
                _("The decision is adopted.")
                if action == "adopt"
                else _("The decision is annulled.")
            )
            messages.success(request, done)
            return redirect("web:decision", decision.slug)
        decision.refresh_from_db()
    return render(
        request,
        "web/forms/decision_status.html",
        {"nav": "conferences", "form": form, "decision": decision, "action": action},
    )
