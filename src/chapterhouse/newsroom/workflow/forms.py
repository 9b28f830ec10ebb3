"""The workspace's forms: write an article, send, publish, translate, review, filter."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django import forms
from django.db.models import Model
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chapterhouse.core.language import language_name, text
from chapterhouse.custody.access import Viewer
from chapterhouse.meetings.models import Conference, Session
from chapterhouse.newsroom.models import Article, Category, Tag
from chapterhouse.newsroom.workflow.labels import (
    ASSIGNMENT_STATUS_LABELS,
    TRANSLATION_STATUS_LABELS,
)
from chapterhouse.newsroom.workflow.services import ArticleFields, source_translation
from chapterhouse.registry.models import Body, Person

IDS_HELP = gettext_lazy("Ids separated by commas, e.g. ec-kz, soc-steppe.")
UTC_HELP = gettext_lazy(
    "In UTC (Coordinated Universal Time). Leave empty for no date; an ISO time with an "
    "offset (2025-05-18T12:00+09:00) is read in that offset."
)
DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format=DATETIME_FORMAT, **kwargs)


def _split_ids(value: str) -> list[str]:
    seen: list[str] = []
    for part in value.replace("\n", ",").split(","):
        part = part.strip()
        if part and part not in seen:
            seen.append(part)
    return seen


def _resolve(value: str, query: Any, unknown: str) -> list[Model]:
    """Return the objects whose slugs `value` lists (comma-separated), in that order.

    Ids that are unknown, or that the viewer may not see, are named in one error.
    """
    slugs = _split_ids(value)
    if not slugs:
        return []
    found = {obj.slug: obj for obj in query.filter(slug__in=slugs)}
    missing = [slug for slug in slugs if slug not in found]
    if missing:
        raise forms.ValidationError(unknown % {"ids": ", ".join(missing)})
    return [found[slug] for slug in slugs]


class ArticleForm(forms.Form):
    """An article's fields and its source text; on editing, the id and language are fixed."""

    source_language = forms.ChoiceField(
        label=gettext_lazy("Written in"),
        help_text=gettext_lazy("The source language; the other working languages translate it."),
    )
    slug = forms.CharField(
        label=gettext_lazy("Id"),
        max_length=100,
        help_text=gettext_lazy(
            "Lower-case letters, digits and hyphens, e.g. gc5-opens; it cannot change later."
        ),
    )
    title = forms.CharField(label=gettext_lazy("Title"), max_length=1000)
    lead = forms.CharField(
        label=gettext_lazy("Lead"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("The opening paragraph shown in lists."),
    )
    body = forms.CharField(
        label=gettext_lazy("Text"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 16}),
        help_text=gettext_lazy(
            "Markdown: a blank line between paragraphs, **bold**, *italic*, [link](https://…)."
        ),
    )
    category = forms.ChoiceField(label=gettext_lazy("Category"), required=False)
    tags = forms.CharField(
        label=gettext_lazy("Tags"), required=False, help_text=gettext_lazy("Tag ids, e.g. gc-5.")
    )
    author_body = forms.ChoiceField(
        label=gettext_lazy("Written by the body"),
        required=False,
        help_text=gettext_lazy("Its editors and officers look after the article."),
    )
    author_person = forms.CharField(
        label=gettext_lazy("Or written by the person (id)"),
        required=False,
        help_text=gettext_lazy(
            "An article by a person is looked after by the editors of every body it is about."
        ),
    )
    about_bodies = forms.CharField(
        label=gettext_lazy("About the bodies"), required=False, help_text=IDS_HELP
    )
    about_sessions = forms.CharField(
        label=gettext_lazy("About the sessions"), required=False, help_text=IDS_HELP
    )
    about_conferences = forms.CharField(
        label=gettext_lazy("About the conferences"), required=False, help_text=IDS_HELP
    )
    about_people = forms.CharField(
        label=gettext_lazy("About the people"), required=False, help_text=IDS_HELP
    )
    publish_at = forms.DateTimeField(
        label=gettext_lazy("Publication (UTC)"),
        required=False,
        widget=DateTimeInput(),
        help_text=UTC_HELP,
    )

    def __init__(self, *args: Any, viewer: Viewer, languages: Sequence[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.viewer = viewer
        self.fields["source_language"].choices = [  # type: ignore[attr-defined]
            (lang, f"{language_name(lang)} ({lang})") for lang in languages
        ]
        self.fields["category"].choices = [("", "—")] + [  # type: ignore[attr-defined]
            (slug, f"{text(name)} ({slug})")
            for slug, name in Category.objects.order_by("slug").values_list("slug", "name")
        ]
        bodies = Body.objects.filter(viewer.body_filter()).order_by("slug")
        self.fields["author_body"].choices = [("", "—")] + [  # type: ignore[attr-defined]
            (slug, f"{text(name)} ({slug})") for slug, name in bodies.values_list("slug", "name")
        ]

    def clean_slug(self) -> str:
        return str(self.cleaned_data["slug"]).strip()

    def clean_category(self) -> Category | None:
        slug = self.cleaned_data["category"]
        return Category.objects.filter(slug=slug).first() if slug else None

    def clean_tags(self) -> list[Model]:
        return _resolve(
            self.cleaned_data["tags"], Tag.objects, _("No tag with the id(s): %(ids)s.")
        )

    def clean_author_body(self) -> Body | None:
        slug = self.cleaned_data["author_body"]
        return Body.objects.filter(slug=slug).first() if slug else None

    def clean_author_person(self) -> Model | None:
        found = _resolve(
            self.cleaned_data["author_person"],
            Person.objects.filter(self.viewer.people_filter()),
            _("No person with the id(s): %(ids)s."),
        )
        if len(found) > 1:
            raise forms.ValidationError(_("Name one person."))
        return found[0] if found else None

    def clean_about_bodies(self) -> list[Model]:
        return _resolve(
            self.cleaned_data["about_bodies"],
            Body.objects.filter(self.viewer.body_filter()),
            _("No body with the id(s): %(ids)s."),
        )

    def clean_about_sessions(self) -> list[Model]:
        return _resolve(
            self.cleaned_data["about_sessions"],
            Session.objects.filter(self.viewer.session_filter()),
            _("No session with the id(s): %(ids)s."),
        )

    def clean_about_conferences(self) -> list[Model]:
        return _resolve(
            self.cleaned_data["about_conferences"],
            Conference.objects.all(),
            _("No conference with the id(s): %(ids)s."),
        )

    def clean_about_people(self) -> list[Model]:
        return _resolve(
            self.cleaned_data["about_people"],
            Person.objects.filter(self.viewer.people_filter()),
            _("No person with the id(s): %(ids)s."),
        )

    def article_fields(self) -> ArticleFields:
        """Return the cleaned values the services take."""
        data = self.cleaned_data
        return ArticleFields(
            category=data["category"],
            tags=data["tags"],
            author_person=data["author_person"],
            author_body=data["author_body"],
            about_bodies=data["about_bodies"],
            about_sessions=data["about_sessions"],
            about_conferences=data["about_conferences"],
            about_people=data["about_people"],
            publish_at=data["publish_at"],
        )


def article_initial(article: Article) -> dict[str, Any]:
    """Return an edit form's values for `article` (and its source text)."""
    source = source_translation(article)

    def ids(manager: Any) -> str:
        return ", ".join(sorted(obj.slug for obj in manager.all()))

    return {
        "source_language": article.source_language,
        "slug": article.slug,
        "title": source.title,
        "lead": source.lead,
        "body": source.body,
        "category": article.category.slug if article.category else "",
        "tags": ids(article.tags),
        "author_body": article.author_body.slug if article.author_body else "",
        "author_person": article.author_person.slug if article.author_person else "",
        "about_bodies": ids(article.about_bodies),
        "about_sessions": ids(article.about_sessions),
        "about_conferences": ids(article.about_conferences),
        "about_people": ids(article.about_people),
        "publish_at": article.publish_at,
    }


class SendForm(forms.Form):
    """Send an article to translation into every language that needs it."""

    due = forms.DateField(
        label=gettext_lazy("Due"),
        widget=DateInput(),
        help_text=gettext_lazy("The day the translations are due (today or later)."),
    )


class PublishForm(forms.Form):
    """Publish the source text now or at a given time."""

    publish_at = forms.DateTimeField(
        label=gettext_lazy("Publish at (UTC)"),
        required=False,
        widget=DateTimeInput(),
        help_text=gettext_lazy("Empty: now. A later time schedules it."),
    )


class TranslationForm(forms.Form):
    """The translator's text."""

    title = forms.CharField(label=gettext_lazy("Title"), max_length=1000)
    lead = forms.CharField(
        label=gettext_lazy("Lead"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    body = forms.CharField(
        label=gettext_lazy("Text"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 20}),
        help_text=gettext_lazy("Markdown, one paragraph for each paragraph of the source."),
    )


class ReturnForm(forms.Form):
    """Send a translation back to its translator."""

    note = forms.CharField(
        label=gettext_lazy("What to change"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("The translator receives this note by e-mail."),
    )


class CoverageFilterForm(forms.Form):
    """Narrow the coverage dashboard down (every field optional)."""

    body = forms.ChoiceField(
        label=gettext_lazy("Body"),
        required=False,
        help_text=gettext_lazy("Written by it or sent to it, or to a body below it."),
    )
    start = forms.DateField(label=gettext_lazy("From"), required=False, widget=DateInput())
    end = forms.DateField(label=gettext_lazy("To"), required=False, widget=DateInput())
    status = forms.ChoiceField(label=gettext_lazy("Status"), required=False)

    def __init__(self, *args: Any, bodies: Sequence[dict[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["body"].choices = [("", _("All"))] + [  # type: ignore[attr-defined]
            (row["slug"], f"{text(row['name'])} ({row['slug']})") for row in bodies
        ]
        self.fields["status"].choices = [  # type: ignore[attr-defined]
            ("", _("Any")),
            (
                _("Translation"),
                [(key, label) for key, label in TRANSLATION_STATUS_LABELS.items()],
            ),
            (
                _("Assignment"),
                [
                    (key, label)
                    for key, label in ASSIGNMENT_STATUS_LABELS.items()
                    if key in ("open", "claimed", "submitted")
                ]
                + [("overdue", _("overdue"))],
            ),
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if isinstance(start, dt.date) and isinstance(end, dt.date) and end < start:
            raise forms.ValidationError(_("The period ends before it starts."))
        return data
