"""Writes of the newsroom: articles and their translation workflow.

Articles are created, edited and published; they are sent to translation, and
assignments are claimed, submitted, approved, sent back or cancelled; language
desks are set and overdue work is reminded of. Every function is keyword-only,
runs in one transaction, checks the viewer's grants, records an audit entry and
takes the time (`at`) from its caller. E-mails are queued (`notifications`) and
leave once the transaction commits.

Who may do what (each question is a function in `custody.access`): the
editors and officers of the body that wrote an article act on it; an article
by a person belongs to the bodies it is about (the
viewer must cover every one of them), and one by a person about no body to
administrators only. Translators of an assignment's body claim it; its editors
and officers review it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from chapterhouse.core.locks import lock_row
from chapterhouse.custody.access import (
    Viewer,
    article_may_edit,
    assignment_may_cancel,
    assignment_may_claim,
    assignment_may_review,
    may_assign_translation_desks,
    may_edit_news_of_every,
    may_send_reminders,
)
from chapterhouse.custody.models import AuditEntry
from chapterhouse.custody.services import AuditSubject, audit_record, audit_update
from chapterhouse.meetings.models import Conference, Session
from chapterhouse.newsroom.cache import public_pages_changed
from chapterhouse.newsroom.markdown import markdown_paragraphs
from chapterhouse.newsroom.models import (
    ACTIVE_ASSIGNMENT_STATUSES,
    Article,
    ArticleTranslation,
    Category,
    LanguageDesk,
    Tag,
    TranslationAssignment,
)
from chapterhouse.newsroom.search.services import search_translations_index
from chapterhouse.newsroom.workflow import notifications
from chapterhouse.newsroom.workflow.labels import ASSIGNMENT_STATUS_LABELS
from chapterhouse.registry.models import Body, Organization, Person

# A slug as the Chronicle writes ids; "new" would hide behind the workspace's own page.
_SLUG = re.compile(r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$")
RESERVED_SLUGS = frozenset({"new"})


def _working_languages() -> list[str]:
    org = Organization.objects.values("languages", "default_language").first()
    if org is None:
        return ["en"]
    return list(org["languages"] or [org["default_language"] or "en"])


def _require_article_editor(viewer: Viewer, article: Article, what: str) -> None:
    if not article_may_edit(viewer, article):
        raise PermissionDenied(
            _(
                "only editors of the body that wrote “%(article)s” (for an article by a "
                "person: of every body it is about) may %(what)s"
            )
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


def _article_subject(article: Article) -> AuditSubject:
    """An article's audit entries: under its id, and under the body that wrote it."""
    return {"object_type": "article", "object_id": article.slug, "body": article.author_body_id}


def _assignment_subject(assignment: TranslationAssignment) -> AuditSubject:
    """An assignment's audit entries: as ``<article>/<lang>``, under its desk body."""
    return {
        "object_type": "translation assignment",
        "object_id": _assignment_ref(assignment),
        "body": assignment.body_id,
    }


def _submitted_assignment(assignment: TranslationAssignment, refusal: str) -> TranslationAssignment:
    """Lock the assignment's row and return it; refuse with `refusal` (which names the
    assignment's `status`) unless it is submitted, waiting for review."""
    locked = _locked_assignment(assignment)
    _require_status(locked, ("submitted",), refusal)
    return locked


def _require_status(
    assignment: TranslationAssignment, statuses: Collection[str], refusal: str
) -> None:
    """Refuse with `refusal` (which names the assignment's `status`) unless the assignment
    is in one of `statuses`."""
    if assignment.status not in statuses:
        raise ValidationError(refusal % {"status": ASSIGNMENT_STATUS_LABELS[assignment.status]})


def _review_step(
    *,
    viewer: Viewer,
    via: str,
    action: str,
    assignment: TranslationAssignment,
    status: str,
    stamps: dict[str, Any],
    at: dt.datetime,
    after: dict[str, Any],
) -> None:
    """Move a submitted (locked) assignment to `status`, setting the fields in `stamps`,
    and record the reviewer's step in the audit trail."""
    assignment.status = status
    for name, value in stamps.items():
        setattr(assignment, name, value)
    assignment.save(update_fields=["status", *stamps])
    audit_record(
        viewer=viewer,
        via=via,
        action=action,
        **_assignment_subject(assignment),
        at=at,
        before={"status": "submitted"},
        after=after,
    )


