"""A given name of the name lists, alone or before a surname, wherever it stands (sixth round).

"Zsófia will bring the keys", "sort this out with Jameel?", a table row "2024-03-11  Gergely Tóth  Room
12": no cue, no layout, and the small spaCy model reads the name as a product, a noun or a place. A
word is taken as a given name when

* it is in ``engine.privacy.given_names`` (given names of many countries, less English words),
* it is capitalised and the tagger reads it as a proper noun or a noun in its sentence (not a verb, an
  adjective, an auxiliary: "Mark the box", "Will you"),
* it is not a brand, a form label, a country or region, nor part of a date, time or amount the model
  found, and it does not follow a preposition of place while the model reads it as a place
  ("the hotel in Lourdes");
* it is no place's name: not after a word that opens one ("West Nicole", "San Eduardo", "rang Rémy"),
  nor after a house number or postcode on its line ("10010 North Madeline", "53 Nguyễn Chí Thanh").

A capitalised word right after it that the tagger reads as a proper noun is taken as the surname
("Gergely Tóth", "Søren Kierkegaard"), unless it names a kind of place, building or team ("Ingrid
Station" stops at "Ingrid"). Hyphenated given names count when each part is a given name ("Lars-Erik").
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

import regex
from presidio_analyzer import EntityRecognizer, RecognizerResult

from engine.privacy.given_names import GivenNames, is_latin_word
from engine.privacy.not_personal import BRANDS, LABEL_WORDS, TEAM_WORDS
from engine.privacy.places import is_country_or_region

if TYPE_CHECKING:
    from collections.abc import Iterable

    from presidio_analyzer.nlp_engine import NlpArtifacts
    from spacy.tokens import Token

_NAME_TAGS = frozenset({"PROPN", "NOUN"})
# The model's entities that a given name never lies inside: "June 5", "at 10 am", "25 Euro"
_NOT_INSIDE = frozenset({"DATE", "TIME", "MONEY", "QUANTITY", "PERCENT", "CARDINAL", "ORDINAL"})
_PLACE_ENTITIES = frozenset({"GPE", "LOC", "FAC"})
_PLACE_PREPOSITIONS = frozenset({"in", "at", "from", "to", "near", "via", "into", "towards", "outside", "around"})
# Words before a given name that make it a place's name: "West Nicole", "San Eduardo", "rang Rémy"
_PLACE_BEFORE = frozenset({
    "north", "south", "east", "west", "upper", "lower", "new", "old", "port", "fort", "mount", "lake", "saint",
    "st", "sainte", "ste", "san", "santa", "santo", "são", "ville", "villa", "vila", "rue", "rang", "rua", "calle",
    "via", "viale", "avenue", "avenida", "strada", "ulica", "ul", "street", "road", "cerrada", "colonia", "lac",
})
# A house number or a postcode earlier on the line: the name is a street's or a town's ("53 Nguyễn Chí
# Thanh", "10010 North Madeline"); a time, a date, a list number or the last group of a phone number is not
# one ("16:00", "2024-03-11", "#7", "6-6541 816 - Nicola Smith")
_NUMBER_BEFORE = regex.compile(r"(?<![\d:./#\-]|\d[ \t])\d{1,6}\p{L}?,?[ \t]+\S")
# Words after a given name that make it the name of a place, a building, a team or a day, not a person
_NOT_A_SURNAME = TEAM_WORDS | frozenset({
    "station", "street", "road", "avenue", "lane", "drive", "way", "close", "crescent", "terrace", "park", "parkway",
    "garden", "gardens", "hall", "house", "hotel", "motel", "inn", "room", "square", "place", "court", "bridge",
    "airport", "port", "harbour", "harbor", "church", "chapel", "cathedral", "school", "academy", "college",
    "university", "hospital", "clinic", "centre", "center", "tower", "towers", "building", "museum", "library",
    "theatre", "theater", "cinema", "market", "mall", "plaza", "beach", "lake", "river", "island", "islands",
    "bay", "valley", "mountains", "falls", "forest", "district", "county", "city", "town", "village", "estate",
    "arena", "stadium", "campus", "ward", "wing", "block", "suite", "apartments", "residence", "lodge", "cottage",
    "farm", "mill", "works", "shop", "store", "bakery", "cafe", "café", "restaurant", "bar", "pub", "salon",
    "pharmacy", "foundation", "trust", "fund", "award", "prize", "day", "week", "weekend", "festival", "cup",
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
})


class GivenNameRecognizer(EntityRecognizer):
    NAME: ClassVar[str] = "GivenNameRecognizer"
    ENTITY: ClassVar[str] = "PERSON"
    SCORE: ClassVar[float] = 0.5

    def __init__(self, english_words: Iterable[str]) -> None:
        self.given_names = GivenNames(english_words)
        super().__init__(supported_entities=[self.ENTITY], name=self.NAME)

    def load(self) -> None:
        """Nothing to load: the lists were read in the constructor."""

    def analyze(self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
                ) -> list[RecognizerResult]:
        if self.ENTITY not in entities or nlp_artifacts is None or not self.given_names:
            return []
        results = []
        tokens = list(nlp_artifacts.tokens)
        i = 0
        while i < len(tokens):
            token = tokens[i]
            if not token.text[:1].isupper():  # most tokens: nothing more to look up
                i += 1
                continue
            last = self._hyphenated_end(tokens, i)
            if not self._is_given_name(token, tokens[i - 1] if i else None, text[token.idx:_end(tokens[last])]):
                i += 1
                continue
            i = last
            if i + 1 < len(tokens) and self._is_surname(tokens[i + 1], tokens[i]):
                i += 1
            results.append(RecognizerResult(self.ENTITY, token.idx, _end(tokens[i]), self.SCORE,
                                            recognition_metadata={"recognizer_name": self.NAME}))
            i += 1
        return results

    @staticmethod
    def _hyphenated_end(tokens: list[Token], i: int) -> int:
        """The index of the last token of "Lars-Erik" (three tokens, no space between) starting at ``i``."""
        if (i + 2 < len(tokens) and tokens[i].whitespace_ == "" and tokens[i + 1].text == "-"
                and tokens[i + 1].whitespace_ == "" and tokens[i + 2].text[:1].isupper()):
            return i + 2
        return i

    def _is_given_name(self, token: Token, before: Token | None, word: str) -> bool:
        if token.pos_ not in _NAME_TAGS or token.is_stop or word not in self.given_names:
            return False
        if not any(ch.islower() for ch in word) or token.ent_type_ in _NOT_INSIDE:
            return False
        folded = word.casefold()
        if folded in BRANDS or folded in LABEL_WORDS or is_country_or_region(word):
            return False
        if before is not None and before.lower_.rstrip(".") in _PLACE_BEFORE:
            return False
        if token.ent_type_ in _PLACE_ENTITIES and before is not None and before.lower_ in _PLACE_PREPOSITIONS:
            return False
        text = token.doc.text
        line_start = text.rfind("\n", 0, token.idx) + 1
        return _NUMBER_BEFORE.search(text, line_start, token.idx) is None

    def _is_surname(self, token: Token, given: Token) -> bool:
        word = token.text
        if given.whitespace_ != " " or token.pos_ != "PROPN" or token.ent_type_ in _NOT_INSIDE:
            return False
        if not word[:1].isupper() or not any(ch.islower() for ch in word) or not is_latin_word(word):
            return False
        return token.lower_ not in _NOT_A_SURNAME and token.lower_ not in BRANDS


def _end(token: Token) -> int:
    return token.idx + len(token.text)
