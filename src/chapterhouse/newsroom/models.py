"""The newsroom: articles in every working language, their categories, tags and photos."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from chapterhouse.core import limits
from chapterhouse.core.chronicle_schema import TranslationStatus
from chapterhouse.core.models import extra_field, slug_field, text_field, vocabulary_choices

TRANSLATION_STATUS_CHOICES = vocabulary_choices(TranslationStatus)
TRANSLATION_STATUSES = [value for value, _label in TRANSLATION_STATUS_CHOICES]


class Category(models.Model):
    """A section of the news (reports, statements, interviews …); an article has one."""

    slug = slug_field("category")
    name = text_field("Its name in the working languages.", required=True)
    extra = extra_field()

    class Meta:
        verbose_name_plural = "categories"

    def __str__(self) -> str:
        return self.slug


class Tag(models.Model):
    """A keyword articles share; an article has any number of them."""

    slug = slug_field("tag")
    name = text_field("Its name in the working languages.", required=True)
    extra = extra_field()

    def __str__(self) -> str:
        return self.slug


class Article(models.Model):
    """A piece of news: one story, written in a source language and translated into others.

    The texts live in :class:`ArticleTranslation`, one row per language; this row
    holds what every language shares.
    """

    slug = slug_field("article")
    # PROTECT: removing a category must not silently leave its articles uncategorized.
    category = models.ForeignKey(
        Category,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="articles",
        help_text="The section of the news it belongs to.",
    )
    tags = models.ManyToManyField(
        Tag, blank=True, related_name="articles", help_text="Keywords it is filed under."
    )
    source_language = models.CharField(
        max_length=limits.LANG_MAX_LENGTH,
        help_text="The language it was written in; the others translate it.",
    )
    publish_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When it appears on the public site (UTC); empty: not scheduled yet.",
    )
    # PROTECT (both authors): the byline is part of the published record.
    author_person = models.ForeignKey(
        "registry.Person",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="articles_written",
        help_text="The person who wrote it (or leave empty and name a body).",
    )
    author_body = models.ForeignKey(
        "registry.Body",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="articles_written",
        help_text="The body that issued it (or leave empty and name a person).",
    )
    about_bodies = models.ManyToManyField(
        "registry.Body", blank=True, related_name="articles", help_text="Bodies it concerns."
    )
    about_sessions = models.ManyToManyField(
        "meetings.Session", blank=True, related_name="articles", help_text="Sessions it reports."
    )
    about_conferences = models.ManyToManyField(
        "meetings.Conference",
        blank=True,
        related_name="articles",
        help_text="Conferences it reports.",
    )
    about_people = models.ManyToManyField(
        "registry.Person", blank=True, related_name="articles", help_text="People it concerns."
    )
    extra = extra_field()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(author_person__isnull=True) | Q(author_body__isnull=True),
                name="article_one_author",
                violation_error_message="An article's author is a person or a body, not both.",
            )
        ]
        indexes = [models.Index(fields=["publish_at"])]

    def __str__(self) -> str:
        return self.slug


class ArticleTranslation(models.Model):
    """An article's text in one language, with where it stands in the translation workflow."""

    # CASCADE: a translation is part of its article and means nothing without it.
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="translations")
    lang = models.CharField(
        max_length=limits.LANG_MAX_LENGTH, help_text="BCP 47 language code of this text."
    )
    title = models.TextField(help_text="The headline.")
    lead = models.TextField(blank=True, help_text="The opening paragraph shown in lists.")
    body = models.TextField(blank=True, help_text="The text, in Markdown.")
    status = models.CharField(
        max_length=20,
        choices=TRANSLATION_STATUS_CHOICES,
        default="draft",
        help_text="Where it stands: draft, in translation, in review, published, or outdated "
        "(the source changed after it was translated).",
    )
    source_paragraphs = models.JSONField(
        default=list,
        blank=True,
        help_text="The source text's paragraphs this translation was made from, so a "
        "translator can see which ones changed since; empty for the source itself.",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["article", "lang"], name="one_translation_per_lang"),
            models.CheckConstraint(
                condition=Q(status__in=TRANSLATION_STATUSES), name="translation_status_known"
            ),
        ]
        ordering = ["article", "lang"]

    def __str__(self) -> str:
        return f"{self.article_id} [{self.lang}]"