@transaction.atomic
def article_send_to_translation(
    *, viewer: Viewer, via: str, article: Article, due: dt.date, at: dt.datetime
) -> list[TranslationAssignment]:
    """Create one open assignment per working language the article still needs; return them.

    A language needs one when it is not the source language, has no published
    (up-to-date) translation and no assignment already open. Each goes to that
    language's desk body; a needed language without a desk refuses the whole send.
    An outdated translation is needed again. A due date before the day of `at` is
    refused. The desks' translators are e-mailed once the send commits.
    """
    _require_article_editor(viewer, article, _("send it to translation"))
    if due < at.date():
        raise ValidationError(
            _("the due date %(due)s is in the past") % {"due": due.isoformat()}, code="due"
        )
    source_translation(article)  # nothing to translate without a source text
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
            **_assignment_subject(assignment),
            at=at,
            after={"status": "open", "due": due.isoformat()},
        )
    notifications.assignments_created(assignments, on=at.date())
    return assignments


@transaction.atomic
def assignment_claim(
    *, viewer: Viewer, via: str, assignment: TranslationAssignment, at: dt.datetime
) -> TranslationAssignment:
    """Give an open assignment to the viewer, a translator of its body."""
    if not assignment_may_claim(viewer, assignment):
        raise PermissionDenied(_("only translators of the assigned body may claim it"))
    if viewer.user_id is None:
        raise PermissionDenied(_("sign in to claim an assignment"))
    locked = _locked_assignment(assignment)
    _require_status(
        locked,
        ("open",),
        _("this assignment is %(status)s, not open: it cannot be claimed"),
    )
    locked.status = "claimed"
    locked.claimed_by_id = viewer.user_id
    locked.claimed_at = at
    locked.save(update_fields=["status", "claimed_by", "claimed_at"])
    audit_record(
        viewer=viewer,
        via=via,
        action="claim",
        **_assignment_subject(locked),
        at=at,
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
    _require_status(
        locked,
        ("claimed",),
        _("this assignment is %(status)s, not claimed: it cannot be submitted"),
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
        **_assignment_subject(locked),
        at=at,
        before=before,
        after={"title": title, "lead": lead, "body": body, "status": "in_review"},
    )
    notifications.assignment_submitted(locked, on=at.date())
    return translation


@transaction.atomic
def assignment_approve(
    *, viewer: Viewer, via: str, assignment: TranslationAssignment, at: dt.datetime
) -> ArticleTranslation:
    """Publish a submitted translation; the viewer must be an editor (or officer) of the
    assigned body. The translator is e-mailed."""
    if not assignment_may_review(viewer, assignment):
        raise PermissionDenied(_("only editors of the assigned body may approve it"))
    locked = _submitted_assignment(
        assignment, _("this assignment is %(status)s, not submitted: there is nothing to approve")
    )
    translation = ArticleTranslation.objects.get(article_id=locked.article_id, lang=locked.lang)
    # The source may have changed while the translation waited for review: then it is
    # published as outdated, so the translator is asked again for the changed paragraphs.
    current = markdown_paragraphs(source_translation(locked.article).body)
    stale = bool(translation.source_paragraphs) and translation.source_paragraphs != current
    translation.status = "outdated" if stale else "published"
    translation.save(update_fields=["status"])
    _review_step(
        viewer=viewer,
        via=via,
        action="approve",
        assignment=locked,
        status="approved",
        stamps={"approved_at": at},
        at=at,
        after={"status": "approved"},
    )
    notifications.assignment_approved(locked)
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
    lock_row(article)  # of two edits at once, the second starts from the first
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
        # Only published texts go outdated; one still in the workflow is checked against
        # the source again when it is approved (assignment_approve).
        for translation in article.translations.exclude(pk=source.pk).filter(status="published")
        if translation.source_paragraphs and translation.source_paragraphs != paragraphs
    ]
    ArticleTranslation.objects.filter(pk__in=[t.pk for t in outdated]).update(status="outdated")
    if outdated:
        public_pages_changed()  # a bulk update sends no signal
        search_translations_index(t.pk for t in outdated)
    audit_record(
        viewer=viewer,
        via=via,
        action="update",
        **_article_subject(article),
        at=at,
        before=before,
        after={
            "title": title,
            "lead": lead,
            "body": body,
            "outdated": sorted(t.lang for t in outdated),
        },
    )
    return sorted(t.lang for t in outdated)


