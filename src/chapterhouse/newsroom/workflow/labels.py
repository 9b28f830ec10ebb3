"""The workspace's words for translation and assignment statuses, in the reader's language."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

TRANSLATION_STATUS_LABELS = {
    "draft": _("draft"),
    "in_translation": _("in translation"),
    "in_review": _("in review"),
    "published": _("published"),
    "outdated": _("outdated"),
    "missing": _("missing"),
}
ASSIGNMENT_STATUS_LABELS = {
    "open": _("open"),
    "claimed": _("claimed"),
    "submitted": _("submitted"),
    "approved": _("approved"),
    "cancelled": _("cancelled"),
}
