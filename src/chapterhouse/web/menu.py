"""The site's main menu: each entry shown only to readers who may open it.

Each entry names the question from `custody/access.py` that decides whether the reader
may open its page, so the menu offers nothing that answers 403 or asks to sign in.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from chapterhouse.custody.access import (
    Viewer,
    may_read_public_record,
    may_use_newsroom_workspace,
)


@dataclass(frozen=True)
class MenuEntry:
    """One link of the main menu; `key` is the `nav` a page sets to mark it current."""

    key: str
    url_name: str
    label: str | Promise
    may_open: Callable[[Viewer], bool]


MENU: tuple[MenuEntry, ...] = (
    MenuEntry("orgchart", "web:orgchart", _("Organization chart"), may_read_public_record),
    MenuEntry("conferences", "web:conference_list", _("Conferences"), may_read_public_record),
    MenuEntry("calendar", "web:calendar", _("Calendar"), may_read_public_record),
    MenuEntry("people", "web:person_list", _("People"), may_read_public_record),
    MenuEntry("tasks", "web:tasks", _("Instructions"), may_read_public_record),
    MenuEntry("news", "news:negotiate", _("News"), may_read_public_record),
    MenuEntry("newsroom", "newsroom:index", _("Newsroom"), may_use_newsroom_workspace),
)


@dataclass(frozen=True)
class MenuLink:
    """A menu entry the reader may open, ready for the template."""

    key: str
    url: str
    label: str | Promise


def menu_for(viewer: Viewer) -> list[MenuLink]:
    """Return the menu's links the viewer may open, in the menu's order."""
    return [
        MenuLink(key=entry.key, url=reverse(entry.url_name), label=entry.label)
        for entry in MENU
        if entry.may_open(viewer)
    ]
