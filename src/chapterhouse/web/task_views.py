"""Instructions with deadlines: the board (mine, a body's, everyone's), a task's page with
its "mark done" form, and the forms that give and change a standing instruction.

Reads go through ``relations.selectors`` with the request's viewer (a task hidden from
it is a 404); writes through ``relations.tasks``, which check who may do what.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from chapterhouse.core import limits
from chapterhouse.core.http import BadRequest, as_of_asked, bad_request_page
from chapterhouse.core.language import text
from chapterhouse.core.partial_dates import format_start
from chapterhouse.custody.access import (
    Viewer,
    may_change_task,
    may_complete_task,
    may_record_for_some_body,
    viewer_of,
)
from chapterhouse.registry.models import Body
from chapterhouse.relations import selectors
from chapterhouse.relations import tasks as services
from chapterhouse.relations.models import Task
from chapterhouse.web.fields import (
    DeskForm,
    PartialDateField,
    PersonPickerField,
    RecordMultipleChoiceField,
    TextByLanguageField,
    body_options,
    person_labels,
)
from chapterhouse.web.write_views import _save

PERSON_ROWS = 3  # the form offers this many people, and one more than already assigned


def _task(viewer: Viewer, slug: str) -> Task:
    try:
        return selectors.visible_task(viewer, slug)
    except Task.DoesNotExist:
        raise Http404(_("No task with this id.")) from None


# -- the board ---------------------------------------------------------------------------------


def task_board(request: HttpRequest, slug: str | None = None) -> HttpResponse:
    """Show a board of tasks on ``?as_of=`` (default today) in three parts: overdue, open,
    done. ``/bodies/<id>/tasks/`` or ``?body=`` shows one body's; otherwise a signed-in
    reader sees "my instructions" (given to them or to a body they hold a grant on) and
    a visitor every task they may see."""
    viewer = viewer_of(request)
    try:
        on = as_of_asked(request)
    except BadRequest as error:
        return bad_request_page(request, error)
    body_slug = slug or request.GET.get("body", "").strip() or None
    body = None
    if body_slug is not None:
        body = Body.objects.filter(viewer.body_filter()).filter(slug=body_slug).first()
        if body is None:
            raise Http404(_("No body with this id."))
    mine = body is None and request.user.is_authenticated and not request.GET.get("all")
    board = selectors.task_board(viewer=viewer, on=on, body=body_slug, mine=mine)
    if body is not None:
        heading = text(body.name)
    elif mine:
        heading = _("My instructions")
    else:
        heading = _("All instructions")
    context = {
        "nav": "tasks",
        "board": board,
        "heading": heading,
        "body": body,
        "mine": mine,
        "on": on,
        "bodies": body_options(viewer),
        "may_give": may_record_for_some_body(viewer),
    }
    return render(request, "web/tasks.html", context)


# -- one task ----------------------------------------------------------------------------------


class DoneForm(forms.Form):
    """Marking a task done: what was done."""

    note = forms.CharField(
        label=gettext_lazy("What was done"),
        required=False,
        max_length=limits.TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Kept with the task; those who may see it read it."),
    )


@require_http_methods(["GET", "POST"])
def task_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """Show a task; its assignees may mark it done with a note (POST ``action=done``) or
    open it again (``action=reopen``)."""
    viewer = viewer_of(request)
    task = _task(viewer, slug)
    may_complete = not viewer.is_anonymous and may_complete_task(viewer, task)
    form = DoneForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if not request.user.is_authenticated:
            from django.contrib.auth.views import redirect_to_login

            return redirect_to_login(request.get_full_path())
        if not may_complete:
            raise PermissionDenied(
                _("Only the assignees of this task may mark it done or open it again.")
            )
        action = request.POST.get("action")
        if action == "reopen":
            if _save(
                request,
                form,
                lambda viewer, via, at: services.task_reopen(
                    viewer=viewer, via=via, at=at, task=task
                ),
            ):
                messages.success(request, _("The task is open again."))
                return redirect("web:task", task.slug)
        elif form.is_valid() and _save(
            request,
            form,
            lambda viewer, via, at: services.task_mark_done(
                viewer=viewer, via=via, at=at, task=task, note=form.cleaned_data["note"]
            ),
        ):
            messages.success(request, _("The task is marked done."))
            return redirect("web:task", task.slug)
    on = timezone.localdate()
    detail = selectors.task_detail(task=task.slug, viewer=viewer)
    context = {
        "nav": "tasks",
        "task": detail,
        "due": task.due,
        "due_precision": task.due_precision,
        "done_on": task.done_on,
        "overdue": services.task_is_overdue(task, on=on),
        "may_complete": may_complete,
        "may_change": not viewer.is_anonymous and may_change_task(viewer, task),
        "form": form,
    }
    return render(request, "web/task.html", context)


# -- giving and changing a standing instruction -------------------------------------------------


class TaskForm(DeskForm):
    """A standing instruction: what, to whom, by when."""

    title = TextByLanguageField(label=gettext_lazy("What is to be done"), required=True)
    bodies = RecordMultipleChoiceField(
        label=gettext_lazy("Given to the bodies"),
        required=False,
        help_text=gettext_lazy("You must be an officer of each."),
    )
    due = PartialDateField(label=gettext_lazy("Due"), required=False)

    def __init__(self, *args: Any, viewer: Viewer, person_rows: int = PERSON_ROWS, **kw: Any):
        super().__init__(*args, viewer=viewer, **kw)
        self.person_rows = person_rows
        # The people come as a few rows of pickers, before the due date.
        for index in range(person_rows):
            field = PersonPickerField(
                # Every row keeps a label of its own: a screen reader names each field.
                label=gettext_lazy("Given to a person")
                if index == 0
                else gettext_lazy("And to a person"),
                required=False,
                help_text=(
                    gettext_lazy("Type part of a name in any script, or a call sign.")
                    if index == 0
                    else ""
                ),
            )
            field.set_viewer(viewer)
            self.fields[f"person_{index}"] = field
        self.order_fields(
            ["title", "bodies", *(f"person_{index}" for index in range(person_rows)), "due"]
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not self.errors and not cleaned.get("bodies") and not self._people(cleaned):
            raise forms.ValidationError(_("Give the task to at least one body or person."))
        return cleaned

    def _people(self, cleaned: dict[str, Any]) -> list[str]:
        return [
            cleaned[f"person_{index}"]
            for index in range(self.person_rows)
            if cleaned.get(f"person_{index}")
        ]

    def values(self) -> dict[str, Any]:
        """Return the Chronicle-shaped values of the task."""
        cleaned = self.cleaned_data
        return {
            "title": cleaned["title"],
            "assignees": [
                *({"body": slug} for slug in cleaned.get("bodies") or []),
                *({"person": slug} for slug in self._people(cleaned)),
            ],
            "due": cleaned.get("due") or None,
        }


def _initial(task: Task, viewer: Viewer) -> tuple[dict[str, Any], int]:
    assignees = list(task.assignees.all())
    slugs = [a.person.slug for a in assignees if a.person is not None]
    labels = person_labels(viewer, slugs)
    people = [labels.get(slug, slug) for slug in slugs]
    initial: dict[str, Any] = {
        "title": task.title,
        "bodies": [a.body.slug for a in assignees if a.body is not None],
        "due": format_start(task.due, task.due_precision) if task.due else "",
    }
    for index, person in enumerate(people):
        initial[f"person_{index}"] = person
    return initial, max(PERSON_ROWS, len(people) + 1)


@login_required
@require_http_methods(["GET", "POST"])
def task_new(request: HttpRequest) -> HttpResponse:
    """Give a standing instruction (``?body=`` fills in the body)."""
    viewer = viewer_of(request)
    if not may_record_for_some_body(viewer):
        raise PermissionDenied(_("Only officers of a body may give it instructions."))
    initial = {"bodies": [request.GET["body"]]} if request.GET.get("body") else {}
    form = TaskForm(
        request.POST if request.method == "POST" else None, initial=initial, viewer=viewer
    )
    if request.method == "POST" and form.is_valid():
        task = _save(
            request,
            form,
            lambda viewer, via, at: services.task_create(
                viewer=viewer, via=via, at=at, values=form.values()
            ),
        )
        if task is not None:
            messages.success(request, _("The instruction is given."))
            return redirect("web:task", task.slug)
    return render(
        request,
        "web/forms/task.html",
        {"nav": "tasks", "form": form, "task": None, "cancel": reverse("web:tasks")},
    )


@login_required
@require_http_methods(["GET", "POST"])
def task_edit(request: HttpRequest, slug: str) -> HttpResponse:
    """Change a standing instruction (those who may give it to all its assignees)."""
    viewer = viewer_of(request)
    task = _task(viewer, slug)
    services.task_refuse_changing(viewer, task)
    initial, rows = _initial(task, viewer)
    form = TaskForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        viewer=viewer,
        person_rows=rows,
    )
    if request.method == "POST" and form.is_valid():
        saved = _save(
            request,
            form,
            lambda viewer, via, at: services.task_update(
                viewer=viewer, via=via, at=at, task=task, changes=form.values()
            ),
        )
        if saved is not None:
            messages.success(request, _("The instruction is saved."))
            return redirect("web:task", task.slug)
    return render(
        request,
        "web/forms/task.html",
        {
            "nav": "tasks",
            "form": form,
            "task": task,
            "cancel": reverse("web:task", args=[task.slug]),
        },
    )
