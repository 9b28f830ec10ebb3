"""The decision desk: a decision composed of typed steps, previewed before it is saved
and again before it is adopted.

The form posts the decision's own fields and its steps (``steps`` counts them; step
``n`` has the prefix ``s{n}`` and its kind in ``s{n}-op``). The buttons "Add: …",
"Remove" and "Update choices" post the form back and show it again with everything
typed kept, so the desk works without scripts; "Preview" shows what adopting it would
change; "Save" records it through the meetings service, which stays the one writer.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from chapterhouse.core.labels import LABELS
from chapterhouse.core.language import text
from chapterhouse.core.partial_dates import InvalidPartialDate, PartialDate
from chapterhouse.custody import selectors as custody
from chapterhouse.custody.access import (
    Viewer,
    decision_may_change,
    session_may_change,
    sessions_may_change,
)
from chapterhouse.meetings import services as meetings
from chapterhouse.meetings.documents import document_create
from chapterhouse.meetings.models import Decision, Session
from chapterhouse.reports.conference import working_languages
from chapterhouse.reports.preview import DecisionPreview, decision_preview
from chapterhouse.web.fields import (
    DeskForm,
    PartialDateField,
    PersonPickerField,
    TextByLanguageField,
)
from chapterhouse.web.steps import STEPS, AwardStep, DeskContext, Step
from chapterhouse.web.write_views import (
    ID_HELP,
    _found,
    _posted,
    _require_officer,
    _viewer,
)

MAX_STEPS = 100


def _session_label(session: Session) -> str:
    day = session.date.isoformat() if session.date else ""
    title = text(session.title) if session.title else session.slug
    return f"{day} — {title}" if day else title


class DecisionDeskForm(DeskForm):
    """A decision's own fields; its effects are the steps."""

    id = forms.SlugField(
        label=gettext_lazy("Id"), max_length=100, required=False, help_text=ID_HELP
    )
    session = forms.ChoiceField(
        label=gettext_lazy("Session"),
        help_text=gettext_lazy("The sessions whose decisions you may record."),
    )
    kind = forms.ChoiceField(label=gettext_lazy("Kind"))
    date = PartialDateField(
        label=gettext_lazy("Date"),
        required=False,
        help_text=gettext_lazy("Blank: the session's date."),
    )
    text = TextByLanguageField(label=gettext_lazy("Wording"), multiline=True, required=False)
    proposed_by = PersonPickerField(label=gettext_lazy("Proposed by"), required=False)
    votes_for = forms.IntegerField(label=gettext_lazy("Votes for"), required=False, min_value=0)
    votes_against = forms.IntegerField(
        label=gettext_lazy("Votes against"), required=False, min_value=0
    )
    votes_abstain = forms.IntegerField(
        label=gettext_lazy("Abstentions"), required=False, min_value=0
    )
    internal = forms.BooleanField(
        label=gettext_lazy("Internal: only members of the hosts see it"), required=False
    )

    def __init__(self, *args: Any, sessions: list[Session], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["session"].choices = [  # type: ignore[attr-defined]
            ("", "—"),
            *((session.slug, _session_label(session)) for session in sessions),
        ]
        self.fields["kind"].choices = [  # type: ignore[attr-defined]
            (kind, str(name)) for kind, name in LABELS["decision_kind"].items()
        ]

    def values(self) -> dict[str, Any]:
        """Return the decision's own fields as Chronicle values (blank fields are null)."""
        data = self.cleaned_data
        votes = {
            key: data[f"votes_{key}"]
            for key in ("for", "against", "abstain")
            if data[f"votes_{key}"] is not None
        }
        return {
            "kind": data["kind"],
            "date": data["date"] or None,
            "text": data["text"],
            "proposed_by": data["proposed_by"] or None,
            "votes": votes or None,
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
        "text": snapshot["text"],
        "proposed_by": snapshot["proposed_by"] or "",
        "votes_for": votes.get("for"),
        "votes_against": votes.get("against"),
        "votes_abstain": votes.get("abstain"),
        "internal": snapshot["internal"],
    }


# -- the desk ------------------------------------------------------------------------------------


class Desk:
    """The decision form and its steps, bound to what was posted or filled in."""

    def __init__(
        self,
        request: HttpRequest,
        *,
        decision: Decision | None,
        sessions: list[Session],
        initial: dict[str, Any],
    ) -> None:
        self.viewer = _viewer(request)
        self.decision = decision
        data = _posted(request)
        self.form = DecisionDeskForm(data, initial=initial, viewer=self.viewer, sessions=sessions)
        if decision is not None:
            self.form.fields["id"].disabled = True
            self.form.fields["session"].disabled = True
            self.form.fields["session"].required = False
            field: Any = self.form.fields["session"]
            field.choices = (
                [(decision.session.slug, _session_label(decision.session))]
                if decision.session is not None
                else [("", "—")]
            )
        self.session = self._session(data, sessions)
        self.context = DeskContext(viewer=self.viewer, on=self._date(data), session=self.session)
        self.steps: list[Step] = []
        if data is not None:
            count = min(_int(data.get("steps")), MAX_STEPS)
            for n in range(count):
                op = data.get(f"s{n}-op")
                if op in STEPS:
                    self.steps.append(STEPS[op](data, prefix=f"s{n}", desk=self.context))
        elif decision is not None:
            self.steps = [
                STEPS[effect["op"]](
                    initial=STEPS[effect["op"]].initial_from(effect, self.context),
                    prefix=f"s{n}",
                    desk=self.context,
                )
                for n, effect in enumerate(decision.effects or [])
                if effect.get("op") in STEPS
            ]

    def _session(self, data: Any, sessions: list[Session]) -> Session | None:
        if self.decision is not None:
            return self.decision.session
        slug = (data.get("session") if data is not None else None) or self.form.initial.get(
            "session"
        )
        return next((session for session in sessions if session.slug == slug), None)

    def _date(self, data: Any) -> dt.date:
        """Return the decision's date as far as it is known: as typed, else its session's,
        else today (for the choices of current holders and mandates)."""
        typed = (data.get("date") if data is not None else None) or self.form.initial.get("date")
        if typed:
            try:
                return PartialDate.parse(str(typed).strip()).start()
            except (InvalidPartialDate, ValueError):
                pass
        if self.decision is not None and self.decision.date is not None:
            return self.decision.date
        if self.session is not None and self.session.date is not None:
            return self.session.date
        return timezone.localdate()

    # -- buttons that change the form, not the record --------------------------------------

    def rebuilt(self, steps: list[tuple[type[Step], dict[str, Any]]]) -> None:
        """Show the form again, unbound, with ``steps`` (kind, typed values) in order."""
        typed = {name: self.form[name].value() for name in self.form.fields}
        self.form = self._unbound_form(typed)
        self.steps = [
            kind(initial=initial, prefix=f"s{n}", desk=self.context)
            for n, (kind, initial) in enumerate(steps)
        ]

    def _unbound_form(self, typed: dict[str, Any]) -> DecisionDeskForm:
        choices = self.form.fields["session"].choices  # type: ignore[attr-defined]
        form = DecisionDeskForm(initial=typed, viewer=self.viewer, sessions=[])
        form.fields["session"].choices = choices  # type: ignore[attr-defined]
        for name, field in self.form.fields.items():
            form.fields[name].disabled = field.disabled
        return form

    def typed_steps(self) -> list[tuple[type[Step], dict[str, Any]]]:
        return [(type(step), step.typed()) for step in self.steps]

    # -- saving --------------------------------------------------------------------------------

    def is_valid(self) -> bool:
        valid = self.form.is_valid()
        for step in self.steps:
            valid = step.is_valid() and valid
        return valid

    def effects(self) -> list[dict[str, Any]]:
        return [step.effect() for step in self.steps]

    def show_errors(self, error: ValidationError) -> None:
        """Put each problem the service found beside the field (of the step) it names."""
        if not hasattr(error, "error_dict"):
            for message in error.messages:
                self.form.add_error(None, message)
            return
        for path, problems in error.message_dict.items():
            match = re.match(r"^effects\[(\d+)\]\.?(.*)$", path)
            if match and int(match.group(1)) < len(self.steps):
                step = self.steps[int(match.group(1))]
                for message in problems:
                    step.show_error(match.group(2), message)
                continue
            field = path.split("[", 1)[0].split(".", 1)[0]
            field = {"votes": "votes_for", "text": "text"}.get(field, field)
            for message in problems:
                if field in self.form.fields and not self.form.fields[field].disabled:
                    self.form.add_error(field, message)
                else:
                    self.form.add_error(
                        None, message if path == "__all__" else f"{path}: {message}"
                    )

    def has_errors(self) -> bool:
        return bool(self.form.errors) or any(step.errors for step in self.steps)

    def write_letters(self, effects: list[dict[str, Any]], at: dt.datetime) -> None:
        """Save each letter of thanks typed in an award step as a letter of the session and
        cite it (inside the caller's transaction)."""
        for n, step in enumerate(self.steps):
            letter = step.cleaned_data.get("letter") if isinstance(step, AwardStep) else None
            if not letter or self.session is None:
                continue
            honour = step.fields["honour"]
            honour_name = dict(honour.choices).get(step.cleaned_data["honour"], "")  # type: ignore[attr-defined]
            try:
                document = document_create(
                    viewer=self.viewer,
                    via="web",
                    at=at,
                    session=self.session,
                    values={
                        "kind": "letter",
                        "title": _("Letter of thanks: %(honour)s") % {"honour": honour_name},
                        "text": letter,
                    },
                )
            except ValidationError as error:
                raise ValidationError({f"effects[{n}].letter": error.messages}) from None
            effects[n]["citation"] = document.slug


def _int(value: Any) -> int:
    try:
        return max(int(value), 0)
    except (TypeError, ValueError):
        return 0


def preview_language() -> str:
    """Return the working language closest to the reader's (else the default)."""
    languages, default = working_languages()
    current = (translation.get_language() or default).lower()
    for lang in languages:
        if lang.lower() == current or current.startswith(lang.lower().split("-")[0]):
            return lang
    return default


def _writable_sessions(viewer: Viewer) -> list[Session]:
    sessions = Session.objects.filter(viewer.session_filter()).order_by("-date", "slug")
    return sessions_may_change(viewer, sessions)


def _render_desk(request: HttpRequest, desk: Desk, preview: DecisionPreview | None) -> HttpResponse:
    return render(
        request,
        "web/forms/decision_desk.html",
        {
            "nav": "conferences",
            "form": desk.form,
            "steps": desk.steps,
            "step_kinds": list(STEPS.values()),
            "decision": desk.decision,
            "preview": preview,
            "steps_failed": not desk.form.errors and any(step.errors for step in desk.steps),
        },
    )


def _run_desk(request: HttpRequest, desk: Desk) -> HttpResponse:
    """Answer the desk's buttons; save or preview when asked."""
    preview = None
    if request.method != "POST":
        return _render_desk(request, desk, None)
    post = request.POST
    if post.get("add") in STEPS:
        steps = desk.typed_steps()
        if len(steps) < MAX_STEPS:
            steps.append((STEPS[post["add"]], {}))
        desk.rebuilt(steps)
        return _render_desk(request, desk, None)
    if "remove" in post:
        steps = desk.typed_steps()
        index = _int(post.get("remove"))
        desk.rebuilt([step for n, step in enumerate(steps) if n != index])
        return _render_desk(request, desk, None)
    if "refresh" in post:
        desk.rebuilt(desk.typed_steps())
        return _render_desk(request, desk, None)
    if not desk.is_valid():
        return _render_desk(request, desk, None)
    values = desk.form.values()
    effects = desk.effects()
    viewer, at = desk.viewer, timezone.now()
    try:
        if "preview" in post:
            preview = _preview(desk, values, effects, at)
            return _render_desk(request, desk, preview)
        with transaction.atomic():
            desk.write_letters(effects, at)
            # A decision that could not be adopted as written is refused now, beside the
            # step at fault, rather than saved to fail later (a term on a body not yet
            # founded, an overlapping term …); the check changes nothing.
            _preview(desk, values, effects, at)
            if desk.decision is None:
                saved = meetings.decision_create(
                    viewer=viewer, via="web", at=at, values=_new_values(desk, values, effects)
                )
                messages.success(request, _("The decision is recorded."))
            else:
                saved = meetings.decision_update(
                    viewer=viewer,
                    via="web",
                    at=at,
                    decision=desk.decision,
                    changes={**values, "effects": effects},
                )
                messages.success(request, _("The decision is saved."))
        return redirect("web:decision", saved.slug)
    except ValidationError as error:
        desk.show_errors(error)
    return _render_desk(request, desk, None)


def _preview(
    desk: Desk, values: dict[str, Any], effects: list[dict[str, Any]], at: dt.datetime
) -> DecisionPreview:
    """Return what adopting the desk's decision would change (raises as saving would)."""
    if desk.decision is None:
        return decision_preview(
            viewer=desk.viewer,
            at=at,
            lang=preview_language(),
            values=_new_values(desk, values, effects),
        )
    return decision_preview(
        viewer=desk.viewer,
        at=at,
        lang=preview_language(),
        decision=desk.decision,
        values={**values, "effects": effects},
    )


def _new_values(
    desk: Desk, values: dict[str, Any], effects: list[dict[str, Any]]
) -> dict[str, Any]:
    return {
        "id": desk.form.cleaned_data["id"] or None,
        "session": desk.form.cleaned_data["session"],
        **values,
        "effects": effects,
    }


@login_required
@require_http_methods(["GET", "POST"])
def decision_new(request: HttpRequest) -> HttpResponse:
    """Record a decision of a session (``?session=ID`` fills it in), composed of steps."""
    viewer = _viewer(request)
    _require_officer(viewer)
    slug = request.GET.get("session") or request.POST.get("session")
    if slug:
        try:
            session: Session | None = custody.visible_session(viewer, slug)
        except Session.DoesNotExist:
            session = None  # the service answers a hidden session like a missing one
        if session is not None and not session_may_change(viewer, session):
            raise PermissionDenied(
                _("Only officers of every body that hosts %(session)s may record its decisions.")
                % {"session": slug}
            )
    desk = Desk(
        request,
        decision=None,
        sessions=_writable_sessions(viewer),
        initial={"session": slug or "", "kind": "resolution"},
    )
    return _run_desk(request, desk)


@login_required
@require_http_methods(["GET", "POST"])
def decision_edit(request: HttpRequest, slug: str) -> HttpResponse:
    """Change a decision and its steps; new effects of an adopted one replace the old."""
    viewer = _viewer(request)
    decision = _found(custody.visible_decision, viewer, slug)
    if not decision_may_change(viewer, meetings.ConcernedBodies(viewer, decision)):
        raise PermissionDenied(
            _("Only officers of the bodies this decision concerns may change it.")
        )
    desk = Desk(request, decision=decision, sessions=[], initial=_decision_initial(decision))
    return _run_desk(request, desk)


STATUS_ACTIONS = {"adopt": "adopted", "annul": "annulled"}


@login_required
@require_http_methods(["GET", "POST"])
def decision_status(request: HttpRequest, slug: str, action: str) -> HttpResponse:
    """Adopt (apply its effects) or annul (revert them) a decision, after confirming; the
    adoption page shows what adopting it will change."""
    viewer = _viewer(request)
    decision = _found(custody.visible_decision, viewer, slug)
    if not decision_may_change(viewer, meetings.ConcernedBodies(viewer, decision)):
        raise PermissionDenied(
            _("Only officers of the bodies this decision concerns may adopt or annul it.")
        )
    form = forms.Form(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            meetings.decision_status_set(
                viewer=viewer,
                via="web",
                at=timezone.now(),
                decision=decision,
                status=STATUS_ACTIONS[action],
            )
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            done = (
                _("The decision is adopted.")
                if action == "adopt"
                else _("The decision is annulled.")
            )
            messages.success(request, done)
            return redirect("web:decision", decision.slug)
        decision.refresh_from_db()
    preview, problems = None, []
    if action == "adopt" and decision.status in {"proposed", "annulled"}:
        try:
            preview = decision_preview(
                viewer=viewer, at=timezone.now(), lang=preview_language(), decision=decision
            )
        except ValidationError as error:
            problems = error.messages
    return render(
        request,
        "web/forms/decision_status.html",
        {
            "nav": "conferences",
            "form": form,
            "decision": decision,
            "action": action,
            "preview": preview,
            "problems": problems,
        },
    )


def decision_page_preview(viewer: Viewer, slug: str) -> DecisionPreview | None:
    """Return what adopting the proposed decision ``slug`` would change, for the decision's
    page, when the viewer may adopt it; None otherwise (or when it could not be adopted)."""
    try:
        decision = custody.visible_decision(viewer, slug)
    except Decision.DoesNotExist:
        return None
    if decision.status not in {"proposed", "annulled"}:
        return None
    if not decision_may_change(viewer, meetings.ConcernedBodies(viewer, decision)):
        return None
    try:
        return decision_preview(
            viewer=viewer, at=timezone.now(), lang=preview_language(), decision=decision
        )
    except (ValidationError, PermissionDenied):
        return None
