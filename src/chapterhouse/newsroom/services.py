"""Writes of the newsroom's translation workflow: send, claim, submit, approve, update.

Every function is keyword-only, runs in one transaction, checks the viewer's
grants, records an audit entry and takes the time (`at`) from its caller.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from chapterhouse.custody.access import Viewer
from chapterhouse.custody.services import audit_record
from chapterhouse.newsroom.markdown import markdown_paragraphs
from chapterhouse.newsroom.models import (
    ACTIVE_ASSIGNMENT_STATUSES,
    Article,
    ArticleTranslation,
    LanguageDesk,
    TranslationAssignment,
)
from chapterhouse.registry.models import Organization


def _working_languages() -> list[str]:
    org = Organization.objects.values("languages", "default_language").first()
    if org is None:
        return ["en"]
    return list(org["languages"] or [org["default_language"] or "en"])


def _require_article_editor(viewer: Viewer, article: Article, what: str) -> None:
    # The author body's editors (or officers) decide about its articles; an article by a
    # person has no such body, so only administrators act on it.
    body_id = article.author_body_id
    if not (viewer.covers("editor", body_id) or viewer.covers("officer", body_id)):
        raise PermissionDenied(
            _("only editors of the body that wrote “%(article)s” may %(what)s")
            % {"article": article.slug, "what": what}
        )


def _locked_assignment(assignment: TranslationAssignment) -> TranslationAssignment:
    # Re-read under a row lock so two translators cannot claim the same assignment.
    return TranslationAssignment.objects.select_for_update().get(pk=assignment.pk)


def source_translation(article: Article) -> ArticleTranslation:
    try:
        return article.translations.get(lang=article.source_language)
    except ArticleTranslation.DoesNotExist:
        raise ValidationError(
            _("“%(article)s” has no text in its source language “%(lang)s”")
            % {"article": article.slug, "lang": article.source_language}
        ) from None


def _assignment_ref(assignment: TranslationAssignment) -> str:
    return f"{assignment.article.slug}/{assignment.lang}"


@transaction.atomic
def article_send_to_translation(
    *, viewer: Viewer, via: str, article: Article, due: dt.date, at: dt.datetime
) -> list[TranslationAssignment]:
    """Create one open assignment per working language the article still needs; return them.

    A language needs one when it is not the source language, has no published
    (up-to-date) translation and no assignment already open. Each goes to that
    language's desk body; a needed language without a desk refuses the whole send.
    """
    _require_article_editor(viewer, article, _("send it to translation"))
    published = set(article.translations.filter(status="published").values_list("lang", flat=True))
    active = set(
        article.assignments.filter(status__in=ACTIVE_ASSIGNMENT_STATUSES).values_list(
            "lang", flat=True
        )
    )
    needed = [
        lang
        for lang in _working_languages()
        if lang != article.source_language and lang not in published and lang not in active
    ]
    desks = {desk.lang: desk for desk in LanguageDesk.objects.filter(lang__in=needed)}
    missing = [lang for lang in needed if lang not in desks]
    if missing:
        raise ValidationError(
            _("no language desk is set up for %(langs)s: name the body that translates into it")
            % {"langs": ", ".join(f"“{lang}”" for lang in missing)}
        )
    assignments = [
        TranslationAssignment.objects.create(
            article=article, lang=lang, body_id=desks[lang].body_id, due=due, created_at=at
        )
        for lang in needed
    ]
    for assignment in assignments:
        audit_record(
            viewer=viewer,
            via=via,
            action="create",
            object_type="translation assignment",
            object_id=_assignment_ref(assignment),
            at=at,
            body=assignment.body_id,
            after={"status": "open", "due": due.isoformat()},
        )
    return assignments


@transaction.atomic
def assignment_claim(
    *, viewer: Viewer, via: str, assignment: TranslationAssignment, at: dt.datetime
) -> TranslationAssignment:
    """Give an open assignment to the viewer, a translator of its body."""
    if not viewer.covers("translator", assignment.body_id):
        raise PermissionDenied(_("only translators of the assigned body may claim it"))
    if viewer.user_id is None:
        raise PermissionDenied(_("sign in to claim an assignment"))
    locked = _locked_assignment(assignment)
    if locked.status != "open":
        raise ValidationError(
            _("this assignment is %(status)s, not open: it cannot be claimed")
            % {"status": locked.status}
        )
    locked.status = "claimed"
    locked.claimed_by_id = viewer.user_id
    locked.claimed_at = at
    locked.save(update_fields=["status", "claimed_by", "claimed_at"])
    audit_record(
        viewer=viewer,
        via=via,
        action="claim",
        object_type="translation assignment",
        object_id=_assignment_ref(locked),
        at=at,
        body=locked.body_id,
        before={"status": "open"},
        after={"status": "claimed", "claimed_by": viewer.label},
    )
    return locked


@transaction.atomic
def assignment_submit(
    *,
    viewer: Viewer,
    via: str,
    assignment: TranslationAssignment,
    title: str,
    lead: str,
    body: str,
    at: dt.datetime,
) -> ArticleTranslation:
    """Write the claimer's translation and put it up for review; return the translation.

    The translation remembers the source paragraphs it was made from, so a later
    change of the source shows which paragraphs to revisit.
    """
    locked = _locked_assignment(assignment)
    if locked.claimed_by_id is None or locked.claimed_by_id != viewer.user_id:
        raise PermissionDenied(_("only the translator who claimed it may submit it"))
    if locked.status != "claimed":
        raise ValidationError(
            _("this assignment is %(status)s, not claimed: it cannot be submitted")
            % {"status": locked.status}
        )
    if not title.strip():
        raise ValidationError(_("a translation needs a title"))
    source = source_translation(locked.article)
    translation, created = ArticleTranslation.objects.get_or_create(
        article=locked.article,
        lang=locked.lang,
        defaults={"title": title, "lead": lead, "body": body},
    )
    before = (
        None
        if created
        else {"title": translation.title, "lead": translation.lead, "body": translation.body}
    )
    translation.title, translation.lead, translation.body = title, lead, body
    translation.status = "in_review"
    translation.source_paragraphs = markdown_paragraphs(source.body)
    translation.save(update_fields=["title", "lead", "body", "status", "source_paragraphs"])
    locked.status = "submitted"
    locked.submitted_at = at
    locked.save(update_fields=["status", "submitted_at"])
    audit_record(
        viewer=viewer,
        via=via,
        action="submit",
        object_type="translation assignment",
        object_id=_assignment_ref(locked),
        at=at,
        body=locked.body_id,
        before=before,
        after={"title": title, "lead": lead, "body": body, "status": "in_review"},
    )
    return translation


@transaction.atomic
def assignment_approve(
    *, viewer: Viewer, via: str, assignment: TranslationAssignment, at: dt.datetime
) -> ArticleTranslation:
    """Publish a submitted translation; the viewer must be an editor of the assigned body."""
    if not viewer.covers("editor", assignment.body_id):
        raise PermissionDenied(_("only editors of the assigned body may approve it"))
    locked = _locked_assignment(assignment)
    if locked.status != "submitted":
        raise ValidationError(
            _("this assignment is %(status)s, not submitted: there is nothing to approve")
            % {"status": locked.status}
        )
    translation = ArticleTranslation.objects.get(article_id=locked.article_id, lang=locked.lang)
    translation.status = "published"
    translation.save(update_fields=["status"])
    locked.status = "approved"
    locked.approved_at = at
    locked.save(update_fields=["status", "approved_at"])
    audit_record(
        viewer=viewer,
        via=via,
        action="approve",
        object_type="translation assignment",
        object_id=_assignment_ref(locked),
        at=at,
        body=locked.body_id,
        before={"status": "submitted"},
        after={"status": "approved"},
    )
    return translation


@transaction.atomic
def article_source_update(
    *,
    viewer: Viewer,
    via: str,
    article: Article,
    title: str,
    lead: str,
    body: str,
    at: dt.datetime,
) -> list[str]:
    """Change the article's source text; return the languages whose translation went outdated.

    A translation is outdated when the source paragraphs it was made from differ
    from the new ones. Translations that never recorded their source (empty
    `source_paragraphs`: drafts, imported texts) are left as they are: nothing
    says what they were made from.
    """
    _require_article_editor(viewer, article, _("change its text"))
    if not title.strip():
        raise ValidationError(_("the source text needs a title"))
    source = source_translation(article)
    before = {"title": source.title, "lead": source.lead, "body": source.body}
    source.title, source.lead, source.body = title, lead, body
    source.save(update_fields=["title", "lead", "body"])
    paragraphs = markdown_paragraphs(body)
    outdated = [
        translation
        for translation in article.translations.exclude(pk=source.pk).exclude(status="outdated")
        if translation.source_paragraphs and translation.source_paragraphs != paragraphs
    ]
    ArticleTranslation.objects.filter(pk__in=[t.pk for t in outdated]).update(status="outdated")
    audit_record(
        viewer=viewer,
        via=via,
        action="update",
        object_type="article",
        object_id=article.slug,
        at=at,
        body=article.author_body_id,
        before=before,
        after={
            "title": title,
            "lead": lead,
            "body": body,
            "outdated": sorted(t.lang for t in outdated),
        },
    )
    return sorted(t.lang for t in outdated)
