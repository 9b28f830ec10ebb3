"""People, bodies, posts and the terms in which people hold them.

Every interval is half-open ``[start, end)``: "as of D" means
``start <= D and (end is null or D < end)``. The database enforces
``start < end``.
"""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q

from chapterhouse.core import limits
from chapterhouse.core.chronicle_schema import How, NameKind
from chapterhouse.core.models import (
    extra_field,
    precision_field,
    slug_field,
    text_field,
    vocabulary_choices,
)

TERM_HOW_CHOICES = vocabulary_choices(How, coopted="co-opted")
NAME_KIND_CHOICES = vocabulary_choices(NameKind)


class Organization(models.Model):
    """The organization itself: one row."""

    name = text_field("Full name.", required=True)
    short_name = text_field("Abbreviation.")
    languages = models.JSONField(
        default=list, help_text="Working languages (BCP 47 codes), in display order."
    )
    default_language = models.CharField(
        max_length=limits.LANG_MAX_LENGTH,
        default="en",
        help_text="The language of plain-string Texts.",
    )
    founded = models.DateField(null=True, blank=True, help_text="Founding date (first day).")
    founded_precision = precision_field("the founding date")
    extra = extra_field()
    chronicle_extra = models.JSONField(
        null=True, blank=True, help_text="The Chronicle's top-level `extra`, kept as imported."
    )

    def __str__(self) -> str:
        from chapterhouse.core.text import text_in

        return text_in(self.name, self.default_language)


class BodyKind(models.Model):
    """A kind of body the organization declares (built-in kinds need no row)."""

    slug = slug_field("body kind")
    name = text_field("What the kind is called.", required=True)
    rank = models.IntegerField(default=100, help_text="Lower ranks sort first.")
    extra = extra_field()

    class Meta:
        ordering = ["rank", "slug"]

    def __str__(self) -> str:
        return self.slug


class Role(models.Model):
    """A role the organization declares (built-in roles need no row)."""

    slug = slug_field("role")
    name = text_field("What the role is called.", required=True)
    rank = models.IntegerField(default=100, help_text="Lower ranks sort first.")
    extra = extra_field()

    class Meta:
        ordering = ["rank", "slug"]

    def __str__(self) -> str:
        return self.slug


class Competence(models.Model):
    """The name of a mandate id (a competence such as ``external-relations``).

    A `Mandate` row refers to its competence by id only: an id the organization has
    not named here is still valid and is shown as itself.
    """

    slug = slug_field("mandate")
    name = text_field("What the mandate is called.", required=True)
    extra = extra_field()

    class Meta:
        ordering = ["slug"]
        verbose_name = "mandate name"

    def __str__(self) -> str:
        return self.slug


class Body(models.Model):
    """A committee, department, cell or society of the organization."""

    slug = slug_field("body")
    kind = models.CharField(max_length=100, db_index=True, help_text="Body kind id.")
    name = text_field("The name it was founded with; later names are BodyName rows.", required=True)
    aliases = models.JSONField(default=list, blank=True, help_text="Other names (Texts).")
    # PROTECT: a body with sub-bodies cannot vanish and orphan its subtree.
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        help_text="The body it reports to; empty for the top.",
    )
    number = models.IntegerField(null=True, blank=True, help_text="Ordinal in its name.")
    countries = models.JSONField(
        default=list, blank=True, help_text="ISO 3166-1 alpha-2 codes where it works."
    )
    region = text_field("A province or federal district.")
    institution = text_field("For a cell: the university or workplace.")
    affiliated = models.BooleanField(
        default=False, help_text="A separately registered organization that joined as a whole."
    )
    internal = models.BooleanField(
        default=False, help_text="Seen only by people with a grant on the body it belongs to."
    )
    founded = models.DateField(null=True, blank=True, help_text="First day of its life.")
    founded_precision = precision_field("the founding date")
    dissolved = models.DateField(
        null=True, blank=True, help_text="First day it no longer exists (exclusive end)."
    )
    dissolved_precision = precision_field("the dissolution date")
    # PROTECT: annulling the decision removes the body first, through the service.
    founded_by = models.ForeignKey(
        "meetings.Decision",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="bodies_founded",
        help_text="The decision that founded it; empty for a standing fact.",
    )
    dissolved_by = models.ForeignKey(
        "meetings.Decision",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="bodies_dissolved",
        help_text="The decision that dissolved it.",
    )
    extra = extra_field()

    class Meta:
        verbose_name_plural = "bodies"
        constraints = [
            models.CheckConstraint(
                condition=Q(founded__isnull=True)
                | Q(dissolved__isnull=True)
                | Q(founded__lt=F("dissolved")),
                name="body_founded_before_dissolved",
            )
        ]
        indexes = [
            models.Index(fields=["parent", "founded"]),
            models.Index(fields=["founded"]),
            models.Index(fields=["dissolved"]),
        ]

    def __str__(self) -> str:
        return self.slug


