"""Given names of many countries, read from the name lists of the ``mimesis`` package (sixth round).

The small spaCy model knows the given names of English text; "Zsófia will bring the keys", "Tomasz
will call" or a table row "Gergely Tóth" it reads as a product, a noun or a work of art. The
``mimesis`` package (a runtime dependency, MIT licence) ships lists of given names for about fifty
locales, written by other people for other purposes than this project's test corpora. They are read
from the installed package's data files, never copied into the project: the names of every locale in
the Latin script, and those of the Cyrillic locales (Russian, Ukrainian, Kazakh) transliterated the
way English text writes them. Greek, Arabic, Persian and East Asian lists are left out: their names
reach English text in too many spellings.

A list of names alone would turn ordinary words into people ("Rose", "Summer", "Will", "Mark").
``GivenNames.names`` therefore drops every word that is an English word to WordNet (the spaCy model's
lemmatizer index, passed in by the caller), and words too short to tell.
"""

from __future__ import annotations

import importlib.util
import json
import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path

PACKAGE = "mimesis"
MIN_LENGTH = 3
# Lists in scripts whose names reach English text in too many spellings to be matched
_SKIPPED_SCRIPTS = ("ar", "fa", "el", "ja", "ko", "zh")

# Cyrillic to Latin as English text writes Slavic names: "Оксана" -> "Oksana", "Юрій" -> "Yurii"
_CYRILLIC = {
    "а": "a", "б": "b", "в": "v", "г": "g", "ґ": "g", "д": "d", "е": "e", "ё": "e", "є": "ye", "ж": "zh",
    "з": "z", "и": "i", "і": "i", "ї": "yi", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o",
    "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh",
    "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya", "ә": "a", "ғ": "gh", "қ": "q",
    "ң": "ng", "ө": "o", "ұ": "u", "ү": "u", "һ": "h", "'": "", "’": "",
}
# Ukrainian names are as often written with "h" for "г" ("Hanna", "Olha") and "y" for "и" ("Mykola")
_UKRAINIAN = {**_CYRILLIC, "г": "h", "и": "y"}


def transliterate(name: str, table: dict[str, str] = _CYRILLIC) -> str:
    """A Cyrillic name in Latin letters, capitalised: "Олександр" -> "Oleksandr"."""
    latin = "".join(table.get(ch, ch) for ch in name.casefold())
    return latin[:1].upper() + latin[1:]


def is_latin_word(word: str) -> bool:
    """Only letters of the Latin script, with hyphens or apostrophes between them: "Zsófia", "Lars-Erik"."""
    letters = [ch for ch in word if ch not in "-'’"]
    return bool(letters) and all(ch.isalpha() and "LATIN" in unicodedata.name(ch, "") for ch in letters)


def fold(word: str) -> str:
    """Case-folded for lookups; Turkish "İ" folds to a plain "i" (not "i" and a combining dot)."""
    return word.casefold().replace("\u0307", "")


def _dataset_folder() -> Path | None:
    """The installed package's data folder, found without importing the package (it is a library of
    fake-data providers; only its files are read here)."""
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        return None
    folder = Path(next(iter(spec.submodule_search_locations))) / "datasets"
    return folder if folder.is_dir() else None


def _spellings(locale: str, entry: str) -> list[str]:
    """The spellings of one list entry; "Rus (Rusan)" holds two names."""
    return [s for name in _words(entry) for s in _name_spellings(locale, name)]


def _words(entry: str) -> list[str]:
    return [w for w in re.split(r"[\s()/,;]+", entry) if w]


def _name_spellings(locale: str, name: str) -> list[str]:
    if is_latin_word(name):
        return [name]
    if any("CYRILLIC" in unicodedata.name(ch, "") for ch in name):
        spellings = [transliterate(name)]
        if locale == "uk":
            spellings.append(transliterate(name, _UKRAINIAN))
        return spellings
    return []


def read_lists(folder: Path | None = None) -> frozenset[str]:
    """Every given name of the package's lists, case-folded; empty when the package is not installed."""
    folder = folder or _dataset_folder()
    if folder is None:
        return frozenset()
    names: set[str] = set()
    for person in sorted(folder.glob("*/person.json")):
        locale = person.parent.name
        if locale.split("-")[0] in _SKIPPED_SCRIPTS:
            continue
        lists = json.loads(person.read_text(encoding="utf-8")).get("names", {})
        for sex_list in (lists.values() if isinstance(lists, dict) else ()):
            for name in sex_list:
                names.update(fold(s) for s in _spellings(locale, str(name)))
    return frozenset(names)


class GivenNames:
    """The given names a word is checked against, less English words and short words."""

    def __init__(self, english_words: Iterable[str], names: Iterable[str] | None = None) -> None:
        self.english = frozenset(w.casefold() for w in english_words)
        source = read_lists() if names is None else {fold(n) for n in names}
        self.names = frozenset(n for n in source if len(n) >= MIN_LENGTH and n not in self.english)

    def __contains__(self, word: object) -> bool:
        if not isinstance(word, str) or not word[:1].isupper():
            return False
        folded = fold(word)
        if folded in self.names:
            return True
        parts = folded.split("-")  # "Lars-Erik", "Anna-Lena": every part a given name
        return len(parts) > 1 and all(p in self.names for p in parts)

    def __len__(self) -> int:
        return len(self.names)
