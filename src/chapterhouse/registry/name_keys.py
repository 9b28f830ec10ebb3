"""Matching keys: any written name as folded Latin letters, so that one search finds a
person by any of their names in any script.

A name is transliterated to Latin letters with anyascii (Cyrillic, Hangul under Revised
Romanization, Han as toneless pinyin — Traditional and Simplified characters read the
same), then folded so that the usual spellings of one sound meet: the Cyrillic systems
(passport/ICAO, BGN/PCGN, scholarly: ``kh``/``h``, ``zh``/``ž``, ``ts``/``c``,
``shch``/``šč``, ``ya``/``ja``/``ia``, ``yo``/``ё``/``e``), the Korean ones (Revised
Romanization and McCune–Reischauer: ``eo``/``ŏ``/``o``, ``eu``/``ŭ``/``u``, ``k``/``g``,
``p``/``b``, ``t``/``d``, ``ch``/``j``) and the surname spellings people actually use
(Park/Pak/Bak, Kim/Gim, Lee/Yi/Rhee/I …). Diacritics fall away, case, spaces, hyphens and
punctuation too ("Min-jun", "Minjun" and "Min Jun" give one key); a comma form
("Шёгрен, Катрин") is read given name first; and a name gives one key for each order of its
family and given names, so "Yunduk Kim" meets "Kim Yun-deok". Small typos are left to the
trigram index and rapidfuzz (`registry.search`). docs/decisions/0031 says why these tools.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from anyascii import anyascii

# Names longer than this are not names: no keys (and no search) for them.
LONGEST = 300

# Korean family names as written in Hangul, with the Latin spellings seen on passports,
# in the press and in the McCune–Reischauer system; each spelling is read as the Hangul.
_KOREAN_SURNAMES = {
    "박": "park pak bak bag pack",
    "김": "kim gim",
    "이": "lee yi rhee rhie ri i",
    "최": "choi choe chwe",
    "정": "jung jeong chung cheong chong jong",
    "강": "kang gang",
    "조": "cho jo",
    "윤": "yoon yun youn",
    "장": "jang chang",
    "임": "lim im rim",
    "신": "shin sin",
    "서": "seo suh so",
    "권": "kwon gwon",
    "황": "hwang whang",
    "안": "ahn an",
    "유": "yoo yu you",
    "전": "jeon chun jun chon",
    "고": "ko go koh",
    "문": "moon mun",
    "손": "son sohn",
    "배": "bae pae",
    "백": "baek paek baik paik",
    "허": "heo huh hur",
    "노": "noh no roh ro",
    "오": "oh o",
    "우": "woo u",
}
_SURNAME_SPELLINGS = {
    spelling: anyascii(hangul).lower()
    for hangul, spellings in _KOREAN_SURNAMES.items()
    for spelling in spellings.split()
}

# Spellings of one sound, folded in this order (longer spellings first).
_FOLDS = (
    ("woo", "u"),
    ("shch", "s"),
    ("sch", "s"),
    ("sc", "s"),
    ("chzh", "j"),
    ("dzh", "j"),
    ("tch", "j"),
    ("zh", "j"),
    ("ch", "j"),
    ("kh", "h"),
    ("sh", "s"),
    ("sj", "s"),
    ("ts", "c"),
    ("tz", "c"),
    ("ph", "f"),
    ("th", "t"),
    ("ck", "k"),
    ("q", "k"),
    ("x", "ks"),
    ("w", "v"),
    ("p", "b"),
    ("t", "d"),
    ("k", "g"),
    ("eo", "u"),
    ("eu", "u"),
    ("oo", "u"),
    ("ou", "u"),
    ("ee", "i"),
    ("ui", "i"),
    ("y", "i"),
    ("ia", "a"),
    ("iu", "u"),
    ("io", "e"),
    ("ie", "e"),
    ("ii", "i"),
    ("ij", "i"),
    ("rh", "r"),
    ("o", "u"),
)
_DOUBLE = re.compile(r"([a-z])\1+")
# Scripts without spaces (Hangul, Han) come out of anyascii as capitalised syllables.
_SYLLABLE = re.compile(r"[A-Z][a-z]*|[a-z]+")
_LATIN_WORD = re.compile(r"[a-z0-9]+")
_SEPARATOR = re.compile(r"[\s/]+")


# Letters with a caron say one sound each wherever they are written (Czech, Slovak, the
# scholarly and ISO transliterations of Cyrillic): as the English spellings of that sound,
# which the folds below then meet ("Žukov" and "Zhukov").
_CARONS = str.maketrans({"ž": "zh", "Ž": "Zh", "š": "sh", "Š": "Sh", "č": "ch", "Č": "Ch"})
# The scholarly transliteration of Cyrillic writes й, я, ю (the "y" of passports) with j
# and х (the "kh") with x: "Jurij Proxorov" is "Yuriy Prokhorov". Korean and Chinese names
# write other sounds with j, so this is a second reading of a typed name, not a fold.
_SCHOLARLY = str.maketrans({"j": "y", "J": "Y", "x": "kh", "X": "Kh"})


def _words(name: str) -> list[str]:
    """Return the words of ``name`` in Latin lower case; hyphens and apostrophes join."""
    name = unicodedata.normalize("NFKC", name).translate(_CARONS)
    if name.count(",") == 1:
        # "Family, Given" is read "Given Family".
        family, given = name.split(",")
        name = f"{given} {family}"
    words: list[str] = []
    for written in _SEPARATOR.split(name):
        latin = anyascii(written).replace("'", "").replace("`", "")
        if written and not any("a" <= c.lower() <= "z" for c in written):
            # A Hangul or Han name written together: one word per syllable, so that its
            # family name (the first syllable) can change place.
            parts = [part.lower() for part in _SYLLABLE.findall(latin)]
            if parts:
                words += [parts[0], "".join(parts[1:])] if len(parts) > 1 else parts
            continue
        word = "".join(_LATIN_WORD.findall(latin.lower()))
        if word:
            words.append(word)
    return [word for word in words if word]


def fold(latin: str) -> str:
    """Return a run of Latin lower-case letters with the spellings of one sound folded."""
    for spelling, sound in _FOLDS:
        latin = latin.replace(spelling, sound)
    return _DOUBLE.sub(r"\1", latin)


def _word_key(word: str) -> str:
    return _SURNAME_SPELLINGS.get(word, word)


@lru_cache(maxsize=1 << 16)
def name_keys(name: str) -> tuple[str, ...]:
    """Return the matching keys of ``name``: one for the order written and one for each
    order with its first or last word moved to the other end (family name first or last),
    without repeats, in that order. A name with no letter or digit, or longer than
    `LONGEST`, has none."""
    if len(name) > LONGEST:
        return ()
    words = [_word_key(word) for word in _words(name)]
    words = [word for word in words if word]
    if not words:
        return ()
    orders = [words]
    if len(words) > 1:
        orders += [words[-1:] + words[:-1], words[1:] + words[:1]]
    keys: list[str] = []
    for order in orders:
        # Folded once written together, so that "Min-jun" and "Min Jun" fold alike.
        key = fold("".join(order))
        if key not in keys:
            keys.append(key)
    return tuple(keys)


def reading_keys(name: str) -> tuple[str, ...]:
    """Return the keys of another reading of ``name`` as typed, not among its own keys:
    the scholarly transliteration of Cyrillic read as passports write it ("Julija Zajceva"
    as "Yuliya Zaytseva"). A search looks for these too, a little below its own keys;
    nothing stores them."""
    if not any(letter in name for letter in "jJxX"):
        return ()
    own = name_keys(name)
    return tuple(key for key in name_keys(name.translate(_SCHOLARLY)) if key not in own)
