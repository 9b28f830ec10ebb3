"""Partners, people's outside posts, agreements, honours, awards and tasks."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from chapterhouse.core.chronicle_schema import AgreementStatus, HonourKind, TaskStatus
from chapterhouse.core.models import (
    extra_field,
    precision_field,
    slug_field,
    text_field,
    vocabulary_choices,
)

AGREEMENT_STATUS_CHOICES = vocabulary_choices(AgreementStatus)
HONOUR_KIND_CHOICES = vocabulary_choices(HonourKind)
TASK_STATUS_CHOICES = vocabulary_choices(TaskStatus)


class Partner(models.Model):
    """An organization outside ours."""

    slug = slug_field("partner")
    name = text_field("Its name.", required=True)
    kind = models.CharField(max_length=100, blank=True, help_text="E.g. foundation.")
    country = models.CharField(max_length=2, blank=True, help_text="ISO 3166-1 alpha-2.")
    extra = extra_field()

    def __str__(self) -> str:
        return self.slug


class Affiliation(models.Model):
    """A post a person holds outside the organization."""

    person = models.ForeignKey(
        "registry.Person", on_delete=models.CASCADE, related_name="affiliations"
    )
    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="affiliations")
    title = text_field("The post.")
    start = models.DateField(null=True, blank=True)
    start_precision = precision_field("the start")
    end = models.DateField(null=True, blank=True)
    end_precision = precision_field("the end")
    private = models.BooleanField(
        default=False, help_text="Personal data: seen only by the person's custodians."
    )
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return f"{self.person_id} at {self.partner_id}"


class Agreement(models.Model):
    """A treaty of friendship and cooperation with partners."""

    slug = slug_field("agreement")
    title = text_field("Its title.", required=True)
    parties = models.JSONField(default=list, help_text='"self" or partner ids, in order.')
    status = models.CharField(max_length=20, choices=AGREEMENT_STATUS_CHOICES)
    date = models.DateField(null=True, blank=True)
    date_precision = precision_field("the date")
    base_status = models.CharField(
        max_length=20,
        choices=AGREEMENT_STATUS_CHOICES,
        help_text="The status as recorded, before any signing decision.",
    )
    base_date = models.CharField(
        max_length=10, blank=True, help_text="The date as recorded, before any signing decision."
    )
    articles = models.JSONField(default=list, blank=True, help_text="Texts, in order.")
    signed_by = models.ForeignKey(
        "meetings.Decision",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="agreements_signed",
    )
    extra = extra_field()

    def __str__(self) -> str:
        return self.slug


class AgreementSignatory(models.Model):
    """A person who signs an agreement for a party."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="signatories")
    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="+")
    party = models.CharField(max_length=100, help_text='"self" or a partner id.')
    title = text_field("The signatory's title.")
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return f"{self.person_id} for {self.party}"


class Honour(models.Model):
    """A badge, order, medal or diploma the organization awards."""

    slug = slug_field("honour")
    name = text_field("Its name.", required=True)
    kind = models.CharField(max_length=20, choices=HONOUR_KIND_CHOICES)
    extra = extra_field()

    def __str__(self) -> str:
        return self.slug


class Award(models.Model):
    """An honour given to a person by a decision."""

    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="awards")
    honour = models.ForeignKey(Honour, on_delete=models.PROTECT, related_name="awards")
    date = models.DateField()
    citation = models.ForeignKey(
        "meetings.Document", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decision = models.ForeignKey(
        "meetings.Decision", on_delete=models.PROTECT, related_name="awards"
    )

    class Meta:
        indexes = [models.Index(fields=["person", "date"])]

    def __str__(self) -> str:
        return f"{self.honour_id} to {self.person_id} on {self.date}"


class Task(models.Model):
    """An instruction with a deadline."""

    slug = slug_field("task")
    title = text_field("What is to be done.", required=True)
    due = models.DateField(null=True, blank=True)
    due_precision = precision_field("the due date")
    status = models.CharField(max_length=20, choices=TASK_STATUS_CHOICES, default="open")
    decision = models.ForeignKey(
        "meetings.Decision",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tasks",
        help_text="The decision that gave the instruction; empty for a standing task.",
    )
    extra = extra_field()
    done_on = models.DateField(
        null=True, blank=True, help_text="The day the task was marked done (empty while open)."
    )
    done_note = models.TextField(
        blank=True, help_text="What the assignee wrote when marking it done."
    )
    # SET_NULL: closing an account must not lose the fact that the task was done.
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The account that marked it done.",
    )

    def __str__(self) -> str:
        return self.slug


class TaskReminder(models.Model):
    """An overdue reminder sent about a task on one day: at most one a day per task."""

    # CASCADE: a reminder is a note about the task, with no meaning without it.
    task = models.ForeignKey("Task", on_delete=models.CASCADE, related_name="reminders")
    on = models.DateField(help_text="The day the reminder was for.")
    recipients = models.JSONField(
        default=list, help_text="The addresses it was sent to (one message each)."
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["task", "on"], name="task_reminder_once_a_day")
        ]

    def __str__(self) -> str:
        return f"{self.task_id} on {self.on}"


class TaskAssignee(models.Model):
    """A body or person a task is assigned to."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="assignees")
    body = models.ForeignKey("registry.Body", null=True, blank=True, on_delete=models.PROTECT)
    person = models.ForeignKey("registry.Person", null=True, blank=True, on_delete=models.PROTECT)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return f"{self.body_id or self.person_id} on {self.task_id}"
