"""E-mails of the translation workflow, queued for the background worker.

The services call these inside their transaction; `core.mail.mail_enqueue`
queues each message once the transaction commits, and the worker sends it. No
message is ever sent inside a request.

Who gets what:

* assignments sent: the translators of each desk body (a translator grant on the
  body or above it, active that day, on an active account), one e-mail per desk
  listing the articles and due dates;
* a translation submitted: the editors of the assigned body (its officers when
  it has no editor);
* approved or sent back: the translator who claimed it;
* overdue: open ones to the body's translators, claimed ones to their
  translator, submitted ones to the body's editors.

Each recipient gets their own message (colleagues' addresses are not shown).
Accounts record no language of their own, so a message is written in the
language of the desk it is about: its recipients translate into it or review
texts in it. A language the interface is not translated into falls back to the
organization's default language.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import F
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from chapterhouse.core.cldr import date_full
from chapterhouse.core.intervals import held_on
from chapterhouse.core.language import interface_code, language_display
from chapterhouse.core.mail import mail_enqueue, site_url
from chapterhouse.custody.access import bodies_covering
from chapterhouse.custody.models import Grant
from chapterhouse.newsroom.models import ArticleTranslation, TranslationAssignment
from chapterhouse.registry.models import Organization

User = get_user_model()


# --- recipients ----------------------------------------------------------------------------


def accounts_covering(role: str, body_id: int, *, on: dt.date) -> list[Any]:
    """Return the active accounts holding `role` on the body or a body above it on `on`."""
    grants = Grant.objects.filter(held_on(on), role=role, body_id__in=bodies_covering(body_id))
    return list(
        User.objects.filter(is_active=True, pk__in=grants.values("user_id")).order_by("username")
    )


def _editors(body_id: int, *, on: dt.date) -> list[Any]:
    return accounts_covering("editor", body_id, on=on) or accounts_covering(
        "officer", body_id, on=on
    )


def _address(user: Any) -> str:
    return str(user.email or user.get_username())


# --- language and wording --------------------------------------------------------------------


def mail_language(lang: str) -> str:
    """Return the interface language to write about the desk of `lang` in (see the module)."""
    interface = {code for code, _name in settings.LANGUAGES}
    code = interface_code(lang)
    if code in interface:
        return code
    org = Organization.objects.values_list("default_language", flat=True).first()
    fallback = interface_code(org or settings.LANGUAGE_CODE)
    return fallback if fallback in interface else settings.LANGUAGE_CODE


def _url(name: str, *args: Any) -> str:
    # SITE_URL, else the address of the request that wrote the message (core.mail.site_url).
    return site_url() + reverse(f"newsroom:{name}", args=args)


def _source_titles(article_ids: Iterable[int]) -> dict[int, str]:
    return dict(
        ArticleTranslation.objects.filter(
            article_id__in=set(article_ids), lang=F("article__source_language")
        ).values_list("article_id", "title")
    )


def _item(assignment: TranslationAssignment, titles: dict[int, str], language: str) -> str:
    title = titles.get(assignment.article_id) or assignment.article.slug
    line = _("“%(title)s” (%(article)s), due %(due)s") % {
        "title": title,
        "article": assignment.article.slug,
        "due": date_full(assignment.due, language),
    }
    return f"- {line}\n  {_url('assignment', assignment.pk)}"


def _send(user: Any, subject: str, body: str) -> None:
    mail_enqueue(to=[_address(user)], subject=subject, body=body)


# --- the messages ----------------------------------------------------------------------------


def assignments_created(assignments: Sequence[TranslationAssignment], *, on: dt.date) -> None:
    """Tell each desk's translators what was sent to them: one e-mail per desk and person."""
    if not assignments:
        return
    titles = _source_titles(a.article_id for a in assignments)
    by_desk: dict[tuple[int, str], list[TranslationAssignment]] = defaultdict(list)
    for assignment in assignments:
        by_desk[(assignment.body_id, assignment.lang)].append(assignment)
    for (body_id, lang), items in by_desk.items():
        recipients = accounts_covering("translator", body_id, on=on)
        if not recipients:
            continue
        language = mail_language(lang)
        with translation.override(language):
            subject = ngettext(
                "%(count)d article to translate into %(language)s",
                "%(count)d articles to translate into %(language)s",
                len(items),
            ) % {"count": len(items), "language": language_display(lang)}
            lines = [
                _("Your desk is asked to translate into %(language)s:")
                % {"language": language_display(lang)},
                "",
                *(_item(assignment, titles, language) for assignment in items),
                "",
                _("Claim one in your queue: %(url)s") % {"url": _url("queue")},
            ]
        for user in recipients:
            _send(user, subject, "\n".join(lines) + "\n")