class Album(models.Model):
    """Photos grouped together, usually those of one article."""

    slug = slug_field("album")
    title = text_field("Its title.", required=True)
    # SET_NULL: the photos stay in the gallery when the article they illustrated goes.
    article = models.ForeignKey(
        Article,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="albums",
        help_text="The article it illustrates, if any.",
    )

    def __str__(self) -> str:
        return self.slug


class Photo(models.Model):
    """One picture in an album, in order."""

    # CASCADE: a photo belongs to its album.
    album = models.ForeignKey(Album, on_delete=models.CASCADE, related_name="photos")
    image = models.FileField(upload_to="photos/", help_text="The image file (under MEDIA_ROOT).")
    thumbnail = models.FileField(
        upload_to="photos/thumbnails/",
        blank=True,
        help_text="A small copy generated from the image for lists and the gallery.",
    )
    width = models.PositiveIntegerField(null=True, blank=True, help_text="Pixels across.")
    height = models.PositiveIntegerField(null=True, blank=True, help_text="Pixels down.")
    caption = text_field("What it shows.")
    position = models.PositiveIntegerField(default=0, help_text="Its place in the album.")

    class Meta:
        ordering = ["album", "position", "pk"]

    def __str__(self) -> str:
        return f"{self.album_id} #{self.position}"


class LanguageDesk(models.Model):
    """The body responsible for translating the news into one working language."""

    lang = models.CharField(
        max_length=limits.LANG_MAX_LENGTH,
        unique=True,
        help_text="BCP 47 code of the working language it covers.",
    )
    # PROTECT: a language must not silently lose the body that translates into it.
    body = models.ForeignKey(
        "registry.Body",
        on_delete=models.PROTECT,
        related_name="language_desks",
        help_text="The body whose translators and editors handle this language.",
    )

    class Meta:
        ordering = ["lang"]

    def __str__(self) -> str:
        return self.lang


ASSIGNMENT_STATUS_CHOICES = [
    ("open", "open"),
    ("claimed", "claimed"),
    ("submitted", "submitted"),
    ("approved", "approved"),
    ("cancelled", "cancelled"),
]
ASSIGNMENT_STATUSES = [value for value, _label in ASSIGNMENT_STATUS_CHOICES]
# Assignments still being worked on: at most one per article and language.
ACTIVE_ASSIGNMENT_STATUSES = ["open", "claimed", "submitted"]


class TranslationAssignment(models.Model):
    """A request to a language desk's body to translate one article into its language."""

    # CASCADE: an assignment is part of its article's workflow and means nothing without it.
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="assignments")
    lang = models.CharField(
        max_length=limits.LANG_MAX_LENGTH, help_text="BCP 47 code of the language to write."
    )
    # PROTECT: the body that was asked to translate is part of the record.
    body = models.ForeignKey(
        "registry.Body",
        on_delete=models.PROTECT,
        related_name="translation_assignments",
        help_text="The body asked to translate (the language desk's body when it was sent).",
    )
    due = models.DateField(help_text="The day the translation is due.")
    status = models.CharField(
        max_length=20,
        choices=ASSIGNMENT_STATUS_CHOICES,
        default="open",
        help_text="open (waiting for a translator), claimed, submitted (for review), "
        "approved (published), or cancelled.",
    )
    # PROTECT: who translated is part of the record; accounts are deactivated, not deleted.
    claimed_by = models.ForeignKey(
        "auth.User",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="translation_assignments",
        help_text="The translator who took it on.",
    )
    created_at = models.DateTimeField(help_text="When it was sent (UTC).")
    claimed_at = models.DateTimeField(null=True, blank=True, help_text="When it was claimed.")
    submitted_at = models.DateTimeField(
        null=True, blank=True, help_text="When the translation was submitted for review."
    )
    approved_at = models.DateTimeField(
        null=True, blank=True, help_text="When an editor approved it."
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ASSIGNMENT_STATUSES), name="assignment_status_known"
            ),
            models.UniqueConstraint(
                fields=["article", "lang"],
                condition=Q(status__in=ACTIVE_ASSIGNMENT_STATUSES),
                name="one_open_assignment_per_lang",
                violation_error_message="This article already has an open assignment "
                "for this language.",
            ),
        ]
        indexes = [models.Index(fields=["status", "due"])]
        ordering = ["due", "pk"]

    def __str__(self) -> str:
        return f"{self.article_id} [{self.lang}] {self.status}"


