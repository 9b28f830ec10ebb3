"""The desk's pages for conferences, sessions and their documents.

Conferences (`/conferences/new/`, `/conferences/<id>/edit/`), sessions with their
attendees and occasions (`/sessions/new/`, `/sessions/<id>/edit/`), a session's
documents (`/sessions/<id>/documents/new/`) and a document's file
(`/documents/<id>/file`). Every form is a DeskForm: texts in every working language,
partial dates, countries by name, people typed by name; no JSON anywhere. The
services check the rights, validate, lock and audit; a refusal is shown beside the
field it names, with everything typed kept.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms.utils import ErrorDict, ErrorList
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from chapterhouse.core.http import show_errors
from chapterhouse.core.labels import choices
from chapterhouse.core.language import text
from chapterhouse.core.partial_dates import InvalidPartialDate, PartialDate
from chapterhouse.custody import selectors as custody
from chapterhouse.custody.access import (
    Viewer,
    document_may_add,
    may_record_conference,
    may_record_session_for,
    session_may_change,
    viewer_of,
)
from chapterhouse.meetings import conferences as conference_services
from chapterhouse.meetings import documents as document_services
from chapterhouse.meetings import services as meetings
from chapterhouse.meetings.models import (
    ATTENDEE_ROLE_CHOICES,
    DOCUMENT_KIND_CHOICES,
    FORMAT_CHOICES,
    Commemoration,
    Conference,
    Document,
)
from chapterhouse.registry import selectors as registry
from chapterhouse.registry.models import Body
from chapterhouse.web.fields import (
    CountryField,
    DeskForm,
    PartialDateField,
    PersonPickerField,
    RecordChoiceField,
    RecordMultipleChoiceField,
    TextByLanguageField,
    _names_of,
    person_labels,
)
from chapterhouse.web.write_views import (
    ID_HELP,
    _found,
    _posted,
    _require_officer,
    _save,
    _viewer,
)

# -- options for the pickers -------------------------------------------------------------


def conference_options(viewer: Viewer) -> list[tuple[str, str, str]]:
    """Return ``(id, name, every name)`` for every conference (all are public), latest
    first."""
    rows = Conference.objects.order_by("-start", "-number", "slug").values_list(
        "slug", "name", "number"
    )
    return [(slug, text(name), _names_of(slug, name, number)) for slug, name, number in rows]


def commemoration_options(viewer: Viewer) -> list[tuple[str, str, str]]:
    """Return ``(id, name, every name)`` for every commemoration, in date order."""
    rows = Commemoration.objects.order_by("date", "slug").values_list("slug", "name")
    return [(slug, text(name), _names_of(slug, name)) for slug, name in rows]


# -- conferences --------------------------------------------------------------------------


class ConferenceForm(DeskForm):
    """A conference: its name, number, kind, dedication and its first and last days."""

    id = forms.SlugField(
        label=gettext_lazy("Id"), max_length=100, required=False, help_text=ID_HELP
    )
    name = TextByLanguageField(label=gettext_lazy("Name"), required=True)
    number = forms.IntegerField(
        label=gettext_lazy("Number"),
        required=False,
        min_value=1,
        help_text=gettext_lazy("E.g. 5 for the 5th conference."),
    )
    kind = forms.SlugField(
        label=gettext_lazy("Kind"),
        required=False,
        max_length=100,
        help_text=gettext_lazy("E.g. general, extraordinary."),
    )
    dedication = TextByLanguageField(
        label=gettext_lazy("Dedicated to"), required=False, multiline=True
    )
    start = PartialDateField(label=gettext_lazy("First day"))
    end = PartialDateField(
        label=gettext_lazy("Last day"),
        required=False,
        help_text=gettext_lazy("The day it closes (the same as the first day for one day)."),
    )

    def values(self) -> dict[str, Any]:
        """Return the conference as Chronicle values (blank fields are null)."""
        data = self.cleaned_data
        return {
            "name": data["name"],
            "number": data["number"],
            "kind": data["kind"] or None,
            "dedication": data["dedication"],
            "start": data["start"],
            "end": data["end"] or None,
        }


@login_required
@require_http_methods(["GET", "POST"])
def conference_new(request: HttpRequest) -> HttpResponse:
    """Record a conference (those who act for the organization)."""
    viewer = _viewer(request)
    if not may_record_conference(viewer):
        raise PermissionDenied(
            _("Only officers of the whole organization may record a conference.")
        )
    form = ConferenceForm(_posted(request), viewer=viewer)
    if request.method == "POST" and form.is_valid():
        conference = _save(
            request,
            form,
            lambda viewer, via, at: conference_services.conference_create(
                viewer=viewer,
                via=via,
                at=at,
                values={"id": form.cleaned_data["id"] or None, **form.values()},
            ),
        )
        if conference is not None:
            messages.success(request, _("The conference is recorded."))
            return redirect("web:conference", conference.slug)
    return render(
        request,
        "web/forms/conference.html",
        {"nav": "conferences", "form": form, "conference": None},
    )


@login_required
@require_http_methods(["GET", "POST"])
def conference_edit(request: HttpRequest, slug: str) -> HttpResponse:
    """Change a conference; new days that leave a session outside are refused."""
    viewer = _viewer(request)
    conference = Conference.objects.filter(slug=slug).first()
    if conference is None:
        raise Http404(_("No conference with this id."))
    if not may_record_conference(viewer):
        raise PermissionDenied(
            _("Only officers of the whole organization may change a conference.")
        )
    snapshot = conference_services.conference_snapshot(conference)
    initial = {key: snapshot[key] or "" for key in ("name", "dedication", "start", "end", "kind")}
    initial |= {"id": conference.slug, "number": snapshot["number"]}
    form = ConferenceForm(_posted(request), initial=initial, viewer=viewer)
    form.fields["id"].disabled = True
    if request.method == "POST" and form.is_valid():
        saved = _save(
            request,
            form,
            lambda viewer, via, at: conference_services.conference_update(
                viewer=viewer, via=via, at=at, conference=conference, changes=form.values()
            ),
        )
        if saved is not None:
            messages.success(request, _("The conference is saved."))
            return redirect("web:conference", conference.slug)
    return render(
        request,
        "web/forms/conference.html",
        {"nav": "conferences", "form": form, "conference": conference},
    )


def conference_days(conference: dict[str, Any]) -> list[dict[str, Any]]:
    """Return the days of a conference as the selector gives it (first and last day as
    text): ``{"number", "date", "sessions"}`` each, the sessions of that day in order.
    None when its days are not both known to the day."""
    try:
        first = PartialDate.parse(conference["start"]) if conference["start"] else None
        last = PartialDate.parse(conference["end"]) if conference["end"] else None
    except InvalidPartialDate:  # pragma: no cover - stored dates parse
        return []
    if first is None or last is None or first.precision != "day" or last.precision != "day":
        return []
    start, end = first.start(), last.start()
    days: list[dict[str, Any]] = []
    for n in range((end - start).days + 1):
        date = start.fromordinal(start.toordinal() + n)
        days.append({"number": n + 1, "date": date.isoformat(), "sessions": []})
    for session in conference["sessions"]:
        for day in days:
            if session["day"] == day["number"] or (
                session["day"] is None and session["date"] == day["date"]
            ):
                day["sessions"].append(session)
                break
    return days


# -- sessions -----------------------------------------------------------------------------


def _format_choices() -> list[tuple[str, str]]:
    return [("", "—"), *choices("format", FORMAT_CHOICES)]


def _role_choices() -> list[tuple[str, str]]:
    return choices("attendee_role", ATTENDEE_ROLE_CHOICES)


class SessionForm(DeskForm):
    """A session's own fields, its hosts, chair and occasions (attendees come in rows)."""

    id = forms.SlugField(
        label=gettext_lazy("Id"), max_length=100, required=False, help_text=ID_HELP
    )
    title = TextByLanguageField(label=gettext_lazy("Title"), required=False)
    conference = RecordChoiceField(
        label=gettext_lazy("Conference"), required=False, options=conference_options
    )
    day = forms.IntegerField(
        label=gettext_lazy("Day of the conference"), required=False, min_value=1
    )
    date = PartialDateField(label=gettext_lazy("Date"))
    hosts = RecordMultipleChoiceField(
        label=gettext_lazy("Hosted by"),
        help_text=gettext_lazy(
            "You must be an officer of at least one host; a joint session is every host's."
        ),
    )
    country = CountryField(label=gettext_lazy("Country"), required=False)
    city = TextByLanguageField(label=gettext_lazy("City"), required=False)
    venue = TextByLanguageField(label=gettext_lazy("Venue"), required=False)
    format = forms.ChoiceField(
        label=gettext_lazy("Format"), required=False, choices=_format_choices
    )
    chair = PersonPickerField(label=gettext_lazy("Chaired by"), required=False)
    occasions = RecordMultipleChoiceField(
        label=gettext_lazy("Timed to (commemorations)"),
        required=False,
        options=commemoration_options,
    )
    internal = forms.BooleanField(
        label=gettext_lazy("Internal: only members of the hosts see it"), required=False
    )

    def values(self) -> dict[str, Any]:
        """Return the session as Chronicle values (blank fields are null)."""
        data = self.cleaned_data
        values = {
            "title": data["title"],
            "date": data["date"],
            "hosts": data["hosts"],
            "conference": data["conference"] or None,
            "day": data["day"],
            "country": data["country"] or None,
            "city": data["city"],
            "venue": data["venue"],
            "format": data["format"] or None,
            "chair": data["chair"] or None,
            "occasions": data["occasions"],
            "internal": data["internal"],
        }
        # A field shown disabled (a chair the writer may not see) keeps its stored value.
        return {key: value for key, value in values.items() if not self.fields[key].disabled}