# --- articles ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ArticleFields:
    """What an article holds besides its id, source language and source text."""

    category: Category | None = None
    tags: Sequence[Tag] = ()
    author_person: Person | None = None
    author_body: Body | None = None
    about_bodies: Sequence[Body] = ()
    about_sessions: Sequence[Session] = ()
    about_conferences: Sequence[Conference] = ()
    about_people: Sequence[Person] = ()
    publish_at: dt.datetime | None = None

    def responsible_bodies(self) -> list[int]:
        """The ids of the bodies whose editors act on an article with these fields."""
        if self.author_body is not None:
            return [self.author_body.pk]
        return sorted({body.pk for body in self.about_bodies})


def _slugs(objects: Iterable[Any]) -> list[str]:
    return sorted(obj.slug for obj in objects)


def article_snapshot(article: Article) -> dict[str, Any]:
    """Return what the audit trail records of an article's own fields (ids, not keys)."""
    return {
        "source_language": article.source_language,
        "category": article.category.slug if article.category else None,
        "tags": _slugs(article.tags.all()),
        "author": (
            {"person": article.author_person.slug}
            if article.author_person
            else {"body": article.author_body.slug}
            if article.author_body
            else None
        ),
        "about": {
            "bodies": _slugs(article.about_bodies.all()),
            "sessions": _slugs(article.about_sessions.all()),
            "conferences": _slugs(article.about_conferences.all()),
            "people": _slugs(article.about_people.all()),
        },
        "publish_at": article.publish_at.isoformat() if article.publish_at else None,
    }


def _check_fields(fields: ArticleFields, errors: dict[str, list[str]]) -> None:
    if fields.author_person is not None and fields.author_body is not None:
        errors.setdefault("author_body", []).append(
            _("an article's author is a person or a body, not both")
        )
    if fields.author_person is None and fields.author_body is None:
        errors.setdefault("author_body", []).append(
            _("name the article's author: a body or a person")
        )
    if fields.publish_at is not None and fields.publish_at.tzinfo is None:
        errors.setdefault("publish_at", []).append(_("the publication time needs a time zone"))


def _check_text(title: str, errors: dict[str, list[str]]) -> None:
    if not title.strip():
        errors.setdefault("title", []).append(_("an article needs a title"))


def _apply_fields(article: Article, fields: ArticleFields) -> None:
    article.category = fields.category
    article.author_person = fields.author_person
    article.author_body = fields.author_body
    article.publish_at = fields.publish_at
    article.save()
    article.tags.set(fields.tags)
    article.about_bodies.set(fields.about_bodies)
    article.about_sessions.set(fields.about_sessions)
    article.about_conferences.set(fields.about_conferences)
    article.about_people.set(fields.about_people)


@transaction.atomic
def article_create(
    *,
    viewer: Viewer,
    via: str,
    slug: str,
    source_language: str,
    title: str,
    lead: str,
    body: str,
    fields: ArticleFields,
    at: dt.datetime,
) -> Article:
    """Create an article and its source text (a draft until it is published); return it.

    The viewer must be allowed to edit the article it creates (see the module's
    rules), so nobody writes in the name of a body they do not cover. Every
    problem with the input is reported at once, by field.
    """
    errors: dict[str, list[str]] = {}
    slug = slug.strip()
    if not _SLUG.match(slug) or len(slug) > 100:
        errors.setdefault("slug", []).append(
            _("an id is lower-case letters, digits and hyphens (at most 100), e.g. gc5-opens")
        )
    elif slug in RESERVED_SLUGS:
        errors.setdefault("slug", []).append(_("“%(slug)s” is reserved") % {"slug": slug})
    elif Article.objects.filter(slug=slug).exists():
        errors.setdefault("slug", []).append(
            _("an article with the id “%(slug)s” exists already") % {"slug": slug}
        )
    if source_language not in _working_languages():
        errors.setdefault("source_language", []).append(
            _("“%(lang)s” is not one of the organization's working languages")
            % {"lang": source_language}
        )
    _check_text(title, errors)
    _check_fields(fields, errors)
    if errors:
        raise ValidationError(errors)
    if not may_edit_news_of_every(viewer, fields.responsible_bodies()):
        raise PermissionDenied(
            _(
                "only editors of the body named as the author (for an article by a person: "
                "of every body it is about) may write it"
            )
        )
    article = Article(slug=slug, source_language=source_language)
    _apply_fields(article, fields)
    ArticleTranslation.objects.create(
        article=article, lang=source_language, title=title, lead=lead, body=body, status="draft"
    )
    audit_record(
        viewer=viewer,
        via=via,
        action="create",
        **_article_subject(article),
        at=at,
        after={**article_snapshot(article), "title": title, "lead": lead, "body": body},
    )
    return article


