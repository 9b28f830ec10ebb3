"""Where a conference's sessions may fall: the one rule the services and the importer share.

A session of a conference is held on one of the conference's days, and its day
number agrees with the others': it is at most the conference's length in days,
and a later day is never on an earlier date than a day before it. A session
whose date is a month or a year must share some day with the conference.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from chapterhouse.core.partial_dates import Precision, format_end, format_start


@dataclass(frozen=True)
class SessionSlot:
    """A session as the rule sees it: who (``key``), its date (a period's first day) and
    the precision of that date, and its day number."""

    key: Hashable
    date: dt.date | None
    precision: str
    day: int | None


@dataclass(frozen=True)
class ScheduleProblem:
    """One session that does not fit: which (``key``), the field at fault and why."""

    key: Hashable
    field: str
    message: str


def _period_end(slot: SessionSlot) -> dt.date:
    """Return the exclusive end of the period the slot's date names."""
    assert slot.date is not None
    if slot.precision == "year":
        return dt.date(slot.date.year + 1, 1, 1) if slot.date.year < 9999 else dt.date.max
    if slot.precision == "month":
        if slot.date.month == 12:
            return dt.date(slot.date.year + 1, 1, 1) if slot.date.year < 9999 else dt.date.max
        return dt.date(slot.date.year, slot.date.month + 1, 1)
    return slot.date + dt.timedelta(days=1)


def conference_length(start: dt.date | None, end: dt.date | None) -> int | None:
    """Return how many days a conference with these (stored) dates lasts, if known."""
    if start is None or end is None:
        return None
    return (end - start).days


def schedule_problems(
    *,
    conference_slug: str,
    start: dt.date | None,
    start_precision: str,
    end: dt.date | None,
    end_precision: str,
    slots: Iterable[SessionSlot],
    changed: Hashable | None = None,
) -> list[ScheduleProblem]:
    """Return what is wrong with the sessions ``slots`` of one conference, each once.

    ``start``/``end`` are the conference's stored dates (``end`` exclusive).
    Checks every session's date against the conference's days, every day
    number against its length, and the order of day numbers against dates.
    With ``changed`` (the key of the one session being written) only that
    session's problems are returned, and it is out of order as soon as any
    other session disagrees with it.
    """
    slots = list(slots)
    if changed is not None:
        mine = [slot for slot in slots if slot.key == changed]
        others = [slot for slot in slots if slot.key != changed]
        found = [
            problem
            for problem in schedule_problems(
                conference_slug=conference_slug,
                start=start,
                start_precision=start_precision,
                end=end,
                end_precision=end_precision,
                slots=mine,
            )
        ]
        if found or not mine:
            return found
        return _against_each(mine[0], others)
    problems: list[ScheduleProblem] = []
    length = conference_length(start, end)
    dates_text = ""
    if start is not None and end is not None:
        dates_text = _("%(start)s to %(end)s") % {
            "start": format_start(start, _precision(start_precision)),
            "end": format_end(end, _precision(end_precision)),
        }
    faulty: set[Hashable] = set()
    for slot in slots:
        if slot.date is not None and (start is not None or end is not None):
            outside = (start is not None and _period_end(slot) <= start) or (
                end is not None and slot.date >= end
            )
            if outside:
                faulty.add(slot.key)
                problems.append(
                    ScheduleProblem(
                        slot.key,
                        "date",
                        _("The conference %(id)s is held from %(dates)s; this date is outside it.")
                        % {"id": conference_slug, "dates": dates_text or "?"},
                    )
                )
                continue
        if slot.day is not None and length is not None and slot.day > length:
            faulty.add(slot.key)
            problems.append(
                ScheduleProblem(
                    slot.key,
                    "day",
                    _("The conference %(id)s lasts %(days)s days; there is no day %(day)s.")
                    % {"id": conference_slug, "days": length, "day": slot.day},
                )
            )
    numbered = sorted(
        (s for s in slots if s.day is not None and s.date is not None and s.key not in faulty),
        key=lambda s: (s.day, s.date),
    )
    kept = _in_order(numbered)
    # For each session out of order, the kept session it disagrees with: the latest date
    # among lower day numbers, or the earliest among higher ones (one pass each way).
    latest_before: dict[Hashable, SessionSlot] = {}
    earliest_after: dict[Hashable, SessionSlot] = {}
    for ordered, into, better in (
        (numbered, latest_before, lambda a, b: a.date > b.date),
        (numbered[::-1], earliest_after, lambda a, b: a.date < b.date),
    ):
        best: SessionSlot | None = None
        group: list[SessionSlot] = []
        for slot in ordered:
            if group and group[0].day != slot.day:
                for done in group:
                    if done.key in kept and (best is None or better(done, best)):
                        best = done
                group = []
            if best is not None:
                into[slot.key] = best
            group.append(slot)
    for slot in numbered:
        if slot.key in kept:
            continue
        assert slot.date is not None
        before, after = latest_before.get(slot.key), earliest_after.get(slot.key)
        if before is not None and before.date is not None and slot.date < before.date:
            other, template = (
                before,
                _("Day %(day)s cannot be held before day %(other)s, which is on %(date)s."),
            )
        elif after is not None and after.date is not None:
            other, template = (
                after,
                _("Day %(day)s cannot be held after day %(other)s, which is on %(date)s."),
            )
        else:  # pragma: no cover - a session left out of the order disagrees with one kept
            continue
        assert other.date is not None
        values = {
            "day": slot.day,
            "other": other.day,
            "date": format_start(other.date, _precision(other.precision)),
        }
        problems.append(ScheduleProblem(slot.key, "day", template % values))
    return problems


def _against_each(slot: SessionSlot, others: list[SessionSlot]) -> list[ScheduleProblem]:
    """Return how ``slot``'s day and date disagree with the others', naming the session
    that disagrees most (the latest of the days before it, else the earliest after)."""
    if slot.day is None or slot.date is None:
        return []
    dated = [o for o in others if o.day is not None and o.date is not None]
    before = [o for o in dated if o.day < slot.day and o.date > slot.date]  # type: ignore[operator]
    after = [o for o in dated if o.day > slot.day and o.date < slot.date]  # type: ignore[operator]
    if before:
        other = max(before, key=lambda o: o.date)  # type: ignore[arg-type,return-value]
        template = _("Day %(day)s cannot be held before day %(other)s, which is on %(date)s.")
    elif after:
        other = min(after, key=lambda o: o.date)  # type: ignore[arg-type,return-value]
        template = _("Day %(day)s cannot be held after day %(other)s, which is on %(date)s.")
    else:
        return []
    assert other.date is not None
    values = {
        "day": slot.day,
        "other": other.day,
        "date": format_start(other.date, _precision(other.precision)),
    }
    return [ScheduleProblem(slot.key, "day", template % values)]


def _in_order(slots: list[SessionSlot]) -> set[Hashable]:
    """Return the keys of the most sessions that can stay as they are: the longest run,
    in day-number order, whose dates never go back (patience sorting, n log n). The
    others are the fewest to move, so one misplaced day is reported once."""
    tails: list[dt.date] = []
    tail_index: list[int] = []
    previous: list[int] = [-1] * len(slots)
    for index, slot in enumerate(slots):
        assert slot.date is not None
        place = bisect.bisect_right(tails, slot.date)
        if place == len(tails):
            tails.append(slot.date)
            tail_index.append(index)
        else:
            tails[place] = slot.date
            tail_index[place] = index
        previous[index] = tail_index[place - 1] if place > 0 else -1
    keys: set[Hashable] = set()
    index = tail_index[-1] if tail_index else -1
    while index >= 0:
        keys.add(slots[index].key)
        index = previous[index]
    return keys


def _precision(value: str) -> Precision:
    return value if value in ("year", "month") else "day"  # type: ignore[return-value]


def conference_schedule_problems(
    conference: Any, slots: Iterable[SessionSlot], *, changed: Hashable | None = None
) -> list[ScheduleProblem]:
    """Return `schedule_problems` of ``slots`` against a stored ``Conference``."""
    return schedule_problems(
        conference_slug=conference.slug,
        start=conference.start,
        start_precision=conference.start_precision,
        end=conference.end,
        end_precision=conference.end_precision,
        slots=slots,
        changed=changed,
    )