class AttendeeForm(DeskForm):
    """One attendee: who, in which role, in what capacity."""

    person = PersonPickerField(label=gettext_lazy("Person"), required=False)
    role = forms.ChoiceField(
        label=gettext_lazy("Role"), choices=_role_choices, initial="participant"
    )
    capacity = forms.CharField(
        label=gettext_lazy("Capacity"),
        required=False,
        max_length=1000,
        help_text=gettext_lazy("E.g. for a guest: “for the partner organization”."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("person") and data.get("capacity") and "person" not in self.errors:
            self.add_error("person", _("Who attended in this capacity?"))
        return data


AttendeeFormSet = forms.formset_factory(AttendeeForm, extra=3, max_num=1000)
MORE_ROWS = 3


def _attendee_formset(request: HttpRequest, viewer: Viewer, initial: list[dict[str, Any]]) -> Any:
    """Return the attendees' rows; "add more rows" posts back with a few more empty ones."""
    data = _posted(request)
    if data is not None and "more_rows" in data:
        data = data.copy()
        key = "attendees-TOTAL_FORMS"
        try:
            data[key] = str(int(data.get(key, "0")) + MORE_ROWS)
        except ValueError:
            data[key] = str(MORE_ROWS)
    return AttendeeFormSet(
        data, initial=initial, prefix="attendees", form_kwargs={"viewer": viewer}
    )


def _without_errors(form: Any, formset: Any) -> None:
    """Show a bound form and its rows as typed, without checking them ("add more rows")."""
    form._errors = ErrorDict()
    for row in formset.forms:
        row._errors = ErrorDict()
    formset._non_form_errors = ErrorList()


class _Attendees:
    """The attendees typed in the rows as Chronicle values, remembering which row each
    came from (to put a service's refusal beside that row's field)."""

    def __init__(self, formset: Any, kept_capacities: dict[str, Any]) -> None:
        self.formset = formset
        self.rows: list[int] = []
        self.values: list[dict[str, Any]] = []
        for index, row in enumerate(formset.forms):
            data = getattr(row, "cleaned_data", None) or {}
            if not data.get("person"):
                continue
            typed = (data.get("capacity") or "").strip()
            # A capacity in several languages, shown in the reader's, is kept as it was.
            capacity = kept_capacities.get(typed, typed) or None
            self.rows.append(index)
            self.values.append(
                {"person": data["person"], "role": data["role"], "capacity": capacity}
            )

    def show_errors(self, form: Any, error: ValidationError) -> None:
        """Put the service's refusals beside their fields: ``attendees[N].person`` beside
        that row's person, the rest beside the session's fields."""
        if not hasattr(error, "error_dict"):
            show_errors(form, error)
            return
        rest: dict[str, list[str]] = {}
        for path, problems in error.message_dict.items():
            found = re.match(r"attendees\[(\d+)\](?:\.(\w+))?", path)
            if found is None or int(found.group(1)) >= len(self.rows):
                rest[path] = problems
                continue
            row = self.formset.forms[self.rows[int(found.group(1))]]
            field = found.group(2) if found.group(2) in row.fields else None
            for message in problems:
                row.add_error(field, message)
        if rest:
            show_errors(form, ValidationError(rest))
        elif not form.errors:
            form.add_error(None, _("Please correct the attendees marked below."))


def _session_initial(
    viewer: Viewer, session: Any
) -> tuple[dict[str, Any], list[dict[str, Any]], dict[str, Any]]:
    """Return the session form's initial values, its attendees' rows, and the capacities
    in several languages shown as text (kept as they were unless retyped)."""
    snapshot = meetings.session_snapshot(session)
    initial = {
        "id": session.slug,
        **{key: snapshot[key] for key in ("title", "city", "venue", "day", "internal")},
        **{key: snapshot[key] or "" for key in ("date", "conference", "country", "format")},
        "hosts": snapshot["hosts"],
        "chair": snapshot["chair"] or "",
        "occasions": snapshot["occasions"],
    }
    kept: dict[str, Any] = {}
    rows = []
    labels = person_labels(viewer, [attendee["person"] for attendee in snapshot["attendees"]])
    # Attendees the writer may not see are not shown; the service keeps them.
    for attendee in (a for a in snapshot["attendees"] if a["person"] in labels):
        capacity = attendee.get("capacity")
        shown = text(capacity) if capacity else ""
        if isinstance(capacity, dict):
            kept[shown] = capacity
        person = labels[attendee["person"]]
        rows.append({"person": person, "role": attendee["role"], "capacity": shown})
    return initial, rows, kept


def _session_page(request: HttpRequest, form: Any, formset: Any, session: Any) -> HttpResponse:
    return render(
        request,
        "web/forms/session.html",
        {"nav": "conferences", "form": form, "attendees": formset, "session": session},
    )


def _prefilled(request: HttpRequest) -> dict[str, Any]:
    """Return what ``?host=``, ``?conference=`` and ``?day=`` fill in: the conference's
    day N is its first day plus N - 1."""
    initial: dict[str, Any] = {}
    host = request.GET.get("host")
    if host:
        initial["hosts"] = [host]
    slug = request.GET.get("conference")
    conference = Conference.objects.filter(slug=slug).first() if slug else None
    if conference is not None:
        initial["conference"] = conference.slug
        day = request.GET.get("day", "")
        if day.isdigit() and int(day) >= 1:
            initial["day"] = int(day)
            days = conference_services.conference_days(conference)
            if conference.start_precision == "day" and int(day) <= len(days):
                initial["date"] = days[int(day) - 1].isoformat()
    return initial


@login_required
@require_http_methods(["GET", "POST"])
def session_new(request: HttpRequest) -> HttpResponse:
    """Record a session (``?host=BODY``, ``?conference=ID`` and ``&day=N`` fill it in)."""
    viewer = _viewer(request)
    _require_officer(viewer)
    host = request.GET.get("host")
    if host and not may_record_session_for(
        viewer, [Body.objects.filter(slug=host).values_list("pk", flat=True).first()]
    ):
        raise PermissionDenied(
            _("Only officers of %(body)s may record its sessions.") % {"body": host}
        )
    form = SessionForm(_posted(request), initial=_prefilled(request), viewer=viewer)
    formset = _attendee_formset(request, viewer, [])
    if request.method == "POST":
        if "more_rows" in request.POST:
            _without_errors(form, formset)
        elif form.is_valid() & formset.is_valid():
            attendees = _Attendees(formset, {})
            values = {
                "id": form.cleaned_data["id"] or None,
                **form.values(),
                "attendees": attendees.values,
            }
            try:
                session = meetings.session_create(
                    viewer=viewer, via="web", at=_now(), values=values
                )
            except ValidationError as error:
                attendees.show_errors(form, error)
            else:
                messages.success(request, _("The session is recorded."))
                return redirect("web:session", session.slug)
    return _session_page(request, form, formset, None)


@login_required
@require_http_methods(["GET", "POST"])
def session_edit(request: HttpRequest, slug: str) -> HttpResponse:
    """Change a session, its attendees and occasions."""
    viewer = _viewer(request)
    session = _found(custody.visible_session, viewer, slug)
    if not session_may_change(viewer, session):
        raise PermissionDenied(_("Only officers of a body that hosts this session may change it."))
    initial, rows, kept = _session_initial(viewer, session)
    chair_hidden = bool(initial["chair"]) and not (
        registry.people_visible(viewer=viewer).filter(slug=initial["chair"]).exists()
    )
    if chair_hidden:
        initial["chair"] = ""
    form = SessionForm(_posted(request), initial=initial, viewer=viewer)
    form.fields["id"].disabled = True
    if chair_hidden:
        # Never name to the writer a chair they may not see; the stored chair stays.
        form.fields["chair"].disabled = True
        form.fields["chair"].help_text = _("Recorded by another host; it stays as it is.")
    formset = _attendee_formset(request, viewer, rows)
    if request.method == "POST":
        if "more_rows" in request.POST:
            _without_errors(form, formset)
        elif form.is_valid() & formset.is_valid():
            attendees = _Attendees(formset, kept)
            changes = {**form.values(), "attendees": attendees.values}
            try:
                meetings.session_update(
                    viewer=viewer, via="web", at=_now(), session=session, changes=changes
                )
            except ValidationError as error:
                attendees.show_errors(form, error)
            else:
                messages.success(request, _("The session is saved."))
                return redirect("web:session", session.slug)
    return _session_page(request, form, formset, session)


def _now() -> Any:
    from django.utils import timezone

    return timezone.now()


# -- documents ----------------------------------------------------------------------------


class DocumentForm(DeskForm):
    """A document of a session: its title, kind, author and the file."""

    title = TextByLanguageField(label=gettext_lazy("Title"), required=True)
    kind = forms.ChoiceField(
        label=gettext_lazy("Kind"), choices=lambda: choices("document_kind", DOCUMENT_KIND_CHOICES)
    )
    author = PersonPickerField(label=gettext_lazy("Author"), required=False)
    internal = forms.BooleanField(
        label=gettext_lazy("Internal: only members of the hosts see it"), required=False
    )
    file = forms.FileField(
        label=gettext_lazy("File"),
        help_text=gettext_lazy(
            "A PDF, an OpenDocument or Word text, plain text or Markdown, or a PNG or JPEG"
            " scan; at most 20 MB."
        ),
    )

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "title": data["title"],
            "kind": data["kind"],
            "author": data["author"] or None,
            "internal": data["internal"],
        }


@login_required
@require_http_methods(["GET", "POST"])
def document_new(request: HttpRequest, slug: str) -> HttpResponse:
    """Add a document (with its file) to a session."""
    viewer = _viewer(request)
    session = _found(custody.visible_session, viewer, slug)
    if not document_may_add(viewer, session):
        raise PermissionDenied(
            _("Only officers of a body that hosts this session may add its documents.")
        )
    form = DocumentForm(_posted(request), request.FILES or None, viewer=viewer)
    if request.method == "POST" and form.is_valid():
        document = _save(
            request,
            form,
            lambda viewer, via, at: document_services.document_create(
                viewer=viewer,
                via=via,
                at=at,
                session=session,
                values=form.values(),
                upload=form.cleaned_data["file"],
            ),
        )
        if document is not None:
            messages.success(request, _("The document is added."))
            return redirect(f"/sessions/{session.slug}/#document-{document.slug}")
    return render(
        request,
        "web/forms/document.html",
        {"nav": "conferences", "form": form, "session": session},
    )


@require_GET
def document_file(request: HttpRequest, slug: str) -> FileResponse:
    """Send a document's file to someone who may see the document (404 for anyone else,
    and for a document without a file)."""
    viewer = viewer_of(request)
    document = (
        Document.objects.filter(viewer.document_filter()).filter(slug=slug).exclude(file="").first()
    )
    if document is None:
        raise Http404(_("No document with this id."))
    response = FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=document.file_name or "document",
        content_type=document.content_type or "application/octet-stream",
    )
    response["Cache-Control"] = "private, no-store"
    return response
