"""The newsroom's workspace: write and send articles, translate them, review, watch coverage.

Signed-in pages only. A visitor who is not signed in is sent to sign in; the
workspace is for accounts with an editor, translator or officer grant (and
administrators): anyone else gets 403, as does someone who may see the
workspace but not act on this article or assignment. An unknown article or
assignment is a 404. The rules themselves live in the services.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from chapterhouse.core.formatting import date_display
from chapterhouse.core.http import show_errors, show_refusal
from chapterhouse.core.language import language_display
from chapterhouse.custody.access import (
    Viewer,
    article_may_edit,
    assignment_may_claim,
    assignment_may_review,
    assignment_may_see,
    may_edit_some_news,
    may_translate_some_news,
    may_use_newsroom_workspace,
    viewer_of,
)
from chapterhouse.newsroom.engagement.counter import views_by_day
from chapterhouse.newsroom.markdown import markdown_paragraphs, render_markdown
from chapterhouse.newsroom.models import Article, ArticleTranslation, TranslationAssignment
from chapterhouse.newsroom.workflow import selectors, services
from chapterhouse.newsroom.workflow.forms import (
    ArticleForm,
    CoverageFilterForm,
    PublishForm,
    ReturnForm,
    SendForm,
    TranslationForm,
    article_initial,
)
from chapterhouse.newsroom.workflow.labels import ASSIGNMENT_STATUS_LABELS
from chapterhouse.newsroom.workflow.wording_diff import word_diff_html

View = Callable[..., HttpResponseBase]
PAGE_SIZE = 25


def _workspace_viewer(request: HttpRequest) -> Viewer:
    """Return the viewer, or refuse (403) one without any newsroom grant."""
    viewer = viewer_of(request)
    if not may_use_newsroom_workspace(viewer):
        raise PermissionDenied(
            _("The newsroom's workspace is for editors, translators and officers.")
        )
    return viewer


def _today() -> dt.date:
    return timezone.now().date()


def _languages(request: HttpRequest) -> list[str]:
    org = getattr(request, "organization", None)
    if org is None:
        return []
    return list(org.languages or [org.default_language])


def _article(slug: str) -> Article:
    article = (
        Article.objects.select_related("category", "author_body", "author_person")
        .filter(slug=slug)
        .first()
    )
    if article is None:
        raise Http404(_("No article with this id."))
    return article


def _assignment(pk: int) -> TranslationAssignment:
    assignment = (
        TranslationAssignment.objects.select_related("article", "body", "claimed_by")
        .filter(pk=pk)
        .first()
    )
    if assignment is None:
        raise Http404(_("No assignment with this number."))
    return assignment


def _render(request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    """Render a workspace page; its menu offers what the viewer's grants allow."""
    viewer = viewer_of(request)
    roles = {
        "translates": may_translate_some_news(viewer),
        "edits": may_edit_some_news(viewer),
    }
    return render(request, template, {**context, "workspace_roles": roles})


def _pager(page: Any, keep: dict[str, str]) -> dict[str, Any]:
    def link(number: int) -> str:
        return "?" + urlencode({**keep, "page": number})

    return {
        "number": page.number,
        "num_pages": page.paginator.num_pages,
        "previous": link(page.number - 1) if page.has_previous() else None,
        "next": link(page.number + 1) if page.has_next() else None,
    }