def assignment_submitted(assignment: TranslationAssignment, *, on: dt.date) -> None:
    """Tell the assigned body's editors that a translation waits for their review."""
    recipients = _editors(assignment.body_id, on=on)
    if not recipients:
        return
    titles = _source_titles([assignment.article_id])
    language = mail_language(assignment.lang)
    with translation.override(language):
        subject = _("To review: the %(language)s translation of “%(title)s”") % {
            "language": language_display(assignment.lang),
            "title": titles.get(assignment.article_id, assignment.article.slug),
        }
        body = "\n".join(
            [
                _("A translation was submitted for review:"),
                "",
                _item(assignment, titles, language),
                "",
                _("Approve it or send it back: %(url)s") % {"url": _url("review", assignment.pk)},
            ]
        )
    for user in recipients:
        _send(user, subject, body + "\n")


def _to_translator(assignment: TranslationAssignment, subject: str, lines: list[str]) -> None:
    if assignment.claimed_by is None:
        return
    _send(assignment.claimed_by, subject, "\n".join(lines) + "\n")


def assignment_approved(assignment: TranslationAssignment) -> None:
    """Tell the translator their translation is published."""
    titles = _source_titles([assignment.article_id])
    title = titles.get(assignment.article_id, assignment.article.slug)
    with translation.override(mail_language(assignment.lang)):
        subject = _("Published: your %(language)s translation of “%(title)s”") % {
            "language": language_display(assignment.lang),
            "title": title,
        }
        lines = [_("An editor approved your translation; it is published. Thank you.")]
    _to_translator(assignment, subject, lines)


def assignment_returned(assignment: TranslationAssignment, *, note: str) -> None:
    """Tell the translator their translation came back, with the editor's note."""
    titles = _source_titles([assignment.article_id])
    title = titles.get(assignment.article_id, assignment.article.slug)
    with translation.override(mail_language(assignment.lang)):
        subject = _("Sent back: your %(language)s translation of “%(title)s”") % {
            "language": language_display(assignment.lang),
            "title": title,
        }
        lines = [
            _("An editor sent your translation back with this note:"),
            "",
            note,
            "",
            _("Change it and submit it again: %(url)s")
            % {"url": _url("assignment", assignment.pk)},
        ]
    _to_translator(assignment, subject, lines)


def assignments_overdue(assignments: Sequence[TranslationAssignment], *, on: dt.date) -> None:
    """Remind whoever each overdue assignment waits for: one e-mail per person and language."""
    if not assignments:
        return
    titles = _source_titles(a.article_id for a in assignments)
    found: dict[tuple[str, int], list[Any]] = {}
    waiting: dict[tuple[int, str], list[TranslationAssignment]] = defaultdict(list)
    people: dict[int, Any] = {}
    for assignment in assignments:
        if assignment.status == "claimed":
            recipients = [assignment.claimed_by] if assignment.claimed_by else []
        else:
            key = (assignment.status, assignment.body_id)
            if key not in found:
                found[key] = (
                    _editors(assignment.body_id, on=on)
                    if assignment.status == "submitted"
                    else accounts_covering("translator", assignment.body_id, on=on)
                )
            recipients = found[key]
        for user in recipients:
            people[user.pk] = user
            waiting[(user.pk, assignment.lang)].append(assignment)
    for (user_pk, lang), items in waiting.items():
        language = mail_language(lang)
        with translation.override(language):
            subject = ngettext(
                "%(count)d overdue translation into %(language)s",
                "%(count)d overdue translations into %(language)s",
                len(items),
            ) % {"count": len(items), "language": language_display(lang)}
            lines = [
                _("These translations into %(language)s are past their due date:")
                % {"language": language_display(lang)},
                "",
                *(_item(assignment, titles, language) for assignment in items),
                "",
                _("The queue: %(url)s") % {"url": _url("queue")},
            ]
        _send(people[user_pk], subject, "\n".join(lines) + "\n")