@transaction.atomic
def article_update(
    *,
    viewer: Viewer,
    via: str,
    article: Article,
    title: str,
    lead: str,
    body: str,
    fields: ArticleFields,
    at: dt.datetime,
) -> list[str]:
    """Change an article's fields and source text; return the languages that went outdated.

    The viewer must be allowed to edit the article both as it is and as it will
    be. A changed text goes through `article_source_update`, so translations made
    from other paragraphs are marked outdated. The id and source language stay.
    """
    lock_row(article)  # of two edits at once, the second starts from the first
    _require_article_editor(viewer, article, _("change it"))
    errors: dict[str, list[str]] = {}
    _check_text(title, errors)
    _check_fields(fields, errors)
    if errors:
        raise ValidationError(errors)
    if not may_edit_news_of_every(viewer, fields.responsible_bodies()):
        raise PermissionDenied(_("you may not give the article to bodies you are not an editor of"))
    before = article_snapshot(article)
    _apply_fields(article, fields)
    after = article_snapshot(article)
    audit_update(
        viewer=viewer, via=via, **_article_subject(article), at=at, before=before, after=after
    )
    source = source_translation(article)
    if (source.title, source.lead, source.body) == (title, lead, body):
        return []
    return article_source_update(
        viewer=viewer, via=via, article=article, title=title, lead=lead, body=body, at=at
    )


@transaction.atomic
def article_publish(
    *, viewer: Viewer, via: str, article: Article, publish_at: dt.datetime | None, at: dt.datetime
) -> Article:
    """Publish the article's source text at `publish_at` (default: `at`, now); return it.

    A time in the future schedules it: the public site shows it from then on.
    Translations are published one by one, when an editor approves them.
    """
    lock_row(article)  # of two edits at once, the second starts from the first
    _require_article_editor(viewer, article, _("publish it"))
    if publish_at is not None and publish_at.tzinfo is None:
        raise ValidationError({"publish_at": [_("the publication time needs a time zone")]})
    source = source_translation(article)
    before = {
        "status": source.status,
        "publish_at": article.publish_at.isoformat() if article.publish_at else None,
    }
    when = publish_at or at
    source.status = "published"
    source.save(update_fields=["status"])
    article.publish_at = when
    article.save(update_fields=["publish_at"])
    audit_record(
        viewer=viewer,
        via=via,
        action="publish",
        **_article_subject(article),
        at=at,
        before=before,
        after={"status": "published", "publish_at": when.isoformat()},
    )
    return article


# --- assignments -------------------------------------------------------------------------


@transaction.atomic
def assignment_return(
    *, viewer: Viewer, via: str, assignment: TranslationAssignment, note: str, at: dt.datetime
) -> TranslationAssignment:
    """Send a submitted translation back to its translator with a note; return the assignment.

    The assignment is claimed again by the same translator, the translation is
    back in translation, and the note is in the audit trail and e-mailed to them.
    """
    if not assignment_may_review(viewer, assignment):
        raise PermissionDenied(_("only editors of the assigned body may send it back"))
    note = note.strip()
    if not note:
        raise ValidationError(
            {"note": [_("say what to change: the translator reads this note")]}, code="note"
        )
    locked = _submitted_assignment(
        assignment,
        _("this assignment is %(status)s, not submitted: there is nothing to send back"),
    )
    ArticleTranslation.objects.filter(article_id=locked.article_id, lang=locked.lang).update(
        status="in_translation"
    )
    public_pages_changed()  # a bulk update sends no signal
    _review_step(
        viewer=viewer,
        via=via,
        action="return",
        assignment=locked,
        status="claimed",
        stamps={"submitted_at": None},
        at=at,
        after={"status": "claimed", "note": note},
    )
    notifications.assignment_returned(locked, note=note)
    return locked