class BodyName(models.Model):
    """A name a body took from ``start`` on (a rename)."""

    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="renames")
    name = text_field("The new name.", required=True)
    start = models.DateField(help_text="First day the body bears this name.")
    # PROTECT: a rename disappears only by annulling its decision.
    decision = models.ForeignKey(
        "meetings.Decision",
        on_delete=models.PROTECT,
        related_name="renames",
        help_text="The decision that renamed the body.",
    )

    class Meta:
        ordering = ["start", "pk"]
        indexes = [models.Index(fields=["body", "start"]), models.Index(fields=["start"])]

    def __str__(self) -> str:
        return f"{self.body.slug} from {self.start}"


class Mandate(models.Model):
    """A competence a body holds for a time (e.g. ``security-of-activists``)."""

    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="mandates")
    slug = models.CharField(max_length=100, help_text="The competence's id.")
    start = models.DateField(null=True, blank=True, help_text="First day held; empty: always.")
    start_precision = precision_field("the start")
    end = models.DateField(null=True, blank=True, help_text="First day no longer held.")
    end_precision = precision_field("the end")
    holder_role = models.CharField(
        max_length=100,
        blank=True,
        help_text="When set, the mandate belongs to the holders of this role in the body.",
    )
    # CASCADE would lose history; PROTECT forces annulment through the service.
    decision = models.ForeignKey(
        "meetings.Decision",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="mandates_given",
        help_text="The decision that moved the mandate here; empty for a founding mandate.",
    )
    ended_by = models.ForeignKey(
        "meetings.Decision",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="mandates_ended",
        help_text="The decision that took the mandate away.",
    )
    transferred_from = models.ForeignKey(
        Body,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="mandates_handed_over",
        help_text="The body that held it before.",
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(start__isnull=True) | Q(end__isnull=True) | Q(start__lt=F("end")),
                name="mandate_start_before_end",
            )
        ]
        indexes = [models.Index(fields=["body", "start"]), models.Index(fields=["start"])]

    def __str__(self) -> str:
        return f"{self.slug} @ {self.body.slug}"


class Person(models.Model):
    """A member, guest or partner's representative."""

    slug = slug_field("person")
    name = models.CharField(
        max_length=limits.NAME_MAX_LENGTH, help_text="Display name in the default language."
    )
    given = models.CharField(
        max_length=limits.NAME_PART_MAX_LENGTH, blank=True, help_text="Given name."
    )
    family = models.CharField(
        max_length=limits.NAME_PART_MAX_LENGTH, blank=True, help_text="Family name."
    )
    patronymic = models.CharField(
        max_length=limits.NAME_PART_MAX_LENGTH, blank=True, help_text="Patronymic."
    )
    call_sign = models.CharField(
        max_length=limits.NAME_PART_MAX_LENGTH, blank=True, help_text="A pseudonym."
    )
    born = models.DateField(null=True, blank=True, help_text="Birth date (personal data).")
    born_precision = precision_field("the birth date")
    # PROTECT: custody must be handed over explicitly, never lost with a body.
    custodian = models.ForeignKey(
        Body,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="custody",
        help_text="The body that keeps this person's personal data.",
    )
    public = models.BooleanField(default=False, help_text="May appear on public pages.")
    honorific = text_field("A title the person holds.")
    contact = models.JSONField(
        default=dict,
        blank=True,
        help_text="Contact details (personal data): email, phone, address, messenger …",
    )
    notes = models.TextField(
        blank=True, default="", help_text="The custodian's notes (personal data)."
    )
    erased = models.DateTimeField(
        null=True, blank=True, help_text="When the person's personal data was erased."
    )
    extra = extra_field()

    class Meta:
        verbose_name_plural = "people"

    def __str__(self) -> str:
        return self.name


