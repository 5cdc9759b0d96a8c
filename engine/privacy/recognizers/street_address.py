"""Street addresses in US, UK and continental European styles.

presidio ships no address recognizer, and the small spaCy model at best tags
the street name as a LOCATION. These patterns find the whole street line
("221B Baker Street", "1600 Pennsylvania Avenue NW", "Hauptstraße 5",
"12 rue de la Paix", "Calle Mayor 5") and, when it follows directly, the
postcode and town ("..., London NW1 6XE", "..., 10115 Berlin").

The patterns are case-sensitive on purpose: a street name is capitalised, and
that is what keeps "3 main reasons" from looking like an address.
"""

from __future__ import annotations

from typing import ClassVar

import regex

from engine.privacy.recognizers.pattern_table import PatternTable

# Building blocks (plain strings so the class constants below read as a grammar).
_NUMBER = r"\d{1,5}[A-Za-z]?(?:[-/]\d{1,5}[A-Za-z]?)?"
_WORD = r"\p{Lu}\p{L}*(?:['’\-]\p{L}+)*"  # Baker, O'Connell, Champs-Élysées (no trailing dot)
_ORDINAL = r"\d{1,3}(?:st|nd|rd|th)"
_GAP = r"[ \t]+"
# The street types of the USPS list (Publication 28, C1) and the common British ones.
_EN_SUFFIX = (
    r"(?:Street|Avenue|Road|Boulevard|Lane|Drive|Court|Place|Terrace|Way|Square|Close|Crescent"
    r"|Parkway|Highway|Circle|Row|Gardens|Mews|Walk|Alley|Trail|Grove|Green|Rise|Hill|Hills|Park"
    r"|Annex|Arcade|Bayou|Beach|Bend|Bluffs?|Bottom|Branch|Bridge|Brooks?|Burgs?|Bypass|Camp|Canyon"
    r"|Cape|Causeway|Center|Centre|Cliffs?|Club|Commons?|Corners?|Course|Coves?|Creek"
    r"|Crest|Crossing|Crossroads?|Curve|Dale|Dam|Divide|Estates?|Expressway|Extensions?|Falls?"
    r"|Ferry|Field|Flats?|Fords?|Forest|Forges?|Forks?|Fort|Freeway|Gateway|Glens?|Greens"
    r"|Groves|Harbors?|Haven|Heights|Hollow|Inlet|Islands?|Isles?|Junctions?|Key|Knolls?|Lakes?|Landing"
    r"|Light|Loaf|Lock|Lodge|Loop|Mall|Manors?|Meadows?|Mills?|Mission|Motorway|Mountains?|Mount"
    r"|Neck|Orchard|Oval|Overpass|Pass|Passage|Path|Pike|Pines?|Plains?|Plaza|Point|Port|Prairie"
    r"|Radial|Ramp|Ranch|Rapids?|Rest|Ridges?|River|Route|Run|Shoals?|Shores?|Skyway|Springs?"
    r"|Spurs?|Station|Stravenue|Stream|Summit|Throughway|Trace|Track|Trafficway"
    r"|Tunnel|Turnpike|Underpass|Union|Valleys?|Via|Viaduct|View|Villages?|Ville|Vista|Wall"
    r"|Wells?|Wharf|Yard"
    r"|(?:St|Ave|Rd|Blvd|Ln|Dr|Ct|Pl|Sq|Cres|Pkwy|Hwy|Cir|Ter|Trl|Xing|Expy|Fwy|Hts|Jct|Mt|Pt|Ste)\.?)"
)
_DIRECTION = r"(?:NW|NE|SW|SE|N|S|E|W)\.?"
_UNIT = r"(?:Apt|Apartment|Suite|Ste|Unit|Flat|Floor|Fl|Room|#)\.?[ \t]*#?[A-Za-z0-9]{1,6}"
_UK_POSTCODE = r"[A-Z]{1,2}\d[A-Z\d]?[ \t]*\d[A-Z]{2}"
_US_STATE_ZIP = r"[A-Z]{2}[ \t]+\d{5}(?:-\d{4})?"
_EU_POSTCODE_TOWN = rf"(?:[A-Z]{{1,2}}-)?\d{{4,5}}{_GAP}{_WORD}"
# ", London NW1 6XE" / ", Washington, DC 20500" / ", 10115 Berlin"
_TOWN_TAIL = (
    rf"(?:,[ \t]*(?:{_WORD},?{_GAP}){{0,2}}(?:{_UK_POSTCODE}|{_US_STATE_ZIP})\b"
    rf"|,[ \t]*{_EU_POSTCODE_TOWN})?"
)
_DE_SUFFIX = (
    r"(?i:straße|strasse|str\.|weg|gasse|allee|platz|damm|ufer|chaussee|steig|pfad|markt|gürtel|-ring"
    r"|straat|laan|gracht|plein|singel|vej|gatan|vägen|gata)"
)
_ROMANCE_NUMBER_FIRST = r"(?i:rue|avenue|av\.|boulevard|bd\.?|place|allée|chemin|impasse|quai|route|cours)"
_ROMANCE_NAME_FIRST = (
    r"(?:Calle|C/|Avenida|Avda\.|Plaza|Paseo|Camino|Carrer|Via|Viale|Piazza|Corso|Largo|Rua|Travessa)"
)
_PARTICLES = r"(?:(?:de|du|des|la|le|del|della|dei|di|do|da|dos|das)[ \t]+|[ld][’'])"


