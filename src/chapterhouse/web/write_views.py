"""Pages that write: edit a person (decisions: web/decision_views.py; sessions,
conferences and documents: web/session_views.py).

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

from chapterhouse.core import limits
from chapterhouse.custody import selectors as custody
from chapterhouse.custody.access import WRITE_ROLE, Viewer
from chapterhouse.meetings.models import Decision, Session
from chapterhouse.registry import services as registry
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


class PersonForm(forms.Form):
    """A person's names, custody and personal data."""

    name = forms.CharField(label=gettext_lazy("Name"), max_length=limits.NAME_MAX_LENGTH)
    given = forms.CharField(
        label=gettext_lazy("Given name"), required=False, max_length=limits.NAME_PART_MAX_LENGTH
    )
    family = forms.CharField(
        label=gettext_lazy("Family name"), required=False, max_length=limits.NAME_PART_MAX_LENGTH
    )
    patronymic = forms.CharField(
        label=gettext_lazy("Patronymic"), required=False, max_length=limits.NAME_PART_MAX_LENGTH
    )
    call_sign = forms.CharField(
        label=gettext_lazy("Call sign"), required=False, max_length=limits.NAME_PART_MAX_LENGTH
    )
    born = forms.CharField(label=gettext_lazy("Born"), required=False, help_text=DATE_HELP)
    custodian = forms.ChoiceField(
        label=gettext_lazy("Custodian"),
        help_text=gettext_lazy("The body that keeps their personal data."),
    )
    public = forms.BooleanField(label=gettext_lazy("May appear on public pages"), required=False)
    honorific = forms.CharField(
        label=gettext_lazy("Honorific"), required=False, help_text=TEXT_HELP
    )
    contact = forms.CharField(
        label=gettext_lazy("Contact details"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy('A JSON object, e.g. {"email": "…", "phone": "…"}.'),
    )
    notes = forms.CharField(
        label=gettext_lazy("Notes"),
        required=False,
        max_length=limits.NOTES_MAX_LENGTH,
        widget=forms.Textarea,
    )

    def __init__(self, *args: Any, viewer: Viewer, keep: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["custodian"].choices = _body_choices(viewer, keep)  # type: ignore[attr-defined]

    def clean_honorific(self) -> Any:
        return _text_in(self.cleaned_data["honorific"])

    def clean_contact(self) -> Any:
        return _json_in(self.cleaned_data["contact"], kind=dict, empty=None)

    def values(self) -> dict[str, Any]:
        """Return the person as Chronicle values (blank fields are null)."""
        data = self.cleaned_data
        values = {
            key: _blank_none(data[key].strip())
            for key in ("name", "given", "family", "patronymic", "call_sign", "born", "notes")
        }
        return {
            **values,
            "custodian": data["custodian"],
            "public": data["public"],
            "honorific": data["honorific"],
            "contact": data["contact"],
        }


def _person_initial(person: Person) -> dict[str, Any]:
    snapshot = registry.person_snapshot(person)
    return {
        **{key: snapshot[key] or "" for key in ("name", "given", "family", "patronymic")},
        "call_sign": snapshot["call_sign"] or "",
        "born": snapshot["born"] or "",
        "custodian": snapshot["custodian"] or "",
        "public": snapshot["public"],
        "honorific": _text_out(snapshot["honorific"]),
        "contact": json.dumps(snapshot["contact"], ensure_ascii=False)
        if snapshot["contact"]
        else "",
        "notes": snapshot["notes"] or "",
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
def person_edit(request: HttpRequest, slug: str) -> HttpResponse:
    """Change a person's names, custody and personal data (their custodians only)."""
    viewer = _viewer(request)
    person = _found(custody.visible_person, viewer, slug)
    if not viewer.may_edit_person(person):
        raise PermissionDenied(
            _("Only officers of this person's custodian body (or above) may edit them.")
        )
    initial = _person_initial(person)
    form = PersonForm(
        request.POST or None, initial=initial, viewer=viewer, keep=[initial["custodian"]]
    )
    if request.method == "POST" and form.is_valid():
        saved = _save(
            request,
            form,
            lambda viewer, via, at: registry.person_update(
                viewer=viewer, via=via, at=at, person=person, changes=form.values()
            ),
        )
        if saved is not None:
            messages.success(request, _("The person is saved."))
            return redirect("web:person", person.slug)
    return render(
        request, "web/forms/person.html", {"nav": "people", "form": form, "person": person}
    )