class PersonName(models.Model):
    """Another way a person's name is written (native script, transliteration …)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="names")
    name = models.CharField(max_length=limits.NAME_MAX_LENGTH, db_index=True)
    lang = models.CharField(
        max_length=limits.LANG_MAX_LENGTH, blank=True, help_text="Language of the variant."
    )
    kind = models.CharField(max_length=20, blank=True, choices=NAME_KIND_CHOICES)
    position = models.PositiveIntegerField(default=0, help_text="Order as listed.")

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.name


class PersonNameKey(models.Model):
    """One of a person's names as folded Latin letters (`registry.name_keys`), for search.

    Written only by `registry.person_name_keys.person_name_keys_refresh`; indexed by trigrams
    (PostgreSQL ``pg_trgm``, SQLite an FTS5 ``trigram`` table kept by triggers; migration
    0007).
    """

    # CASCADE: the keys are derived from the person's names and mean nothing without them.
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="name_keys")
    key = models.CharField(max_length=400, help_text="The folded Latin letters compared.")
    # The key's length and the key backwards, so that a B-tree finds the keys one letter
    # away from a query by either half of it (`registry.search`, migration 0009).
    size = models.PositiveSmallIntegerField(default=0, help_text="Letters in the key.")
    backward = models.CharField(max_length=400, default="", help_text="The key backwards.")
    source_name = models.CharField(
        max_length=limits.NAME_MAX_LENGTH, help_text="The name as written that gave this key."
    )
    lang = models.CharField(
        max_length=limits.LANG_MAX_LENGTH, blank=True, help_text="Language of that name."
    )
    real = models.BooleanField(
        default=True,
        help_text="Made from the real name (hidden behind a call sign from non-custodians).",
    )

    # Indexed by migrations 0007 (trigrams) and 0009 (B-trees on the key and on the size
    # with the key or backward; PostgreSQL's with text_pattern_ops for prefixes).

    def __str__(self) -> str:
        return self.key


class Term(models.Model):
    """A person holding a role in a body for a time."""

    # PROTECT: history is never deleted with a person or body. No index of their
    # own: the (person, start) and (body, start) indexes serve those lookups, and
    # every index slows an import of millions of terms.
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="terms", db_index=False
    )
    body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="terms", db_index=False)
    role = models.CharField(max_length=100, help_text="Role id.")
    title = text_field("The post's own wording, e.g. 'Adviser on Work in the PRC'.")
    title_key = models.CharField(
        max_length=limits.TITLE_KEY_MAX_LENGTH,
        blank=True,
        default="",
        help_text="The title as canonical JSON; twins are terms with equal keys.",
    )
    start = models.DateField(help_text="First day held.")
    start_precision = precision_field("the start")
    end = models.DateField(null=True, blank=True, help_text="First day no longer held.")
    end_precision = precision_field("the end")
    term_length = models.CharField(
        max_length=limits.DURATION_MAX_LENGTH,
        blank=True,
        help_text="ISO 8601 duration that gave `end`.",
    )
    how = models.CharField(max_length=20, blank=True, choices=TERM_HOW_CHOICES)
    decision = models.ForeignKey(
        "meetings.Decision",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="terms_started",
        help_text="The decision that started the term; empty for a standing fact.",
    )
    ended_by = models.ForeignKey(
        "meetings.Decision",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="terms_ended",
        help_text="The decision that ended the term early.",
    )
    end_reason = models.JSONField(
        null=True, blank=True, help_text="Why it ended early (a Text), e.g. resigned."
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(start__lt=F("end")),
                name="term_start_before_end",
            )
        ]
        indexes = [
            models.Index(fields=["body", "start"]),
            models.Index(fields=["person", "start"]),
            models.Index(fields=["start"]),
            models.Index(fields=["end"]),
        ]

    def __str__(self) -> str:
        return f"{self.person.slug} {self.role} @ {self.body.slug}"


class PersonAlias(models.Model):
    """The id of a person merged into another: it names the kept person from now on.

    Old URLs of the id redirect to the kept person and a Chronicle that names it
    resolves to them. The row also keeps what the merge moved (``moved``) and the
    merged person as they were (``merged``), so that `person_unmerge` can undo it
    (docs/decisions/0032).
    """

    slug = models.CharField(
        max_length=100, unique=True, help_text="The merged person's id, now an alias."
    )
    # PROTECT: a kept person who is merged in turn hands their aliases on (the merge moves
    # every row that names them, these too); nothing else may remove them.
    person = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        related_name="aliases",
        help_text="The person the id names now.",
    )
    merged_at = models.DateTimeField(help_text="When the merge was made (UTC).")
    audit_entry = models.PositiveBigIntegerField(
        help_text="The id of the merge's audit entry; later entries may build on it."
    )
    merged = models.JSONField(help_text="The merged person's row as it was (to restore it).")
    moved = models.JSONField(
        default=dict, help_text="What the merge moved, by model and field (to move it back)."
    )

    class Meta:
        verbose_name_plural = "person aliases"

    def __str__(self) -> str:
        return f"{self.slug} → {self.person_id}"
