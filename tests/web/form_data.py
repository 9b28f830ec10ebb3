"""What a browser would post from a page's form: every field with its current value."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any


class _FormReader(HTMLParser):
    def __init__(self, css_class: str) -> None:
        super().__init__(convert_charrefs=True)
        self.css_class = css_class
        self.inside = False
        self.data: dict[str, Any] = {}
        self.select: str | None = None
        self.textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {key: value or "" for key, value in attrs}
        if tag == "form" and self.css_class in found.get("class", "").split():
            self.inside = True
        if not self.inside:
            return
        name = found.get("name")
        if tag == "input" and name and found.get("type") not in ("submit", "button"):
            if found.get("type") in ("checkbox", "radio"):
                if "checked" in found:
                    self.data[name] = found.get("value") or "on"
            else:
                self.data[name] = found.get("value", "")
        elif tag == "select" and name:
            self.select = name
            self.data.setdefault(name, "")
        elif tag == "option" and self.select and "selected" in found:
            self.data[self.select] = found.get("value", "")
        elif tag == "textarea" and name:
            self.textarea = name
            self.data[name] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None

    def handle_data(self, data: str) -> None:
        if self.textarea:
            # A textarea's first newline is not part of its value.
            self.data[self.textarea] += (
                data.removeprefix("\n") if not self.data[self.textarea] else data
            )


def form_data(page: str, *, css_class: str = "record-form") -> dict[str, Any]:
    """Return the fields of the ``<form class="record-form">`` of ``page`` as a browser
    would post them without a button (no submit button's name, unchecked boxes left out)."""
    reader = _FormReader(css_class)
    reader.feed(page)
    reader.data.pop("csrfmiddlewaretoken", None)
    return reader.data