COMMENT_STATUS_CHOICES = [
    ("unconfirmed", "unconfirmed"),
    ("pending", "pending"),
    ("approved", "approved"),
    ("rejected", "rejected"),
]
COMMENT_STATUSES = [value for value, _label in COMMENT_STATUS_CHOICES]


class Comment(models.Model):
    """A reader's comment on an article, shown once an editor approved it.

    Signed-in members' comments go straight to moderation (``pending``); a
    visitor's waits as ``unconfirmed`` until they follow the link e-mailed to them.
    The e-mail address is personal data: it is never shown on the site.
    """

    # CASCADE: a comment is about its article and means nothing without it.
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="comments")
    lang = models.CharField(
        max_length=limits.LANG_MAX_LENGTH, help_text="The language of the page it was left on."
    )
    # SET_NULL: the comment stays (under its name) when the account goes.
    user = models.ForeignKey(
        "auth.User",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="article_comments",
        help_text="The signed-in member who wrote it, if any.",
    )
    name = models.CharField(max_length=100, help_text="The name shown with it.")
    email = models.EmailField(
        blank=True, help_text="A visitor's address, for confirmation only; never shown."
    )
    body = models.TextField(help_text="The comment, plain text.")
    status = models.CharField(
        max_length=20,
        choices=COMMENT_STATUS_CHOICES,
        default="pending",
        help_text="unconfirmed (waiting for the e-mail link), pending (for moderation), "
        "approved (shown) or rejected.",
    )
    confirm_digest = models.CharField(
        max_length=64, blank=True, help_text="SHA-256 of the confirmation secret (not the secret)."
    )
    created_at = models.DateTimeField(help_text="When it was written (UTC).")
    confirmed_at = models.DateTimeField(null=True, blank=True, help_text="When it was confirmed.")
    # SET_NULL: the moderation stays recorded in the audit trail when the account goes.
    moderated_by = models.ForeignKey(
        "auth.User",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="moderated_comments",
        help_text="The editor who approved or rejected it.",
    )
    moderated_at = models.DateTimeField(null=True, blank=True, help_text="When it was moderated.")

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=COMMENT_STATUSES), name="comment_status_known"
            )
        ]
        indexes = [models.Index(fields=["article", "status", "created_at"])]
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.article_id} comment {self.pk} ({self.status})"


class ArticleViewDay(models.Model):
    """How many readers read an article on one day (each counted once that day)."""

    # CASCADE: the count is about its article.
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="view_days")
    day = models.DateField(help_text="The day (UTC).")
    count = models.PositiveIntegerField(default=0, help_text="Readers that day.")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["article", "day"], name="one_view_count_per_day")
        ]
        ordering = ["article", "day"]

    def __str__(self) -> str:
        return f"{self.article_id} {self.day}: {self.count}"


class SearchEntry(models.Model):
    """One publicly visible article translation, in the form the full-text search indexes.

    Kept in step with :class:`ArticleTranslation` by ``newsroom/search/services.py``
    (signals and ``chapterhouse search_index``). Migration 0004 adds what each
    database searches with, maintained by triggers: on PostgreSQL a ``vector``
    column (``to_tsvector(config, document)``) with one partial GIN index per
    text search configuration, on SQLite an FTS5 table. On SQLite a migration
    that alters this table must create those triggers again (Django rebuilds
    the table and drops them).
    """

    # CASCADE: an entry is a copy of its translation's text and goes with it.
    translation = models.OneToOneField(
        ArticleTranslation,
        on_delete=models.CASCADE,
        related_name="search_entry",
        help_text="The translation whose text this is.",
    )
    # CASCADE: as above; kept beside the translation so results need no extra join.
    article = models.ForeignKey(
        Article,
        on_delete=models.CASCADE,
        related_name="search_entries",
        help_text="The translation's article.",
    )
    lang = models.CharField(
        max_length=limits.LANG_MAX_LENGTH, help_text="The translation's language (BCP 47)."
    )
    config = models.CharField(
        max_length=40,
        help_text="The PostgreSQL text search configuration for the language "
        "(english, russian … or simple); unused on SQLite.",
    )
    document = models.TextField(
        help_text="Title, lead and body as plain text, Chinese, Japanese and Korean runs "
        "written as overlapping two-character pairs so that words match without spaces."
    )

    class Meta:
        verbose_name_plural = "search entries"

    def __str__(self) -> str:
        return f"{self.translation_id} [{self.lang}]"
