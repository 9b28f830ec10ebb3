"""Whether a person's id gives away the real name behind their call sign.

A person's id is public: it is in every URL, API answer, org chart, diff and
export that names them. A call sign hides the real name from everyone but the
person's custodians, so the id of a call-signed person must not be made from
the real name (docs/spec/CHRONICLE.md, "People"). The importer and the
registry's services refuse such an id; `chapterhouse person change-id` fixes
one already stored, and a system check (`registry.checks`) finds them.

The comparison is on words: each name (the display name, given, family and
patronymic names, and the variants that write the real name in another script)
is transliterated to Latin letters (anyascii), folded to lower case and cut
into words; every word of at least three letters that appears inside a word of
the id gives the name away (``ana-costa``, ``acosta7`` and ``olga-smirnova`` for
"Ольга Смирнова" all do; ``lark`` does not).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from anyascii import anyascii

# Shorter words ("Li", "Wu", "de") occur in too many ids by chance to tell anything.
MIN_NAME_WORD = 3
# Variants of these kinds write the real name (in another script, or as born).
REAL_NAME_KINDS = frozenset({"", "native", "transliteration", "birth"})

_WORD = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|[0-9]+")
_ID_WORD = re.compile(r"[a-z0-9]+")


def name_words(names: Iterable[str | None]) -> set[str]:
    """Return the words of at least three letters of `names`, in Latin lower case.

    Scripts without spaces come out of the transliteration as capitalised syllables
    (张伟 → ``ZhangWei``), so a capital starts a new word; apostrophes (a soft sign,
    an elision) join the letters around them.
    """
    words: set[str] = set()
    for name in names:
        if not name:
            continue
        latin = anyascii(unicodedata.normalize("NFKC", name)).replace("'", "").replace("`", "")
        for word in _WORD.findall(latin):
            word = word.lower()
            if len(word) >= MIN_NAME_WORD and word.isalpha():
                words.add(word)
    return words


def revealed_words(person_id: str, names: Iterable[str | None]) -> list[str]:
    """Return the words of `names` that appear inside a word of `person_id`, sorted (empty
    when the id gives nothing away)."""
    id_words = _ID_WORD.findall(person_id.lower())
    return sorted(
        word for word in name_words(names) if any(word in id_word for id_word in id_words)
    )


def real_names(
    *,
    name: str | None,
    given: str | None = None,
    family: str | None = None,
    patronymic: str | None = None,
    variants: Iterable[tuple[str, str | None]] = (),
) -> list[str]:
    """Return the ways a person's real name is written: the display name, its parts and the
    variants (``(name, kind)`` pairs) of a real-name kind; aliases are left out."""
    found = [name, given, family, patronymic]
    found += [variant for variant, kind in variants if (kind or "") in REAL_NAME_KINDS]
    return [value for value in found if value]
