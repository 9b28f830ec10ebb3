"""What every page reads from a request the same way: the page number, the day asked
for, the 400 page when they are wrong, and where a service's complaints go: on a form,
or on the next page.

The pages (``web``) and the newsroom share these; the newsroom may not import ``web``,
so they live in core. Signing in is Django's own ``login_required``.
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from chapterhouse.core.partial_dates import DayOutOfRange, askable_day

# A page number has at most this many digits: a larger one is no page of any listing,
# and would overflow the database's offset.
PAGE_NUMBER_MAX_DIGITS = 6


class BadRequest(ValueError):
    """Input a visitor can fix; its text is the message the 400 page shows."""


class BadPageNumber(BadRequest):
    """A ``?page=`` that is not a positive whole number."""


def bad_request_page(request: HttpRequest, error: BadRequest) -> HttpResponse:
    """Answer 400 with the page that shows the visitor what to fix (``error``'s text)."""
    return render(request, "400.html", {"message": str(error)}, status=400)


def page_asked(request: HttpRequest) -> int:
    """Return the number of the page ``?page=`` asks for: 1 when absent or empty.

    Anything but ASCII digits naming 1 or more (``0``, ``-1``, ``two``, ``+2``, a
    seven-digit number) raises ``BadPageNumber``; what happens then (a 400 page, a 404)
    is the view's choice.
    """
    raw = request.GET.get("page", "").strip()
    if not raw:
        return 1
    if not (raw.isascii() and raw.isdigit()) or len(raw) > PAGE_NUMBER_MAX_DIGITS or int(raw) < 1:
        raise BadPageNumber(_("“%(value)s” is not a page number.") % {"value": raw[:50]})
    return int(raw)


def day_asked(raw: str, *, last: bool = False) -> dt.date:
    """Return the day ``raw`` names: ``2025-05-19``, or a year or month, meaning its first
    day (with ``last``, its last day), as on the command line.

    Raise ``BadRequest`` saying why not: a day the calendar does not have, or no date.
    """
    try:
        return askable_day(raw, last=last)
    except DayOutOfRange as error:
        raise BadRequest(str(error)) from None
    except ValueError:
        raise BadRequest(
            _("“%(value)s” is not a date. Give the date as YYYY-MM-DD, for example 2025-05-19.")
            % {"value": raw}
        ) from None


def as_of_asked(request: HttpRequest) -> dt.date:
    """Return the day ``?as_of=`` asks for (see ``day_asked``), else today.

    Raise ``BadRequest`` for a value that names no day.
    """
    raw = request.GET.get("as_of", "").strip()
    if not raw:
        return timezone.localdate()
    return day_asked(raw)


def show_errors(form: forms.Form, error: ValidationError) -> None:
    """Put each problem a service found next to the form field it names, else above the
    form.

    A service names a problem by the path of the value it refuses (``title``,
    ``effects[0].body``, ``__all__``). A problem with a path below a field
    (``attendees[2].person``) goes to that field, prefixed with the path. A problem of a
    field the form does not have, or shows disabled (the visitor cannot change it), goes
    above the form, prefixed with its path.
    """
    if not hasattr(error, "error_dict"):
        for message in error.messages:
            form.add_error(None, message)
        return
    for path, problems in error.message_dict.items():
        field = path.split("[", 1)[0].split(".", 1)[0]
        for message in problems:
            if field in form.fields and not form.fields[field].disabled:
                form.add_error(field, message if path == field else f"{path}: {message}")
            else:
                form.add_error(None, message if path == "__all__" else f"{path}: {message}")


def show_refusal(request: HttpRequest, error: ValidationError) -> None:
    """Show each message of a service's refusal at the top of the next page, for a write
    that has no form to show them on (a button)."""
    for message in error.messages:
        messages.error(request, message)
