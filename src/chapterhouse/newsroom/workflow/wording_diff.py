"""Show how a paragraph's wording changed, word by word, as HTML with <del> and <ins>."""

from __future__ import annotations

import difflib
import re

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

# Han characters and kana stand alone (their scripts put no spaces between words);
# other letters and digits group into words; spaces and punctuation are tokens of
# their own, so a changed comma is shown as a changed comma.
_TOKEN = re.compile(
    r"[\u2e80-\u2fff\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]|\w+|\s+|[^\w\s]"
)


def _tokens(text: str) -> list[str]:
    return _TOKEN.findall(text)


def word_diff_html(old: str, new: str) -> SafeString:
    """Return `new` as HTML, with what `old` had and `new` lacks in <del> and additions in <ins>.

    Every piece of text is escaped before it is wrapped, so Markdown or HTML in
    either text shows as written and never runs.
    """
    before, after = _tokens(old), _tokens(new)
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    parts: list[str] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            parts.append(str(escape("".join(before[i1:i2]))))
            continue
        if i2 > i1:
            parts.append(f"<del>{escape(''.join(before[i1:i2]))}</del>")
        if j2 > j1:
            parts.append(f"<ins>{escape(''.join(after[j1:j2]))}</ins>")
    return mark_safe("".join(parts))  # every piece is escaped above
