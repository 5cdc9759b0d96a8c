"""PII sixth round (issue 17): given names of many countries from an installed name list (mimesis).

A given name alone in prose ("Zsófia will bring the keys"), a name in a table row with no header and
a hyphenated given name are found; English words that are also given names ("Mark", "Will", "Rose",
"Ruby"), places after a preposition of place and a place or building word after a name are not.
The list itself: Cyrillic names transliterated, non-Latin scripts left out, English words and short
words dropped, and an empty list (no PERSON from it, no error) when the package is missing.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from engine.privacy import given_names
from engine.privacy.given_names import GivenNames, read_lists, transliterate
from tests.engine.pii_found import people

# The real presidio + spaCy pipeline for the detector tests; the list tests read real package files.
pytestmark = pytest.mark.slow


@pytest.mark.parametrize("name", ["Zsófia", "Tomasz", "Mikko", "Eliška", "Björn", "Oleksandr", "Katharina"])
def test_a_given_name_alone_in_prose_is_a_person(name: str) -> None:
    assert people(f"{name} will bring the keys on Monday.") == [name]


@pytest.mark.parametrize("name", ["Gergely Tóth", "Ingrid Sjöberg", "Søren Kierkegaard", "Aoife O'Connor",
                                  "Katharina Gruber"])
def test_a_name_in_a_table_row_without_header_is_a_person(name: str) -> None:
    assert people(f"2024-03-11\t{name}\tRoom 12\tpaid\n") == [name]


def test_a_hyphenated_given_name_is_one_person() -> None:
    assert people("Lars-Erik will call you back.") == ["Lars-Erik"]


def test_a_given_name_after_with_is_a_person() -> None:
    assert people("Could you sort this out with Tomasz before Friday?") == ["Tomasz"]


@pytest.mark.parametrize("text", [
    "Mark the box and send it back.",
    "Will you check the order today?",
    "Sales rose in May.",
    "Can I watch it on my Ruby app?",
    "Summer Sale: Rose Gold cases",
    "The hotel in Lourdes was full.",
])
def test_english_words_and_places_that_are_also_given_names_are_not_people(text: str) -> None:
    assert people(text) == []


def test_a_place_word_after_a_given_name_is_not_taken_as_its_surname() -> None:
    assert people("Please ask Aino Room 4 for the key.") == ["Aino"]


def test_the_installed_lists_hold_names_of_many_countries_in_latin_letters() -> None:
    names = read_lists()
    assert len(names) > 20_000
    # Hungarian, Czech, Finnish, Polish, Portuguese; Russian and Ukrainian transliterated
    assert {"zsófia", "eliška", "mikko", "tomasz", "joão", "oleksandr", "olha"} <= names
    assert all(given_names.is_latin_word(n) for n in names)


def test_cyrillic_names_are_transliterated() -> None:
    assert transliterate("Олександр") == "Oleksandr"
    assert transliterate("Юлія") == "Yuliya"
    assert transliterate("Щукін") == "Shchukin"


def test_english_words_and_short_names_are_dropped(tmp_path: Path) -> None:
    folder = tmp_path / "datasets"
    for locale, names in {"en": ["Rose", "Zoe", "Bo", "Florian"], "ru": ["Ольга"], "ja": ["さくら"],
                          "el": ["Άννα"]}.items():
        (folder / locale).mkdir(parents=True)
        (folder / locale / "person.json").write_text(json.dumps({"names": {"female": names}}), encoding="utf-8")
    lists = read_lists(folder)
    assert lists == {"rose", "zoe", "bo", "florian", "olga"}  # Japanese and Greek left out
    kept = GivenNames(english_words=["rose", "florian_geyer"], names=lists)
    assert kept.names == {"zoe", "florian", "olga"}  # "rose" is English, "bo" too short
    assert "Zoe" in kept and "zoe" not in kept  # only a capitalised word is a name
    assert "Zoe-Olga" in kept and "Zoe-Rose" not in kept


def test_without_the_package_the_list_is_empty_and_the_recognizer_finds_nothing(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from engine.privacy.analyzer import LANGUAGE, get_analyzer
    from engine.privacy.recognizers.given_name import GivenNameRecognizer

    text = "Zsófia will bring the keys on Monday."
    artifacts = get_analyzer().nlp_engine.process_text(text, LANGUAGE)
    assert [(r.start, r.end) for r in GivenNameRecognizer([]).analyze(text, ["PERSON"], artifacts)] == [(0, 6)]
    monkeypatch.setattr(given_names, "PACKAGE", "no_such_package_for_names")
    assert read_lists() == frozenset()
    assert len(GivenNames(english_words=[])) == 0
    assert GivenNameRecognizer([]).analyze(text, ["PERSON"], artifacts) == []
