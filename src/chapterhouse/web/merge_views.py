"""The page of likely duplicate people, and merging two records of one person or undoing
that (docs/decisions/0032). The writes go through `registry.merges`; the list shows only
people the officer may see, by the names they may read."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from chapterhouse.core.http import show_refusal
from chapterhouse.custody.access import may_list_duplicates, may_merge_people
from chapterhouse.registry.duplicates import duplicate_pairs, pair_reason
from chapterhouse.registry.merges import alias_of, person_merge, person_unmerge
from chapterhouse.registry.models import Body, Person
from chapterhouse.web.write_views import _viewer


@login_required
@require_GET
def person_duplicates(request: HttpRequest) -> HttpResponse:
    """List pairs of people who are likely one person (``?body=`` narrows to a body), each
    with its score, the reason and, where the officer may, a button that merges them."""
    viewer = _viewer(request)
    if not may_list_duplicates(viewer):
        raise PermissionDenied(_("Only officers and administrators may look for duplicates."))
    body = None
    if request.GET.get("body"):
        body = Body.objects.filter(viewer.body_filter(), slug=request.GET["body"]).first()
        if body is None:
            raise Http404(_("No body with this id."))
    pairs = duplicate_pairs(viewer=viewer, body=body)
    names = viewer.display_names([person for pair in pairs for person in (pair.first, pair.second)])
    rows = [
        {
            "first": pair.first,
            "second": pair.second,
            "first_name": names[pair.first.pk],
            "second_name": names[pair.second.pk],
            "score": pair.score,
            "reason": pair_reason(pair),
            "may_merge": may_merge_people(viewer, pair.first, pair.second),
            "directions": [
                (pair.first.slug, pair.second.slug),
                (pair.second.slug, pair.first.slug),
            ],
        }
        for pair in pairs
    ]
    return render(
        request,
        "web/person_duplicates.html",
        {"nav": "people", "rows": rows, "body": body},
    )


def _visible(request: HttpRequest, slug: str) -> Person:
    person = Person.objects.filter(_viewer(request).people_filter(), slug=slug).first()
    if person is None:
        raise Http404(_("No person with this id."))
    return person


@login_required
@require_POST
def person_merge_view(request: HttpRequest) -> HttpResponse:
    """Merge the posted ``other`` into the posted ``keep`` and show the kept person."""
    viewer = _viewer(request)
    keep = _visible(request, request.POST.get("keep", ""))
    other = _visible(request, request.POST.get("other", ""))
    try:
        person_merge(viewer=viewer, via="web", at=timezone.now(), keep=keep, other=other)
    except ValidationError as error:
        show_refusal(request, error)
        return redirect("web:person_duplicates")
    messages.success(
        request,
        _("%(other)s is merged into this person; the merge can be undone below.")
        % {"other": other.slug},
    )
    return redirect("web:person", keep.slug)


@login_required
@require_POST
def person_unmerge_view(request: HttpRequest) -> HttpResponse:
    """Undo the merge of the posted ``other`` and show them again."""
    viewer = _viewer(request)
    alias = alias_of(request.POST.get("other", ""))
    if alias is None or not viewer.visible_people([alias.person.pk]):
        raise Http404(_("No merged person with this id."))
    try:
        other = person_unmerge(viewer=viewer, via="web", at=timezone.now(), alias=alias)
    except ValidationError as error:
        show_refusal(request, error)
        return redirect("web:person", alias.person.slug)
    messages.success(request, _("The merge is undone."))
    return redirect("web:person", other.slug)
