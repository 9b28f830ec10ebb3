"""Markdown the reports write: text from the record, escaped so it stays text."""

from __future__ import annotations

import re

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|~])")
_MD_BLOCK_START = re.compile(r"^(\s*)([#+\->]|\d+[.)])")


def md(value: str) -> str:
    """Return ``value`` as Markdown text: nothing in it becomes formatting or a link."""
    escaped = _MD_SPECIAL.sub(r"\\\1", value.replace("\n", " "))
    return _MD_BLOCK_START.sub(lambda m: m.group(1) + "\\" + m.group(2), escaped)
