"""Lay out a body's life as an SVG drawing: founding, renames and dissolution on one line,
terms as bars below it, every mark linked to the decision behind it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext as _

from chapterhouse.core.formatting import date_display
from chapterhouse.core.language import role_name, text
from chapterhouse.core.partial_dates import PartialDate
from chapterhouse.registry.shapes import BodyOut, TimelineEvent

WIDTH = 960
LEFT = 16
RIGHT = 16
AXIS_Y = 28
LIFE_Y = 52
FIRST_ROW_Y = 84
ROW_HEIGHT = 24
BAR_HEIGHT = 18
# A body with a long history would draw an endless picture; the table below it
# lists every term, the drawing shows the latest ones.
MAX_ROWS = 40
MAX_TICKS = 12


def _start_day(written: str | None) -> dt.date | None:
    return PartialDate.parse(written).start() if written else None


def _end_day(written: str | None) -> dt.date | None:
    """Return the exclusive end of an end date as written (the inverse of ``format_end``)."""
    return PartialDate.parse(written).end() if written else None


def _who(person: str | None, name: str | None, withheld: set[str]) -> str:
    if person and person in withheld:
        return _("name withheld")
    return name or ""


def _event_label(event: TimelineEvent, withheld: set[str]) -> str:
    kind = event.event
    if kind == "founded":
        return _("Founded")
    if kind == "dissolved":
        return _("Dissolved")
    if kind == "renamed":
        return _("Renamed: %(name)s") % {"name": text(event.name)}
    if kind == "mandate_received":
        mandate = text(event.mandate_name) or event.mandate
        return _("Mandate received: %(mandate)s") % {"mandate": mandate}
    if kind == "mandate_handed_over":
        mandate = text(event.mandate_name) or event.mandate
        return _("Mandate handed over: %(mandate)s") % {"mandate": mandate}
    # A term's event names its holder (a display name, never a Text).
    who = _who(event.person, event.name if isinstance(event.name, str) else None, withheld)
    post = text(event.title) or role_name(event.role or "")
    if kind == "term_started":
        return _("Term started: %(post)s, %(name)s") % {"post": post, "name": who}
    return _("Term ended: %(post)s, %(name)s") % {"post": post, "name": who}


def _ticks(first: dt.date, last: dt.date, x: Any) -> list[dict[str, Any]]:
    """Return year marks (or month marks for a short span) between ``first`` and ``last``."""
    years = last.year - first.year
    if years >= 2:
        step = max(1, -(-years // MAX_TICKS))
        days = [dt.date(year, 1, 1) for year in range(first.year + 1, last.year + 1, step)]
        precision = "year"
    else:
        days = []
        month = dt.date(first.year, first.month, 1)
        while month <= last:
            if month > first:
                days.append(month)
            month = dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)
        step = max(1, -(-len(days) // MAX_TICKS))
        days = days[::step]
        precision = "month"
    return [{"x": x(day), "label": date_display(day, precision)} for day in days]


def timeline_draw(
    *, overview: BodyOut, as_of: dt.date, withheld: set[str] | None = None
) -> dict[str, Any]:
    """Return the geometry of a body's timeline for ``web/_timeline.svg.html``.

    ``overview`` is :func:`chapterhouse.registry.selectors.body_overview`'s
    result. The drawing spans from the founding (else the first event) to the
    dissolution or ``as_of``, whichever is later; terms still held run to the
    right edge. Returns ``{"width", "height", "ticks", "life", "events",
    "bars", "as_of_x", "omitted"}``, or ``None``-free empty lists when the body
    has no dated history.
    """
    withheld = withheld or set()
    events = [event for event in overview.timeline if event.day]
    terms: list[dict[str, Any]] = []
    for ended in overview.past_holders:
        terms.append({**dict(ended), "open": False})
    for holder in overview.holders:
        terms.append({**dict(holder), "end": None, "open": True})
    for coming in overview.future_holders:
        terms.append({**dict(coming), "open": coming.end is None})
    terms.sort(key=lambda term: (term["start"] or "", term.get("role") or ""))
    omitted = max(0, len(terms) - MAX_ROWS)
    terms = terms[omitted:]

    founded = _start_day(overview.founded)
    dissolved = _end_day(overview.dissolved)
    days = [dt.date.fromisoformat(event.day) for event in events]
    days += [day for term in terms if (day := _start_day(term["start"])) is not None]
    if founded is not None:
        days.append(founded)
    if not days:
        return {"width": WIDTH, "height": 0, "events": [], "bars": [], "ticks": []}
    first = min(days)
    last = max([*days, as_of, dissolved or as_of])
    if (last - first).days < 30:
        first -= dt.timedelta(days=15)
        last += dt.timedelta(days=15)
    span = (last - first).days or 1
    usable = WIDTH - LEFT - RIGHT

    def x(day: dt.date) -> float:
        clamped = min(max(day, first), last)
        return round(LEFT + usable * (clamped - first).days / span, 1)

    life = {
        "x1": x(founded or first),
        "x2": x(dissolved or last),
        "open_start": founded is None,
        "open_end": dissolved is None,
    }
    marks = []
    for event in events:
        if event.event in {"term_started", "term_ended"}:
            continue  # drawn as the ends of the bars below
        marks.append(
            {
                "x": x(dt.date.fromisoformat(event.day)),
                "kind": event.event,
                "label": _event_label(event, withheld),
                "date": date_display(event.date or event.day),
                "decision": event.decision,
            }
        )
    bars = []
    for row, term in enumerate(terms):
        start = _start_day(term["start"]) or first
        end = _end_day(term.get("end"))
        x1 = x(start)
        x2 = x(end) if end is not None else WIDTH - RIGHT
        post = text(term.get("title")) or role_name(term.get("role") or "")
        # Labels of bars in the right half are anchored at the bar's end so they stay visible.
        anchor_end = x1 > WIDTH * 0.6
        bars.append(
            {
                "x": x1,
                "y": FIRST_ROW_Y + row * ROW_HEIGHT,
                "width": max(x2 - x1, 3),
                "text_x": (x2 - 4) if anchor_end else (x1 + 4),
                "text_y": FIRST_ROW_Y + row * ROW_HEIGHT + BAR_HEIGHT - 5,
                "anchor": "end" if anchor_end else "start",
                "label": f"{post} · {_who(term.get('person'), term.get('name'), withheld)}",
                "dates": " – ".join(
                    part
                    for part in (
                        date_display(term["start"]),
                        date_display(term.get("end")) if term.get("end") else "",
                    )
                    if part
                ),
                "open": term["open"],
                "decision": term.get("decision"),
            }
        )
    height = FIRST_ROW_Y + len(bars) * ROW_HEIGHT + 8
    return {
        "width": WIDTH,
        "height": height,
        "axis_y": AXIS_Y,
        "life_y": LIFE_Y,
        "ticks": _ticks(first, last, x),
        "life": life,
        "events": marks,
        "bars": bars,
        "bar_height": BAR_HEIGHT,
        "as_of_x": x(as_of),
        "as_of_label": date_display(as_of),
        "omitted": omitted,
    }