@transaction.atomic
def assignment_cancel(
    *, viewer: Viewer, via: str, assignment: TranslationAssignment, at: dt.datetime
) -> TranslationAssignment:
    """Withdraw an assignment still being worked on; return it.

    Editors of the assigned body or of the article may; the translation itself
    is left as it is. The language may be sent again afterwards.
    """
    if not assignment_may_cancel(viewer, assignment):
        raise PermissionDenied(
            _("only editors of the assigned body or of the article may cancel it")
        )
    locked = _locked_assignment(assignment)
    _require_status(
        locked,
        ACTIVE_ASSIGNMENT_STATUSES,
        _("this assignment is %(status)s already: there is nothing to cancel"),
    )
    before = locked.status
    locked.status = "cancelled"
    locked.save(update_fields=["status"])
    audit_record(
        viewer=viewer,
        via=via,
        action="cancel",
        **_assignment_subject(locked),
        at=at,
        before={"status": before},
        after={"status": "cancelled"},
    )
    return locked


def _day_bounds(on: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime.combine(on, dt.time(), tzinfo=dt.UTC)
    return start, start + dt.timedelta(days=1)


@transaction.atomic
def assignments_remind_overdue(
    *, viewer: Viewer, via: str, on: dt.date, at: dt.datetime
) -> list[TranslationAssignment]:
    """Queue a reminder for every assignment still being worked on and due before `on`.

    Open ones remind the desk body's translators, claimed ones their translator,
    submitted ones the body's editors. Each reminder is recorded in the audit
    trail, which is also how a second run on the same day knows to send nothing
    again. Return the assignments reminded of. Administrators only (the
    command line's operator).
    """
    if not may_send_reminders(viewer):
        raise PermissionDenied(_("only administrators send the overdue reminders"))
    overdue = list(
        TranslationAssignment.objects.filter(status__in=ACTIVE_ASSIGNMENT_STATUSES, due__lt=on)
        .select_related("article", "body", "claimed_by")
        .order_by("due", "pk")
    )
    start, end = _day_bounds(on)
    done = set(
        AuditEntry.objects.filter(
            action="remind",
            object_type="translation assignment",
            at__gte=start,
            at__lt=end,
            object_id__in=[_assignment_ref(a) for a in overdue],
        ).values_list("object_id", flat=True)
    )
    reminded = [a for a in overdue if _assignment_ref(a) not in done]
    for assignment in reminded:
        audit_record(
            viewer=viewer,
            via=via,
            action="remind",
            **_assignment_subject(assignment),
            at=at,
            after={"status": assignment.status, "due": assignment.due.isoformat()},
        )
    notifications.assignments_overdue(reminded, on=on)
    return reminded


# --- language desks ------------------------------------------------------------------------


@transaction.atomic
def language_desk_set(
    *, viewer: Viewer, via: str, lang: str, body: Body, at: dt.datetime
) -> LanguageDesk:
    """Make `body` responsible for translating into `lang`; return the desk.

    Administrators only. Assignments already sent keep the body they were sent to.
    """
    if not may_assign_translation_desks(viewer):
        raise PermissionDenied(_("only administrators name the body that translates a language"))
    if lang not in _working_languages():
        raise ValidationError(
            {
                "lang": [
                    _("“%(lang)s” is not one of the organization's working languages (%(langs)s)")
                    % {"lang": lang, "langs": ", ".join(_working_languages())}
                ]
            }
        )
    desk = LanguageDesk.objects.select_for_update().filter(lang=lang).first()
    before = {"body": desk.body.slug} if desk is not None else None
    if desk is not None and desk.body_id == body.pk:
        return desk
    if desk is None:
        desk = LanguageDesk.objects.create(lang=lang, body=body)
    else:
        desk.body = body
        desk.save(update_fields=["body"])
    audit_record(
        viewer=viewer,
        via=via,
        action="update" if before else "create",
        object_type="language desk",
        object_id=lang,
        at=at,
        body=body.pk,
        before=before,
        after={"body": body.slug},
    )
    return desk
