"""Names recognisable by their shape alone, wherever they stand (issue 17, fourth round).

The cue recognizers need a label, a verb or a layout around a name. Some ways of writing a name are
names whatever surrounds them, in any language:

* a title and a surname, one word in any case ("Mrs Pichpandecha", "Dr HUNG", "Prof. Isah",
  "Mr. Kongsri"), with a given name between them or not;
* a given name, a particle and a surname ("Edith de la Issack", "Rahat bin Qasif", "Zuba ter Kibet"):
  unless the first word is a word of places ("Rio de Janeiro", "Costa del Sol", "Rue de la Paix");
* a given name and a surname in capitals ("Leo ARTIGAS", "Olia MIKELADZE"), or the surname first and a
  comma ("KHAMIS, Stephen"): the surname of three letters or more, not an acronym of everyday text
  ("Contact IT", "Windows XP", "Please NOTE", "URGENT, Please").
"""

from __future__ import annotations

from typing import ClassVar

import regex

from engine.privacy.name_words import PARTICLE, TITLE
from engine.privacy.recognizers.pattern_table import PatternTable
from engine.privacy.recognizers.person_cue import _NOT_A_NAME, _NOT_A_WORD_NAME
from engine.privacy.recognizers.person_forms import _CAPS, _GIVEN

_SURNAME = rf"(?:{_GIVEN}|{_CAPS})"
# First words of places and organisations that take a particle ("Rio de Janeiro", "Banco de la Nación")
_PLACE_WORDS = (r"(?:Rio|Río|Costa|Puerto|Porto|Santa|Santo|San|São|Saint|Sainte|St|Notre|Place|Rue|Avenue|Avenida"
                r"|Calle|Carrer|Plaza|Praça|Paseo|Camino|Via|Vila|Villa|Ciudad|Ville|Isla|Ilha|Port|Cap|Cape|Mont"
                r"|Monte|Lago|Lac|Sierra|Playa|Praia|Bahía|Hotel|Hôtel|Banco|Banque|Casa|Museo|Musée|Palacio|Palais"
                r"|Château|Gare|Pont|Bois|Universidad|Université|Universidade|Instituto|Institut|Café|Club|Estado"
                r"|Hospital|Hôpital|Colegio|Escuela|Iglesia|Parque|Parc|Jardin|Jardín|Torre|Tour|Gran|Grand|Nueva"
                r"|Nuevo|Nova|Novo|Bel|Los|Las|El|La|Le|Les|De|Del|Van|Von|Al|Bin|The|Valle|Val|Región|Region|Provincia"
                r"|Province|Departamento|Distrito|District|Municipio|Comuna|Cantón|Canton|Estación|Station)")
_PLACE_FIRST = rf"(?<!\b{_PLACE_WORDS}[ \t]+)(?!{_PLACE_WORDS}\b)"
# Capitals that everyday text writes after a capitalised word ("Contact IT", "Windows XP", "Please NOTE")
_NOT_CAPS_SURNAME = (r"(?!(?:NOTE|URGENT|ASAP|FAQ|PDF|USB|ATM|PIN|SIM|CEO|CFO|CTO|VAT|GPS|LED|LCD|USA|EU|UK|API|IT|HR"
                     r"|PC|TV|ID|OK|XP|AM|PM|UTC|GMT|CET|EST|PST|CSV|XML|JSON|HTML|HTTP|HTTPS|URL|SMS|MMS|DVD|CD"
                     r"|RAM|CPU|GPU|SSD|HDD|NFC|QR|IBAN|BIC|SWIFT|ONLY|NOT|NEW|FREE|SALE|OFF|ON|AND|OR|THE|FOR|TO"
                     r"|OF|IN|AT|BY|ALL|NOW|STOP|HELP|INFO|TEL|FAX|REF|NO|YES|MAX|MIN|PRO|PLUS|LITE|MINI|ULTRA|EDGE"
                     r"|ACTION|LOG|FORM|NOTICE|ORDER|INVOICE|RECEIPT|TOTAL|DATE|TIME|NAME|ADDRESS|CODE|ERROR|WARNING"
                     r"|DRAFT|FINAL|COPY|PAID|DUE|OPEN|CLOSED|DONE|TODO|TBD|TBC|RSVP|PS|NB|AI|ML|VPN|LAN|WAN|DNS|IP"
                     r"|PLC|LLC|LLP|LTD|INC|CORP|GMBH|ASC|OOO|ZAO|SARL|SAS|SPA|SRL|LTDA|KFT|ZRT|OYJ|BHD|PTE|PTY)\b)")
# Capitalised words that open sentences and lines, never a given name before a surname in capitals
_NOT_GIVEN = (r"(?!(?:Please|Call|Contact|See|Read|Send|Use|Check|Click|Press|Enter|Open|Close|Save|Print|Sign"
              r"|Attention|Important|Note|Subject|Re|Fwd|Dear|Hello|Hi|Thanks|Model|Version|Product|Item|Order"
              r"|Invoice|Room|Floor|Building|Gate|Terminal|Platform|Flight|Train|Bus|Line|Route|Unit|Level"
              r"|Section|Page|Table|Figure|Chapter|Step|Part|Form|Type|Size|Status|Code|Error|Mode|Office"
              r"|Windows|Microsoft|Google|Apple|Samsung|Galaxy|Intel|Nvidia|Team|Department|Company|Bank|Ticket|Case"
              r"|Reference|Ref|Booking|Account|Customer|Client|Project|Task|Job|Batch|Lot|Serial)\b)")


class PersonShapeRecognizer(PatternTable):
    ENTITY: ClassVar[str] = "PERSON"
    FLAGS: ClassVar[int] = regex.MULTILINE

    # (name, regular expression, score)
    PATTERNS: ClassVar[tuple[tuple[str, str, float], ...]] = (
        ("a title and a surname: Mrs Pichpandecha, Dr HUNG, Prof. Isah, Mr. Kongsri",
         rf"(?<![\p{{L}}\d])\b{TITLE}\.?[ \t]+(?:{_GIVEN}[ \t]+)?{_NOT_A_WORD_NAME}{_SURNAME}(?![\p{{L}}\d])", 0.65),
        ("a given name, a particle and a surname: Edith de la Issack, Rahat bin Qasif",
         rf"(?<![\p{{L}}\d]){_PLACE_FIRST}{_NOT_A_NAME}{_NOT_A_WORD_NAME}{_GIVEN}"
         rf"[ \t]+{PARTICLE}[ \t]+{_SURNAME}(?![\p{{L}}\d])", 0.6),
        ("a given name and a surname in capitals: Leo ARTIGAS, Olia MIKELADZE",
         rf"(?<![\p{{L}}\d]){_NOT_GIVEN}{_NOT_A_NAME}{_NOT_A_WORD_NAME}{_GIVEN}"
         rf"[ \t]+{_NOT_CAPS_SURNAME}\p{{Lu}}{{3,}}(?:[\-’']\p{{Lu}}{{2,}})?(?![\p{{L}}\d]|[\-/]\d)", 0.5),
        ("a surname in capitals, a comma and a given name: KHAMIS, Stephen; HLABANGANE, Dumisile N.",
         rf"(?<![\p{{L}}\d]){_NOT_CAPS_SURNAME}\p{{Lu}}{{3,}}(?:[\-’']\p{{Lu}}{{2,}})?,[ \t]+{_NOT_GIVEN}"
         rf"{_NOT_A_WORD_NAME}{_GIVEN}(?:[ \t]+\p{{Lu}}\.)?(?![\p{{L}}\d])", 0.5),
    )
