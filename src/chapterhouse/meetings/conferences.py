"""Conferences recorded through the web, the API and the CLI.

A conference is written as a Chronicle writes it: its ``end`` is its last day,
stored as the day after (the model's exclusive end), so no page or answer ever
shows "the day after". Who may record one is `custody.access.may_record_conference`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from chapterhouse.core.locks import lock_record, lock_row
from chapterhouse.core.partial_dates import Precision, end_of, format_end, format_start, start_of
from chapterhouse.core.write_schema import ConferenceChanges, ConferenceFields, given, validated
from chapterhouse.custody.access import Viewer, may_record_conference
from chapterhouse.custody.services import audit_record, audit_update
from chapterhouse.meetings.models import Conference, Session
from chapterhouse.meetings.schedule import SessionSlot, conference_schedule_problems
from chapterhouse.meetings.services import _new_id, _present


def conference_snapshot(conference: Conference) -> dict[str, Any]:
    """Return the conference's fields as a Chronicle writes them (``end``: the last day)."""
    return {
        "number": conference.number,
        "kind": conference.kind or None,
        "name": conference.name,
        "dedication": conference.dedication,
        "start": format_start(conference.start, _precision(conference.start_precision))
        if conference.start
        else None,
        "end": format_end(conference.end, _precision(conference.end_precision))
        if conference.end
        else None,
        "extra": conference.extra,
    }


def _precision(value: str) -> Precision:
    return value if value in ("year", "month") else "day"  # type: ignore[return-value]


def _require(viewer: Viewer) -> None:
    if not may_record_conference(viewer):
        raise PermissionDenied(
            _("Only officers of the whole organization may record or change a conference.")
        )


def _conference_set(conference: Conference, data: dict[str, Any]) -> None:
    """Set the given Chronicle-shaped fields on ``conference`` (unsaved)."""
    for key in ("number", "name", "dedication", "extra"):
        if key in data:
            setattr(conference, key, data[key])
    if "kind" in data:
        conference.kind = data["kind"] or ""
    if "start" in data:
        conference.start, conference.start_precision = start_of(data["start"])
    if "end" in data:
        # The last day written is stored as the day after it (the exclusive end).
        conference.end, conference.end_precision = end_of(data["end"])
    if conference.name in (None, "", {}):
        raise ValidationError({"name": [_("A conference needs a name.")]})
    if (
        conference.start is not None
        and conference.end is not None
        and conference.end <= conference.start
    ):
        raise ValidationError({"end": [_("The last day cannot be before the first day.")]})


def _check_sessions_inside(conference: Conference) -> None:
    """Refuse new days that would leave one of the conference's sessions outside it, beside
    the first day (a session before it) or the last day (a session after it)."""
    sessions = list(
        Session.objects.filter(conference=conference).values_list(
            "slug", "date", "date_precision", "day"
        )
    )
    if not sessions:
        return
    slots = [
        SessionSlot(key=slug, date=date, precision=precision, day=day)
        for slug, date, precision, day in sessions
    ]
    dates = {slug: (date, precision) for slug, date, precision, _day in sessions}
    errors: dict[str, list[str]] = {}
    for problem in conference_schedule_problems(conference, slots):
        if problem.field not in {"date", "day"}:  # pragma: no cover - the rule knows no other
            continue
        date, precision = dates[problem.key]  # type: ignore[index]
        early = (
            problem.field == "date"
            and date is not None
            and conference.start is not None
            and date < conference.start
        )
        shown = format_start(date, _precision(precision)) if date is not None else "?"
        if problem.field == "day":
            message = _(
                "Its session %(session)s is recorded as a later day than these days allow."
            ) % {"session": problem.key}
        else:
            message = _("Its session %(session)s on %(date)s would fall outside these days.") % {
                "session": problem.key,
                "date": shown,
            }
        errors.setdefault("start" if early else "end", []).append(message)
    if errors:
        raise ValidationError(errors)


def conference_create(
    *, viewer: Viewer, via: str, at: dt.datetime, values: Mapping[str, Any]
) -> Conference:
    """Record a new conference from Chronicle-shaped ``values`` (see ConferenceFields).

    Raise PermissionDenied unless `may_record_conference`, ValidationError for bad values
    (a last day before the first is refused beside ``end``).
    """
    _require(viewer)
    fields = validated(ConferenceFields, values)
    data = given(fields)
    with transaction.atomic():
        lock_record()
        conference = Conference(
            slug=_new_id(viewer, Conference, fields.id, fallback="conference"), name=None
        )
        _conference_set(conference, data)
        conference.save()
        audit_record(
            viewer=viewer,
            via=via,
            action="create",
            object_type="conference",
            object_id=conference.slug,
            at=at,
            after=_present(conference_snapshot(conference)),
        )
    return conference


def conference_update(
    *,
    viewer: Viewer,
    via: str,
    at: dt.datetime,
    conference: Conference,
    changes: Mapping[str, Any],
) -> Conference:
    """Change the given fields of ``conference`` (see ConferenceChanges); null clears one.

    New days that would leave one of its sessions outside are refused beside the day at
    fault. A change that changes nothing leaves no audit entry.
    """
    _require(viewer)
    data = given(validated(ConferenceChanges, changes))
    with transaction.atomic():
        lock_row(conference)
        before = conference_snapshot(conference)
        _conference_set(conference, data)
        if "start" in data or "end" in data:
            _check_sessions_inside(conference)
        conference.save()
        audit_update(
            viewer=viewer,
            via=via,
            object_type="conference",
            object_id=conference.slug,
            at=at,
            before=before,
            after=conference_snapshot(conference),
        )
    return conference


def conference_days(conference: Any) -> list[dt.date]:
    """Return the days of a conference with known first and (exclusive) end days, in order;
    none for a conference whose days are not both known to the day."""
    start, end = getattr(conference, "start", None), getattr(conference, "end", None)
    if start is None or end is None:
        return []
    return [start + dt.timedelta(days=n) for n in range((end - start).days)]
