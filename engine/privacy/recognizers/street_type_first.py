"""Streets written type word first, name second, number last: "ul. Miłosza 577", "Calle Mayor 5",
"Vicolo Gaito, 8", "Rua do Ouro, 89", "Strada Gabriel Oprea 12", "per. Malyy, d. 661 str. 7/1".

That is how most of continental Europe, Latin America and the former Soviet Union write a street line.
The type words are listed per language; those that are also ordinary words elsewhere ("Via", "Place",
"Route", "Ronda") count only with a house number after the name. The unambiguous ones ("rue",
"Calle", "ulica", "Strada") also find a street line without a number ("rue Clémence Samson"), at a
lower score. An apartment part, and the postcode and town after a comma or on the next line, are
taken along ("Calle Mayor 5, 3º izq., 28013 Madrid").
"""

from __future__ import annotations

from typing import ClassVar

import regex

from engine.privacy.recognizers.address_parts import APARTMENT, NUMBER, PARTICLE, TOWN_LINE, WORD
from engine.privacy.recognizers.pattern_table import PatternTable

# Unambiguous street-type words (any case), by language
_TYPES = (
    r"rue|boulevard|bd|allée|chemin|impasse|quai|faubourg|sentier"  # fr
    r"|calle|avenida|avda|paseo|carrer|rambla|glorieta|cañada|urbanización|travesía|pasaje|pasadizo|callejón"
    r"|carretera|cuesta|camino|bajada|subida|acceso|alameda"  # es
    r"|viale|piazza|piazzale|corso|vicolo|vico|contrada|lungomare|lungotevere|borgo|stretto|canale|rotonda"
    r"|salita|strada"  # it
    r"|rua|travessa|estrada|praça|rodovia|avenida|ladeira|largo|beco|viela"  # pt
    r"|calea|șoseaua|soseaua|bulevardul|aleea|splaiul|piața|piata|intrarea|drumul|str"  # ro
    r"|ulica|ul|aleja|al|plac|pl|osiedle|os|rondo"  # pl
    r"|ulice|náměstí|nám|třída|nábřeží|nábr|námestie|nám|ulica|cesta"  # cs, sk
    r"|ulitsa|prospekt|pr|pr-t|pereulok|per|naberezhnaya|nab|bulvar|bul|shosse|sh|ploshchad|proezd|pr-d"
    r"|alleya|all|tupik|vulytsia|vul|prosp|provulok|prov|ploshcha|naberezhna|bulv|uzviz|maidan"  # ru, uk
)
# A type word of under four letters without its dot needs a name in letters after it: "al 952 78937" is "al"
# (Spanish "to the") and a phone number (tenth round), "ul 3 Maja 5" is lost with it
# Type words that are also ordinary words: only with a house number
_TYPES_WITH_NUMBER = r"Via|Place|Plaza|Route|Ronda|Jardim|Vila|Setor|Quadra|Sector|Polígono|Avenue|Av"
# Without a number, a type word of under four letters counts only with its dot ("al. Jana Pawła"), "rue"
# and "rua" excepted: "al", "de", "os" are name particles and words ("Mark al Amponsa")
_TYPE_NO_NUMBER = rf"(?:(?i:{_TYPES})(?:(?<=\p{{L}}{{4}})|\.)|(?i:rue|rua)\b)"
# Spaces only between a street's words: a tab parts the cells of a row ("Encarnita Sainz Camino<TAB>0 972 949 453"
# is a name and a phone number, eleventh round)
GAP = r"[ \u00a0]+"
_NAME = rf"(?:{PARTICLE})*(?:{WORD}|\d{{1,3}}(?:[ \t]+(?:let|Marta|Maja|Mai|de)\b)?)"
_NAMES = rf"{_NAME}(?:(?:{GAP}|-){_NAME}){{0,4}}"
_TAIL = rf"(?:{APARTMENT})*(?:,?[ \t]*{TOWN_LINE}|,?[ \t]*\n[ \t]*{TOWN_LINE})?"


class StreetTypeFirstRecognizer(PatternTable):
    ENTITY: ClassVar[str] = "STREET_ADDRESS"
    FLAGS: ClassVar[int] = regex.MULTILINE

    # (name, regular expression, score)
    PATTERNS: ClassVar[tuple[tuple[str, str, float], ...]] = (
        ("type word, name, number: ul. Miłosza 577, Vicolo Gaito, 8",
         rf"(?<![\p{{L}}\d])(?i:{_TYPES})(?:\.|(?<=\p{{L}}{{4}})|(?=[ \t]+\D)){GAP}{_NAMES},?{GAP}"
         rf"(?:n[º°o]\.?[ \t]*)?{NUMBER}(?![\p{{L}}\d]){_TAIL}", 0.7),
        ("ambiguous type word, name, number: Via Roma 10, Ronda Isa Tejera 672",
         rf"(?<![\p{{L}}\d])(?:{_TYPES_WITH_NUMBER})\.?{GAP}{_NAMES},?{GAP}(?:n[º°o]\.?[ \t]*)?{NUMBER}"
         rf"(?![\p{{L}}\d]){_TAIL}", 0.6),
        ("type word and name without a number: rue Clémence Samson",
         rf"(?<![\p{{L}}\d])(?:{_TYPE_NO_NUMBER}){GAP}{_NAMES}(?![\p{{L}}\d]){_TAIL}", 0.45),
        ("number, type word, name (fr): 70, avenue Martins",
         rf"(?<![\p{{L}}\d,.])\d{{1,4}}[A-Za-z]?(?:[ \t]?(?:bis|ter))?,?{GAP}(?i:{_TYPES}|avenue|place|route)\.?{GAP}"
         rf"{_NAMES}(?![\p{{L}}\d]){_TAIL}", 0.65),
    )
    CONTEXT: ClassVar[tuple[str, ...]] = ("address", "street", "live", "lives", "deliver", "ship", "send",
                                          "adresse", "dirección", "indirizzo", "endereço", "adres", "adresa")