class StreetAddressRecognizer(PatternTable):
    """Recognises STREET_ADDRESS spans; register once on the shared analyzer."""

    ENTITY: ClassVar[str] = "STREET_ADDRESS"
    FLAGS: ClassVar[int] = regex.MULTILINE

    # (name, regular expression, score)
    PATTERNS: ClassVar[tuple[tuple[str, str, float], ...]] = (
        (
            "number first (US/UK): 221B Baker Street, 1600 Pennsylvania Avenue NW",
            rf"(?:\b(?:Flat|Studio|Apartment|Apt|Unit|Suite)\.?{_GAP}[A-Za-z0-9]{{1,5}},?{_GAP})?"
            rf"\b{_NUMBER},?{_GAP}(?:(?:{_WORD}|{_ORDINAL}){_GAP}){{1,4}}{_EN_SUFFIX}"
            rf"(?![\p{{L}}\d])(?:{_GAP}{_DIRECTION}(?![\p{{L}}\d]))?(?:,?{_GAP}{_UNIT}\b)?{_TOWN_TAIL}",
            0.7,
        ),
        (
            "flat without a street number (UK): Flat 17, Janet Meadows",
            rf"\b(?:Flat|Studio|Apartment|Unit){_GAP}\d{{1,4}}[A-Za-z]?,?{_GAP}(?:{_WORD}{_GAP}){{1,3}}{_EN_SUFFIX}"
            rf"(?![\p{{L}}\d]){_TOWN_TAIL}",
            0.7,
        ),
        (
            "preposition, name, number (DE): Am Rosengarten 3, An der Alster 12",
            rf"\b(?:Am|An{_GAP}der|Im|In{_GAP}der|Zum|Zur|Auf{_GAP}der|Unter{_GAP}den|Alte[rsn]?)"
            rf"{_GAP}{_WORD}(?:{_GAP}{_WORD})?{_GAP}{_NUMBER}\b{_TOWN_TAIL}",
            0.6,
        ),
        (
            "name then number (DE/NL/Nordic): Hauptstraße 5, Karl-Marx-Allee 90",
            rf"\b\p{{Lu}}[\p{{L}}\-]*{_DE_SUFFIX}{_GAP}{_NUMBER}\b{_TOWN_TAIL}",
            0.7,
        ),
        (
            "words then street word then number: Berliner Straße 12",
            rf"\b(?:{_WORD}{_GAP}){{1,3}}(?:Straße|Strasse|Str\.|Weg|Gasse|Allee|Platz|Ring|Damm|Ufer)"
            rf"{_GAP}{_NUMBER}\b{_TOWN_TAIL}",
            0.7,
        ),
        (
            "number then street word (FR): 12 rue de la Paix",
            rf"\b{_NUMBER}(?:[ \t]*(?:bis|ter))?,?{_GAP}{_ROMANCE_NUMBER_FIRST}{_GAP}"
            rf"{_PARTICLES}*{_WORD}(?:[ \t\-]+{_PARTICLES}*{_WORD}){{0,3}}{_TOWN_TAIL}",
            0.6,
        ),
        (
            "street word then number (ES/IT/PT): Calle Mayor 5, Via Roma 10",
            rf"\b{_ROMANCE_NAME_FIRST}{_GAP}{_PARTICLES}*{_WORD}(?:{_GAP}{_PARTICLES}*{_WORD}){{0,3}}"
            rf",?{_GAP}(?:n[º°o]\.?[ \t]*)?\d{{1,4}}[A-Za-z]?\b{_TOWN_TAIL}",
            0.6,
        ),
    )

    CONTEXT: ClassVar[tuple[str, ...]] = (
        "address", "street", "live", "lives", "living", "resides", "reside", "located",
        "home", "office", "ship", "deliver", "mail", "adresse", "anschrift", "wohnhaft",
    )
