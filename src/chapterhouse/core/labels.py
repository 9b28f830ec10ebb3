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
    # The audit trail stores English words (the action, the channel, the field names of
    # the Chronicle); custody/audit_trail.py names them at read time with these.
    # The roles an account is granted on a body (custody.models.ROLE_CHOICES).
    "grant_role": {
        "officer": pgettext_lazy("grant", "officer"),
        "editor": pgettext_lazy("grant", "editor"),
        "translator": pgettext_lazy("grant", "translator"),
        "member": pgettext_lazy("grant", "member"),
    },
    "audit_action": {
        "create": pgettext_lazy("audit action", "created"),
        "update": pgettext_lazy("audit action", "changed"),
        "adopt": pgettext_lazy("audit action", "adopted"),
        "annul": pgettext_lazy("audit action", "annulled"),
        "reject": pgettext_lazy("audit action", "rejected"),
        "withdraw": pgettext_lazy("audit action", "withdrawn"),
        "delete": pgettext_lazy("audit action", "deleted"),
        "export": pgettext_lazy("audit action", "exported"),
        "import": pgettext_lazy("audit action", "imported"),
        "erase": pgettext_lazy("audit action", "erased"),
        "merge": pgettext_lazy("audit action", "merged"),
        "unmerge": pgettext_lazy("audit action", "merge undone"),
        "grant": pgettext_lazy("audit action", "role granted"),
        "revoke": pgettext_lazy("audit action", "role revoked"),
        "invite": pgettext_lazy("audit action", "invited"),
        "accept_invitation": pgettext_lazy("audit action", "invitation accepted"),
        "token_create": pgettext_lazy("audit action", "API token created"),
        "token_revoke": pgettext_lazy("audit action", "API token revoked"),
        "two_factor_enable": pgettext_lazy("audit action", "two-factor sign-in turned on"),
        "two_factor_disable": pgettext_lazy("audit action", "two-factor sign-in turned off"),
        "password_change": pgettext_lazy("audit action", "password changed"),
        "password_reset": pgettext_lazy("audit action", "password reset"),
        "submit": pgettext_lazy("audit action", "submitted"),
        "approve": pgettext_lazy("audit action", "approved"),
        "return": pgettext_lazy("audit action", "returned"),
        "publish": pgettext_lazy("audit action", "published"),
        "claim": pgettext_lazy("audit action", "claimed"),
        "cancel": pgettext_lazy("audit action", "cancelled"),
        "close": pgettext_lazy("audit action", "closed"),
        "reopen": pgettext_lazy("audit action", "reopened"),
        "remind": pgettext_lazy("audit action", "reminded"),
    },
    "audit_via": {
        "web": pgettext_lazy("audit channel", "web"),
        "api": pgettext_lazy("audit channel", "API"),
        "cli": pgettext_lazy("audit channel", "command line"),
        "admin": pgettext_lazy("audit channel", "admin site"),
    },
    # The fields of a person, a session and a decision as the Chronicle names them.
    "record_field": {
        "id": _("Id"),
        "name": _("Name"),
        "names": _("Names"),
        "given": _("Given name"),
        "family": _("Family name"),
        "patronymic": _("Patronymic"),
        "call_sign": _("Call sign"),
        "born": _("Born"),
        "custodian": _("Custodian"),
        "public": _("May appear on public pages"),
        "honorific": _("Honorific"),
        "contact": _("Contact details"),
        "notes": _("Notes"),
        "erased": pgettext_lazy("audit field", "Erased"),
        "account_unlinked": _("Sign-in account unlinked"),
        "conference": _("Conference"),
        "session": _("Session"),
        "day": _("Day of the conference"),
        "title": _("Title"),
        "date": _("Date"),
        "hosts": _("Hosted by"),
        "country": _("Country"),
        "city": _("City"),
        "region": _("Region"),
        "venue": _("Venue"),
        "format": _("Format"),
        "chair": _("Chaired by"),
        "occasions": _("Timed to (commemorations)"),
        "attendees": _("Attendees"),
        "kind": _("Kind"),
        "text": _("Wording"),
        "proposed_by": _("Proposed by"),
        "status": _("Status"),
        "votes": _("Votes"),
        "effects": _("Effects"),
        "internal": _("Internal"),
        "extra": _("Further data"),
    },
    "contact": {
        "email": _("E-mail"),
        "phone": _("Phone"),
        "address": _("Address"),
        "messenger": _("Messenger"),
    },
    # What each effect of a decision does, as the decision page lists them.
    "effect": {
        "start_term": _("New term"),
        "end_term": _("Term ends"),
        "found_body": _("New body"),
        "dissolve_body": _("Body dissolved"),
        "rename_body": _("Body renamed"),
        "award": _("Honour awarded"),
        "assign_task": _("Task assigned"),
        "sign_agreement": _("Agreement signed"),
        "agreement_status": _("Agreement"),
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
