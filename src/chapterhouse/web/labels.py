"""What the fixed vocabularies of the Chronicle format are called in the interface."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

LABELS: dict[str, dict[str, Promise]] = {
    "how": {
        "elected": _("elected"),
        "appointed": _("appointed"),
        "reappointed": _("reappointed"),
        "coopted": _("co-opted"),
        "acting": _("acting"),
        "ex_officio": _("ex officio"),
        "founding": _("founding member"),
    },
    "attendee_role": {
        "chair": pgettext_lazy("at a session", "chair"),
        "speaker": _("speaker"),
        "rapporteur": _("rapporteur"),
        "participant": _("participant"),
        "guest": _("guest"),
    },
    "format": {
        "online": _("online"),
        "in_person": _("in person"),
        "hybrid": _("hybrid (in person and online)"),
    },
    "document_kind": {
        "agenda": _("agenda"),
        "resolution": pgettext_lazy("document", "resolution"),
        "speech": _("speech"),
        "report": _("report"),
        "minutes": _("minutes"),
        "letter": _("letter"),
        "telegram": _("telegram"),
        "treaty_text": _("treaty text"),
        "other": pgettext_lazy("document", "other"),
    },
    "decision_kind": {
        "election": _("Election"),
        "appointment": _("Appointment"),
        "nomination": _("Nomination"),
        "dissolution": _("Dissolution"),
        "resolution": _("Resolution"),
        "instruction": _("Instruction"),
        "award": _("Award"),
        "agreement": _("Agreement"),
        "other": pgettext_lazy("decision", "Decision"),
    },
    "decision_status": {
        "proposed": _("proposed"),
        "adopted": _("adopted"),
        "rejected": _("rejected"),
        "withdrawn": _("withdrawn"),
        "annulled": _("annulled"),
    },
    "task_status": {
        "open": pgettext_lazy("task", "open"),
        "done": _("done"),
        "cancelled": _("cancelled"),
    },
    "agreement_status": {
        "proposed": pgettext_lazy("agreement", "proposed"),
        "in_development": _("in development"),
        "signed": _("signed"),
        "terminated": _("terminated"),
    },
    "honour_kind": {
        "badge": _("badge"),
        "order": pgettext_lazy("honour", "order"),
        "medal": _("medal"),
        "diploma": _("diploma"),
        "letter_of_thanks": _("letter of thanks"),
        "other": pgettext_lazy("honour", "other"),
    },
    "name_kind": {
        "native": _("in its own script"),
        "transliteration": _("transliteration"),
        "alias": _("also known as"),
        "birth": _("birth name"),
    },
    "reason": {
        "resigned": _("resigned"),
        "removed": _("removed"),
        "died": _("died"),
        "term_expired": _("the term expired"),
        "reappointed": _("reappointed"),
        "body dissolved": _("the body was dissolved"),
    },
}


def choices(vocabulary: str, values: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Return a form's ``(value, translated label)`` choices for a model's ``values``."""
    return [(value, label(value, vocabulary)) for value, _label in values]


def label(value: str | None, vocabulary: str) -> str:
    """Return the interface name of ``value`` in ``vocabulary``, else the value itself."""
    if not value:
        return ""
    found = LABELS.get(vocabulary, {}).get(value)
    return str(found) if found is not None else value.replace("_", " ")