# --- coverage --------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET"])
def coverage(request: HttpRequest) -> HttpResponse:
    """Show articles × working languages, each cell where that translation stands."""
    viewer = _workspace_viewer(request)
    languages = _languages(request)
    tree = selectors.body_tree(viewer=viewer)
    form = CoverageFilterForm(request.GET or None, bodies=tree)
    filters: dict[str, Any] = {}
    keep: dict[str, str] = {}
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        if data["body"]:
            filters["body_ids"] = selectors.subtree_ids(tree, data["body"])
        filters.update(start=data["start"], end=data["end"], status=data["status"] or None)
        keep = {
            key: request.GET[key]
            for key in ("body", "start", "end", "status")
            if request.GET.get(key)
        }
    today = _today()
    articles = selectors.coverage_articles(languages=languages, on=today, **filters)
    page = Paginator(articles, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = selectors.coverage_rows(page.object_list, languages=languages, on=today)
    return _render(
        request,
        "newsroom/workflow/coverage.html",
        {
            "workspace_nav": "coverage",
            "form": form,
            "languages": [(lang, language_display(lang)) for lang in languages],
            "rows": rows,
            "page": page,
            "pager": _pager(page, keep),
            "today": today,
        },
    )


def _article_form_page(
    request: HttpRequest,
    form: ArticleForm,
    save: Callable[[dict[str, Any]], HttpResponse],
    *,
    workspace_nav: str,
    article: Article | None,
) -> HttpResponse:
    """Answer the article form (new or edit): what `save` (called with the cleaned data)
    returns once the form is posted, valid and saved; else the form again, with the
    Markdown preview when the writer asked for one, or with the service's refusal (a
    refused author body beside its field)."""
    preview = None
    if request.method == "POST" and form.is_valid():
        if "preview" in request.POST:
            preview = mark_safe(
                render_markdown(form.cleaned_data["body"])
            )  # sanitized by render_markdown
        else:
            try:
                return save(form.cleaned_data)
            except ValidationError as error:
                show_errors(form, error)
            except PermissionDenied as refused:
                form.add_error("author_body", str(refused))
    return _render(
        request,
        "newsroom/workflow/article_form.html",
        {"workspace_nav": workspace_nav, "form": form, "article": article, "preview": preview},
    )


# --- articles ---------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def article_new(request: HttpRequest) -> HttpResponse:
    """Write a new article in one of the working languages (a draft until published)."""
    viewer = _workspace_viewer(request)
    if not may_edit_some_news(viewer):
        raise PermissionDenied(_("Only editors and officers write articles."))
    languages = _languages(request)
    form = ArticleForm(
        request.POST if request.method == "POST" else None,
        viewer=viewer,
        languages=languages,
        initial={"source_language": languages[0] if languages else ""},
    )

    def save(data: dict[str, Any]) -> HttpResponse:
        article = services.article_create(
            viewer=viewer,
            via="web",
            slug=data["slug"],
            source_language=data["source_language"],
            title=data["title"],
            lead=data["lead"],
            body=data["body"],
            fields=form.article_fields(),
            at=timezone.now(),
        )
        messages.success(request, _("The article is saved as a draft."))
        return redirect("newsroom:article", article.slug)

    return _article_form_page(request, form, save, workspace_nav="new", article=None)


@login_required
@require_http_methods(["GET"])
def article_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """Show where each language of one article stands, with its assignment."""
    viewer = _workspace_viewer(request)
    article = _article(slug)
    return _article_page(request, viewer, article)


def _article_page(
    request: HttpRequest,
    viewer: Viewer,
    article: Article,
    *,
    send_form: SendForm | None = None,
    publish_form: PublishForm | None = None,
) -> HttpResponse:
    today = _today()
    cells = selectors.article_languages(article=article, languages=_languages(request), on=today)
    source = next((cell.translation for cell in cells if cell.is_source), None)
    return _render(
        request,
        "newsroom/workflow/article.html",
        {
            "workspace_nav": "coverage",
            "article": article,
            "source": source,
            "cells": cells,
            "may_edit": article_may_edit(viewer, article),
            "send_form": send_form or SendForm(initial={"due": today + dt.timedelta(days=7)}),
            "publish_form": publish_form or PublishForm(),
            "today": today,
            "views": views_by_day(article_id=article.pk, until=today),
        },
    )


def _editable_article(request: HttpRequest, slug: str) -> tuple[Viewer, Article]:
    viewer = _workspace_viewer(request)
    article = _article(slug)
    if not article_may_edit(viewer, article):
        raise PermissionDenied(
            _(
                "Only editors of the body that wrote this article (for an article by a person: "
                "of every body it is about) may change, publish or send it."
            )
        )
    return viewer, article


@login_required
@require_http_methods(["GET", "POST"])
def article_edit(request: HttpRequest, slug: str) -> HttpResponse:
    """Change an article and its source text; changed paragraphs outdate translations."""
    viewer, article = _editable_article(request, slug)
    languages = _languages(request)
    if article.source_language not in languages:
        languages = [*languages, article.source_language]
    form = ArticleForm(
        request.POST if request.method == "POST" else None,
        viewer=viewer,
        languages=languages,
        initial=article_initial(article),
    )
    for name in ("slug", "source_language"):
        form.fields[name].disabled = True

    def save(data: dict[str, Any]) -> HttpResponse:
        outdated = services.article_update(
            viewer=viewer,
            via="web",
            article=article,
            title=data["title"],
            lead=data["lead"],
            body=data["body"],
            fields=form.article_fields(),
            at=timezone.now(),
        )
        messages.success(request, _("The article is saved."))
        if outdated:
            messages.warning(
                request,
                _("These translations are now outdated: %(languages)s.")
                % {"languages": ", ".join(language_display(lang) for lang in outdated)},
            )
        return redirect("newsroom:article", article.slug)

    return _article_form_page(request, form, save, workspace_nav="coverage", article=article)


@login_required
@require_POST
def article_send(request: HttpRequest, slug: str) -> HttpResponse:
    """Send the article to translation into every language that needs it, due on a day."""
    viewer, article = _editable_article(request, slug)
    form = SendForm(request.POST)
    if form.is_valid():
        try:
            created = services.article_send_to_translation(
                viewer=viewer,
                via="web",
                article=article,
                due=form.cleaned_data["due"],
                at=timezone.now(),
            )
        except ValidationError as error:
            show_errors(form, error)
        else:
            if created:
                messages.success(
                    request,
                    _("Sent to translation, due %(due)s: %(assignments)s.")
                    % {
                        "due": date_display(form.cleaned_data["due"]),
                        "assignments": "; ".join(
                            f"{language_display(a.lang)} → {a.body.slug}" for a in created
                        ),
                    },
                )
            else:
                messages.info(
                    request,
                    _("Nothing to send: every language is translated or already assigned."),
                )
            return redirect("newsroom:article", article.slug)
    return _article_page(request, viewer, article, send_form=form)


@login_required
@require_POST
def article_publish(request: HttpRequest, slug: str) -> HttpResponse:
    """Publish the article's source text now or at the time given."""
    viewer, article = _editable_article(request, slug)
    form = PublishForm(request.POST)
    if form.is_valid():
        try:
            services.article_publish(
                viewer=viewer,
                via="web",
                article=article,
                publish_at=form.cleaned_data["publish_at"],
                at=timezone.now(),
            )
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(request, _("The source text is published."))
            return redirect("newsroom:article", article.slug)
    return _article_page(request, viewer, article, publish_form=form)


# --- translators -------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET"])
def queue(request: HttpRequest) -> HttpResponse:
    """List the open assignments of the viewer's desks and those the viewer claimed."""
    viewer = _workspace_viewer(request)
    if not may_translate_some_news(viewer):
        raise PermissionDenied(_("The queue is for translators."))
    today = _today()
    assignments = list(selectors.assignments_for_translator(viewer=viewer))
    return _render(
        request,
        "newsroom/workflow/queue.html",
        {
            "workspace_nav": "queue",
            "rows": [(a, selectors.is_overdue(a, on=today)) for a in assignments],
            "today": today,
        },
    )


def _source_side(
    article: Article, translation: ArticleTranslation | None
) -> tuple[ArticleTranslation, list[dict[str, Any]], list[Any], bool]:
    """Return the source, its paragraphs marked changed (with word diffs), the removed ones,
    and whether the translation records what it was made from."""
    source = services.source_translation(article)
    paragraphs = markdown_paragraphs(source.body)
    changes: dict[int, selectors.ParagraphChange] = {}
    removed: list[Any] = []
    recorded = translation is not None and bool(translation.source_paragraphs)
    if translation is not None and recorded:
        for change in selectors.translation_paragraph_changes(translation):
            if change.index is None:
                removed.append(word_diff_html(change.old, ""))
            else:
                changes[change.index] = change
    rows = []
    for index, paragraph in enumerate(paragraphs):
        found = changes.get(index)
        rows.append(
            {
                "number": index + 1,
                "html": mark_safe(render_markdown(paragraph)),  # sanitized by render_markdown
                "changed": found is not None,
                "added": found is not None and not found.old,
                "diff": word_diff_html(found.old, found.new) if found and found.old else None,
            }
        )
    return source, rows, removed, recorded


@login_required
@require_http_methods(["GET", "POST"])
def assignment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Translate: the source paragraphs beside the translator's text, changes marked."""
    viewer = _workspace_viewer(request)
    assignment = _assignment(pk)
    if not assignment_may_see(viewer, assignment):
        raise PermissionDenied(_("Only the translators and editors of its body see it."))
    article = assignment.article
    translation = article.translations.filter(lang=assignment.lang).first()
    mine = viewer.user_id is not None and assignment.claimed_by_id == viewer.user_id
    writable = mine and assignment.status == "claimed"
    initial = (
        {"title": translation.title, "lead": translation.lead, "body": translation.body}
        if translation is not None
        else {}
    )
    form = TranslationForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST":
        if not mine:
            raise PermissionDenied(_("Only the translator who claimed it may submit it."))
        if not writable:
            messages.error(
                request,
                _("This assignment is %(status)s: there is nothing to submit.")
                % {"status": ASSIGNMENT_STATUS_LABELS.get(assignment.status, assignment.status)},
            )
            return redirect("newsroom:assignment", assignment.pk)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.assignment_submit(
                    viewer=viewer,
                    via="web",
                    assignment=assignment,
                    title=data["title"],
                    lead=data["lead"],
                    body=data["body"],
                    at=timezone.now(),
                )
            except ValidationError as error:
                show_errors(form, error)
            else:
                messages.success(request, _("The translation is submitted for review."))
                return redirect("newsroom:queue")
    source, paragraphs, removed, recorded = _source_side(article, translation)
    return _render(
        request,
        "newsroom/workflow/assignment.html",
        {
            "workspace_nav": "queue",
            "assignment": assignment,
            "article": article,
            "source": source,
            "translation": translation,
            "paragraphs": paragraphs,
            "removed": removed,
            "recorded": recorded,
            "changed": any(p["changed"] for p in paragraphs) or bool(removed),
            "form": form if writable else None,
            "may_claim": assignment.status == "open" and assignment_may_claim(viewer, assignment),
            "may_review": assignment.status == "submitted"
            and assignment_may_review(viewer, assignment),
            "overdue": selectors.is_overdue(assignment, on=_today()),
            "language": language_display(assignment.lang),
            "return_note": selectors.assignment_return_note(assignment)
            if assignment.status == "claimed"
            else None,
        },
    )


@login_required
@require_POST
def assignment_claim(request: HttpRequest, pk: int) -> HttpResponse:
    """Take an open assignment on."""
    viewer = _workspace_viewer(request)
    assignment = _assignment(pk)
    try:
        services.assignment_claim(
            viewer=viewer, via="web", assignment=assignment, at=timezone.now()
        )
    except ValidationError as error:
        show_refusal(request, error)
    else:
        messages.success(request, _("It is yours: translate it and submit it for review."))
    return redirect("newsroom:assignment", assignment.pk)


# --- editors -----------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET"])
def review_list(request: HttpRequest) -> HttpResponse:
    """List the translations submitted to the bodies the viewer edits."""
    viewer = _workspace_viewer(request)
    if not may_edit_some_news(viewer):
        raise PermissionDenied(_("Reviews are for editors and officers."))
    today = _today()
    assignments = list(selectors.assignments_for_review(viewer=viewer))
    return _render(
        request,
        "newsroom/workflow/review_list.html",
        {
            "workspace_nav": "review",
            "rows": [(a, selectors.is_overdue(a, on=today)) for a in assignments],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def assignment_review(request: HttpRequest, pk: int) -> HttpResponse:
    """Read a submitted translation beside its source; approve it or send it back."""
    viewer = _workspace_viewer(request)
    assignment = _assignment(pk)
    if not assignment_may_review(viewer, assignment):
        raise PermissionDenied(_("Only editors of the assigned body review it."))
    return_form = ReturnForm(request.POST if request.POST.get("action") == "return" else None)
    if request.method == "POST":
        action = request.POST.get("action")
        at = timezone.now()
        if action == "approve":
            try:
                services.assignment_approve(viewer=viewer, via="web", assignment=assignment, at=at)
            except ValidationError as error:
                show_refusal(request, error)
            else:
                messages.success(request, _("The translation is approved and published."))
                return redirect("newsroom:review_list")
        elif action == "return":
            if return_form.is_valid():
                try:
                    services.assignment_return(
                        viewer=viewer,
                        via="web",
                        assignment=assignment,
                        note=return_form.cleaned_data["note"],
                        at=at,
                    )
                except ValidationError as error:
                    show_errors(return_form, error)
                else:
                    messages.success(request, _("The translation is sent back to its translator."))
                    return redirect("newsroom:review_list")
        else:
            messages.error(request, _("Choose to approve it or to send it back."))
        assignment.refresh_from_db()
    article = assignment.article
    translation = article.translations.filter(lang=assignment.lang).first()
    source = services.source_translation(article)
    return _render(
        request,
        "newsroom/workflow/review.html",
        {
            "workspace_nav": "review",
            "assignment": assignment,
            "article": article,
            "source": source,
            "source_html": mark_safe(render_markdown(source.body)),  # sanitized by render_markdown
            "translation": translation,
            "translation_html": mark_safe(  # sanitized by render_markdown
                render_markdown(translation.body if translation else "")
            ),
            "return_form": return_form,
            "language": language_display(assignment.lang),
        },
    )
