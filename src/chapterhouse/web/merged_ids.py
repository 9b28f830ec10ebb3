"""The old id of a merged person in a page's address (docs/decisions/0032): every page of
one person answers it with the same page of the person kept."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from chapterhouse.custody.access import viewer_of
from chapterhouse.registry.merges import kept_person_id

View = Callable[..., HttpResponse]


def follows_merged_ids(view: View) -> View:
    """Wrap the view of a page of one person (named by the ``slug`` in its address): when
    it finds no such person and ``slug`` is the old id of a merged person the reader may
    see, redirect (temporarily: an undone merge gives the id back) to the same page of the
    kept person, query string included. Otherwise the 404 stands, as for any unknown id."""

    @wraps(view)
    def follow(request: HttpRequest, *args: Any, slug: str, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, slug=slug, **kwargs)
        except Http404:
            kept = kept_person_id(viewer_of(request), slug)
            if kept is None:
                raise
        match = request.resolver_match
        assert match is not None
        url = reverse(match.view_name, args=match.args, kwargs={**match.kwargs, "slug": kept})
        query = request.META.get("QUERY_STRING", "")
        return redirect(f"{url}?{query}" if query else url, permanent=False)

    return follow
