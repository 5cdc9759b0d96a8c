"""Building blocks of postal addresses across Europe and the Americas, shared by the address recognizers.

Plain regular-expression strings (the ``regex`` module's syntax), so each recognizer's class
constants read as a small grammar. Street-type words are listed per language from general
knowledge of how streets are written, not from any corpus: a word that is also ordinary English
("Place", "Route", "Via") is only used where a house number follows.
"""

from __future__ import annotations

GAP = r"[ \t]+"
# A capitalised word of a street or town name: Baker, O'Connell, Champs-Élysées, Skłodowskiej-Curie
WORD = r"\p{Lu}\p{L}*(?:['’\-]\p{L}+)*"
# Small words inside names: "rue de la Paix", "Calle de Alcalá", "Via dei Mille", "Rua do Ouro"
PARTICLE = (r"(?:(?:de|du|des|la|le|les|del|della|dei|degli|delle|di|do|da|dos|das|e|y|van|von|der|den|het"
            r"|im|am|an|auf|zum|zur|i|na|pod|nad|w)[ \t]+|[ldLD][’'])")
# A house number: 5, 12a, 47-26, 9/8, 121., 5 bis, "d. 8/8" (Russian "dom")
NUMBER = r"(?:[dD]\.[ \t]*)?\d{1,5}[A-Za-z]?(?:[ \t]?[-/][ \t]?\d{1,5}[A-Za-z]?)?\.?(?:[ \t]?(?:bis|ter)\b)?"
# Apartment, floor, door, building parts after the number: "Apt. 70", "Piano 0", "Puerta 8", "kv. 12",
# "2nd floor, door 26", "/ 36", "Wohnung 3", "lgh 1102", "str. 7/1", "k. 23", "Top 4", "Stiege 2"
APARTMENT_WORD = (
    r"(?:Apt|Apartment|Appt|Suite|Ste|Unit|Flat|Floor|Fl|Room|Rm|Door|Box|Bldg|Building"
    r"|app|appt|apt|appartement|Appartamento|Interno|Int|Scala|Sc|Piano|Puerta|Pta|Piso|Escalera|Esc|Portal"
    r"|Wohnung|Whg|Top|Stiege|Tür|Etage|OG|lgh|Lgh|kv|kw|m|lok|k|korp|str|stroenie|bud|et|ét|étage|bâtiment|bât"
    r"|bloc|bl|sc|ap|ap\.to|apto|sala|casa|lote|quadra|andar|dto|esq|dt|fl|door|floor)"
)
APARTMENT = (
    rf"(?:(?:,[ \t]*|[ \t]+)(?:(?:\d{{1,3}}(?:st|nd|rd|th|\.|º|°|ª)?[ \t]+(?i:floor|étage|piso|piano|andar|Stock|OG))"
    rf"|(?:#[ \t]?[A-Za-z0-9]{{1,6}})"
    rf"|(?:/[ \t]?\d{{1,5}}[A-Za-z]?)"
    rf"|(?i:{APARTMENT_WORD})\.?[ \t]*(?:n[º°o]\.?[ \t]*)?[A-Za-z0-9]{{1,6}}(?:[/\-][A-Za-z0-9]{{1,5}})?\b))"
)
# Postcodes: 10115, 777 63, 27-097, 31706-690, 1170-669, 7170BM / 9217 UM, H-7317, A-1010, SW1A 1AA, D02 X285
POSTCODE = (
    r"(?:(?:[A-Z]{1,2}-)?\d{4,6}(?:[ \t]?[A-Z]{2}\b)?"
    r"|\d{3}[ \t]\d{2}"
    r"|\d{2}-\d{3}"
    r"|\d{5}-\d{3}"
    r"|\d{4}-\d{3}"
    r"|[A-Z]{1,2}\d[A-Z\d]?[ \t]*\d[A-Z]{2}"
    r"|[AC-FHKNPRTV-Y]\d{2}[ \t]?[AC-FHKNPRTV-Y0-9]{4})"
)
# A town after its postcode: "Berlin", "Groß-Gerau", "Bosch en Duin", "'s-Heer Hendrikskinderen"
TOWN = (r"(?:['’]s-)?\p{Lu}\p{L}*(?:[\-'’]\p{L}+|[ ]\p{Lu}\p{L}*"
        r"|[ ](?:en|de|da|do|dos|das|am|an|im|der|sur|la|le|sous|upon|on)[ ]\p{Lu}\p{L}*){0,3}"
        r"(?:[ \t]*\(\p{Lu}[\p{L}. ]{0,19}\))?")  # a province in brackets, "(RM)"; not a note, "(ring twice)"
# "12345 Town", "Town, 12345", "Town (RM)", "Town, ST 12345", "London NW1 6XE"; a region between the town
# and the postcode: "Kevintown, NSW, 2956", "Malang, Sulawesi Utara 82389", "Renca, Región Metropolitana,
# 5561720"; a postcode of three and four digits before the town: "057-0009 Saito-shi"
TOWN_LINE = (
    rf"(?:{POSTCODE}[ \t,]+{TOWN}(?:[ \t]*/[ \t]*[A-Z]{{2}})?"
    rf"|{TOWN},?[ \t]+(?:[A-Z]{{2}}[ \t]+)?{POSTCODE}"
    rf"|{TOWN},[ \t]*(?:{TOWN}|[A-Z]{{2,3}}),?[ \t]+(?:{POSTCODE}|\d{{7}})"
    rf"|\d{{3}}-\d{{4}}[ \t]+{TOWN}"
    rf"|{POSTCODE},[ \t]*{TOWN})"
)
