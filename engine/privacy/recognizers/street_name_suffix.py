"""Streets whose type is the end of the name, then the number: "Hauptstraße 5", "Florisring 48",
"Skolvägen 76", "Dampfærgevej 77", "Dosentinkuja 76", "Györgyhalasi utca 121.", "Ylä-Fallin bulevardi 1".

Germanic, Nordic, Finnish and Hungarian streets carry their type as a suffix of one compound word or as
a word after the name. The compound must have at least three letters before the suffix, so "Spring
2025" is not a street; a four-digit number that reads as a year (19xx, 20xx) is not taken as a house
number. An apartment part and the postcode and town (after a comma or on the next line) come along.
"""

from __future__ import annotations

import re
from typing import ClassVar

import regex

from engine.privacy.recognizers.address_parts import APARTMENT, GAP, NUMBER, TOWN_LINE, WORD
from engine.privacy.recognizers.pattern_table import PatternTable

_SUFFIXES = (
    r"straße|strasse|str\.|weg|gasse|allee|platz|ring|damm|ufer|chaussee|steig|pfad|markt|gürtel|zeile|kai"
    r"|graben|stieg|brücke|promenade|hof"  # de
    r"|straat|laan|gracht|plein|singel|kade|dijk|pad|baan|boulevard|dreef|steeg|wal|plantsoen|erf|hof"  # nl
    r"|vej|gade|allé|stræde|plads|vænget|torv|bakken|parken|stien|toften|haven"  # da
    r"|gatan|vägen|gränd|stigen|backen|torget|allén|gata|väg|leden|stråket|plan|vägen"  # sv
    r"|veien|gaten|gata|vegen|stien|plassen"  # no
    r"|katu|tie|kuja|polku|tori|väylä|kaari|rinne|bulevardi|puistotie|ranta|raitti|piha|katu"  # fi
)
_SEPARATE = (
    r"utca|út|útja|tér|tere|körút|sor|köz|sétány|fasor|rakpart|lépcső|lakótelep"  # hu
    r"|Straße|Strasse|Str\.|Weg|Gasse|Allee|Platz|Ring|Damm|Ufer|Chaussee|Steig|Pfad|Markt"  # de
    r"|bulevardi|katu|tie|kuja|polku|tori|väylä"  # fi
)
_TAIL = rf"(?:{APARTMENT})*(?:,?[ \t]*{TOWN_LINE}|,?[ \t]*\n[ \t]*{TOWN_LINE})?"
_YEAR = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")


class StreetNameSuffixRecognizer(PatternTable):
    ENTITY: ClassVar[str] = "STREET_ADDRESS"
    FLAGS: ClassVar[int] = regex.MULTILINE

    # (name, regular expression, score)
    PATTERNS: ClassVar[tuple[tuple[str, str, float], ...]] = (
        ("compound with a street suffix, number: Florisring 48, Skolvägen 76",
         rf"(?<![\p{{L}}\d])(?:{WORD}{GAP})?\p{{Lu}}[\p{{L}}'’\-]{{2,}}(?:{_SUFFIXES}){GAP}{NUMBER}(?![\p{{L}}\d])"
         rf"{_TAIL}", 0.65),
        ("name words then a street word, number: Györgyhalasi utca 121., Ylä-Fallin bulevardi 1",
         rf"(?<![\p{{L}}\d])(?:{WORD}{GAP}){{1,3}}(?:{_SEPARATE}){GAP}{NUMBER}(?![\p{{L}}\d]){_TAIL}", 0.65),
    )
    CONTEXT: ClassVar[tuple[str, ...]] = ("address", "street", "live", "lives", "deliver", "ship", "send",
                                          "adresse", "anschrift", "adres", "adress", "osoite", "cím")

    def validate_result(self, pattern_text: str) -> bool | None:
        """A year after the name ("Spring 2025", "Ring 2024") is a date, not a house number."""
        first_number = re.search(r"\d+", pattern_text)
        return False if first_number and _YEAR.fullmatch(first_number.group()) else None
