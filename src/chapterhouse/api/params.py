"""Reading query parameters and turning lookups that fail into clear API errors."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Annotated, Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query
from ninja.errors import HttpError

from chapterhouse.core.partial_dates import DayOutOfRange, askable

T = TypeVar("T")

# ASCII digits only: `\d` would also let other scripts' digits through.
_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", re.ASCII)

MAX_LIMIT = 500

# ninja reads the bounds and descriptions into the OpenAPI document.
Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description="How many items to return at most.")]
Offset = Annotated[int, Query(ge=0, description="How many items to skip.")]


def day_param(value: str | None, *, name: str, default: dt.date | None = None) -> dt.date:
    """Return the day written ``YYYY-MM-DD`` in the query parameter ``name``.

    Without a value, return ``default`` or today (the server's date). Raise a
    400 ``HttpError`` naming the parameter and the value for anything else.
    """
    if value is None or value == "":
        return default if default is not None else timezone.localdate()
    if _ISO_DAY.fullmatch(value):
        try:
            return askable(dt.date.fromisoformat(value), value)
        except DayOutOfRange as error:
            raise HttpError(400, f"{name}: {error}") from None
        except ValueError:
            pass
    raise HttpError(
        400,
        _("Invalid date for '%(name)s': '%(value)s' (expected a real day as YYYY-MM-DD)")
        % {"name": name, "value": value},
    )


def optional_day_param(value: str | None, *, name: str) -> dt.date | None:
    """Return the day in the query parameter ``name``, or None when it is absent."""
    if value is None or value == "":
        return None
    return day_param(value, name=name)


def not_found_message(kind: str, slug: str) -> str:
    """Return the message for an unknown id of ``kind`` (a model name)."""
    messages = {
        "body": _("No body with id '%(id)s'"),
        "person": _("No person with id '%(id)s'"),
        "conference": _("No conference with id '%(id)s'"),
        "session": _("No session with id '%(id)s'"),
        "decision": _("No decision with id '%(id)s'"),
        "partner": _("No partner with id '%(id)s'"),
        "agreement": _("No agreement with id '%(id)s'"),
        "honour": _("No honour with id '%(id)s'"),
        "task": _("No task with id '%(id)s'"),
    }
    return messages[kind] % {"id": slug}


def found_or_404(kind: str, slug: str, read: Callable[..., T], **arguments: Any) -> T:
    """Return ``read(**arguments)``; when it raises ``DoesNotExist`` (the object ``slug`` of
    ``kind`` is unknown), raise a 404 ``HttpError`` that names the id."""
    try:
        return read(**arguments)
    except ObjectDoesNotExist:
        raise HttpError(404, not_found_message(kind, slug)) from None


def day_query(description: str, *, alias: str | None = None) -> Any:
    """Return a query parameter declaration for a day written ``YYYY-MM-DD``.

    The value is read as text and checked by :func:`day_param`, so that a bad
    date gets a message naming the parameter rather than a generic one.
    """
    return Query(
        alias=alias,
        description=description + " Written YYYY-MM-DD.",
        example="2025-05-19",
    )


AsOf = Annotated[str | None, day_query("The day to look at; today when absent.")]
DateFrom = Annotated[str | None, day_query("The first day included.", alias="from")]
DateTo = Annotated[str | None, day_query("The last day included.", alias="to")]
