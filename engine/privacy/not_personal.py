"""What the statistical model proposes that is not personal data: ordinary words, durations, labels.

spaCy's small English model tags "after 2 weeks", "yesterday" or "The 3 of us" as DATE_TIME,
"Netflix" or "PIN" as a PERSON or LOCATION, "Tel" or "Postcode" at a form's label as a PERSON, and
a company's name as a PERSON. A reviewer would never mark those. These checks apply only to the
model's guesses; a name that a cue pattern or the user's own lists found is never second-guessed.

* A DATE_TIME is kept only when it names a calendar day (a day and a month, or a full numeric date):
  durations, relative dates, weekdays, times of day, months and years alone are dropped.
* A PERSON loses a greeting or a list item's number the model took into it ("Dear W.B. Gomez", "#9 B. Umar").
* A one-word PERSON or LOCATION that a job noun or a contact label follows ("Facilities coordinator",
  "Pharmacy tel.") is dropped.
* A PERSON or LOCATION that is a known brand or product word, a form label, an acronym, that holds a
  digit ("ele-27"), that carries a company's legal form ("Köhler KG", "Kof & van Mare"), or that stands
  on a line labelled as an organisation's ("Org: Tate, Butler and Williams") is dropped.
"""

from __future__ import annotations

import re
from dataclasses import replace

from engine.privacy.name_words import ROLE_WORDS
from engine.privacy.places import is_country_or_region
from engine.privacy.spans import Span

COUNTRY_OR_REGION = "COUNTRY_OR_REGION"

_MONTH = (
    r"(?:jan(?:uary|vier|uar|eiro)?|feb(?:ruary|ruar)?|f[ée]v(?:rier)?|mar(?:ch|s|zo)?|m[äa]rz|apr(?:il|ile)?|avr(?:il)?"
    r"|abr(?:il)?|may|mai|mayo|maggio|jun(?:e|i|io)?|juin|jul(?:y|i)?|juil(?:let)?|aug(?:ust)?|ao[ûu]t|ago(?:sto)?"
    r"|sep(?:t(?:ember)?)?|sept(?:embre)?|oct(?:ober|obre)?|okt(?:ober)?|nov(?:ember|embre)?|dec(?:ember)?"
    r"|d[ée]c(?:embre)?|dez(?:ember)?|dic(?:iembre|embre)?)\.?"
)
_DAY = r"(?:[0-3]?\d)(?:st|nd|rd|th|\.|er)?"
# a day and a month written in digits: "34-81-74-97" (a phone number the model read as a date) is neither
_D = r"(?:0?[1-9]|[12]\d|3[01])"
_M = r"(?:0?[1-9]|1[0-2])"
_CALENDAR_DAY = re.compile(
    rf"(?i)\b(?:{_DAY}[ \t]+(?:of[ \t]+)?{_MONTH}\b|{_MONTH}[ \t]+{_DAY}\b"
    rf"|(?<![\d./-])(?:{_D}[./-]{_M}|{_M}[./-]{_D})[./-](?:\d{{4}}|\d{{2}})(?![./-]?\d)"
    rf"|(?<![\d./-])\d{{4}}-{_M}-{_D}(?![./-]?\d))"
)
# Form labels and short words the model takes for a name at a line's start ("Tel. 0301...", "Postcode: ...")
LABEL_WORDS = frozenset({
    "last", "first", "full", "given", "family", "name", "names", "surname", "postcode", "zip", "tel", "phone",
    "mobile", "fax", "email", "e-mail", "street", "town", "city", "country", "address", "subject", "ref",
    "reference", "order", "invoice", "total", "amount", "account", "date", "time", "pin", "iban", "bic", "swift",
    "customer", "client", "contact", "signature", "description", "issue", "notes", "note", "status", "priority",
    "org", "approval", "authorisation", "authorization", "sign-off", "escalation",
})
# A line that names an organisation: "Org: Tate, Butler and Williams", "Company: Martin-Hill" (sixth round)
_ORGANISATION_LINE = re.compile(r"(?im)^[ \t]*(?:org|organi[sz]ation|company|employer|firm|business)[ \t]*:")
# Brands and products that turn up in support messages; the model reads them as people or places.
BRANDS = frozenset({
    "netflix", "spotify", "amazon", "prime", "apple", "iphone", "ipad", "imac", "macbook", "airpods", "itunes",
    "icloud", "siri", "samsung", "galaxy", "google", "gmail", "android", "pixel", "chrome", "youtube", "microsoft",
    "windows", "outlook", "teams", "excel", "word", "powerpoint", "onedrive", "xbox", "playstation", "nintendo",
    "switch", "zoom", "slack", "whatsapp", "facebook", "instagram", "messenger", "twitter", "linkedin", "tiktok",
    "paypal", "venmo", "stripe", "klarna", "revolut", "uber", "airbnb", "dropbox", "kindle", "alexa", "echo",
    "firefox", "safari", "linux", "ubuntu", "macos", "ios", "roku", "fitbit", "garmin", "sonos", "philips", "bosch",
    "siemens", "dyson", "nespresso", "ikea", "lidl", "aldi", "dhl", "fedex", "ups", "usps", "hermes", "vodafone",
    "telekom", "verizon", "comcast", "disney", "hulu", "hbo", "peloton", "tesla", "bluetooth", "wi-fi", "wifi",
    "visa", "mastercard", "maestro", "amex", "sepa", "vpn", "sap", "salesforce", "jira", "confluence", "github",
    "zendesk", "shopify", "ebay", "etsy", "wordpress", "canon", "epson", "brother", "lenovo", "dell", "asus", "acer",
    "huawei", "xiaomi", "oneplus", "motorola", "nokia", "sony", "lg", "panasonic", "logitech", "bose", "jbl",
})
_LEGAL_FORM = re.compile(
    r"(?:\b(?:GmbH|mbH|AG|KG|OHG|UG|e\.V|Ltd|LLC|LLP|Inc|PLC|plc|Corp|Co|S\.?A\.?S?|S\.A\.R\.L|SARL|S\.p\.A|SpA"
    r"|Sp|S\.r\.l|Srl|S\.L|SL|B\.V|BV|N\.V|NV|Oy|Oyj|AB|A/S|ApS|AS|s\.r\.o|a\.s|Kft|Zrt|Nyrt|SRL|Lda|Ltda|ME"
    r"|EIRELI|Group|Grupp|Gruppe|Groupe|Gruppo|Grupo|Holding|Partners|Sons|Brothers|Associates|Industries"
    r"|Solutions|Services|Systems|Technologies|Consulting)\b\.?)"
)

# Lower-case words after a one-word "name" that make it a job title or a label: "Facilities coordinator",
# "Logistics assistant", "Pharmacy tel."
_JOB_OR_LABEL_AFTER = re.compile(
    r"[ \t]+(?:coordinator|assistant|manager|director|officer|engineer|specialist|consultant|analyst|technician"
    r"|clerk|supervisor|administrator|adviser|advisor|executive|operator|planner|designer|developer|lead|team"
    r"|department|dept|desk|tel|phone|fax|mobile|e-mail|email|hotline|helpline)\b")

_BRACKET_AFTER = re.compile(r"[ \t]*\(")

# The first word of a form label at a line's start: "Line manager:", "Salary account:", "Bill to:",
# "Owner's tel.:"
_LABEL_REST = re.compile(r"(?:[ \t]+[a-z][a-z'\-.]*){1,3}[ \t]*:")

# The model sometimes takes the greeting into the name: "Dear W.B. Gomez"
_GREETING = re.compile(r"(?:Dear|Hi|Hello|Hey|Thanks|Thank you|Cheers|Greetings|Good morning|Good afternoon)[ \t,]+")
# ... or the number of a list item: "#9 B. Umar", "7. Anna Berg", "12) Ole Lund"
_LIST_NUMBER = re.compile(r"#?\d{1,3}[.)]?[ \t]+(?=\D)")
# ... or a word for a person's role or kinship that opens the sentence: "Driver Ann Lee can be ..." (eleventh round)
_ROLE_FIRST = re.compile(r"(\w+)[ \t]+(?=[^\W\d_])")


def names_a_calendar_day(value: str) -> bool:
    """True for "12 March", "March 3rd", "03/04/2025", "2025-03-04"; false for "2 weeks", "yesterday", "10:30"."""
    return _CALENDAR_DAY.search(value) is not None


def is_label_or_brand(value: str) -> bool:
    """One word that is a form label ("Tel", "Postcode") or a brand/product ("Netflix"), or an acronym ("PIN")."""
    word = value.strip().strip(".,:;!?'\"")
    if " " in word:  # a brand with a model number: "Galaxy S23", "Windows 11"
        first, *rest = word.split()
        return first.casefold() in BRANDS and all(any(ch.isdigit() for ch in w) for w in rest)
    return word.casefold() in LABEL_WORDS or word.casefold() in BRANDS or (len(word) > 1 and word.isupper())


def has_legal_form(text: str, start: int, end: int) -> bool:
    """The name carries, or is directly followed by, a company's legal form: "Köhler KG", "Perry & Sons"."""
    line_end = text.find("\n", end)
    after = text[end:line_end if line_end >= 0 else len(text)][:16]
    inside = text[start:end]
    return "&" in inside or _LEGAL_FORM.search(inside) is not None or _LEGAL_FORM.match(after.lstrip(" ,")) is not None


def opens_a_label(text: str, start: int, end: int) -> bool:
    """The span is one word, a line's first, and lower-case words and a colon follow: "Salary account: ..."."""
    line_start = text.rfind("\n", 0, start) + 1
    one_word_first = " " not in text[start:end].strip() and not text[line_start:start].strip()
    return one_word_first and _LABEL_REST.match(text, end) is not None


def names_an_organisation(text: str, start: int) -> bool:
    """The span stands on a line labelled as an organisation's: "Org: Tate, Butler and Williams"."""
    line_start = text.rfind("\n", 0, start) + 1
    return _ORGANISATION_LINE.match(text, line_start) is not None


# The last word of a team's or a desk's name, never of a person's
TEAM_WORDS = frozenset({"team", "desk", "department", "service", "services", "office", "support", "centre", "center",
                        "helpdesk", "hotline", "operations", "administration", "reception", "group", "unit", "care"})
# Words for a group of people, written where a name could stand: "Present: Board Members", "To: All Staff",
# "Attendees: Team Leads" (sixth round)
GROUP_WORDS = frozenset({"members", "staff", "leads", "heads", "managers", "directors", "employees", "residents",
                         "parents", "volunteers", "students", "trustees", "committee", "board", "council",
                         "colleagues", "everyone", "all", "guests", "participants", "attendees", "tenants",
                         "customers", "clients", "teachers", "governors", "shareholders", "crew"})


def inside_a_longer_number(text: str, span: Span) -> bool:
    """A date pattern's match that more digit groups continue: "1.01.1337" of "1.01.1337.383" is part of a
    phone number, not a date (tenth round); "2024-03-11/2024-03-12" is two dates."""
    value = text[span.start:span.end]
    after, before = text[span.end:span.end + 2], text[max(0, span.start - 2):span.start]
    # the date's own separator continues it; another one joins two dates ("2024-03-11/2024-03-12")
    return ((len(after) == 2 and after[0] in "./-" and after[0] in value and after[1].isdigit())
            or (len(before) == 2 and before[1] in "./-" and before[1] in value and before[0].isdigit()))


def a_piece_of_a_longer_number(text: str, span: Span) -> bool:
    """A match that digits joined by a dot, dash or slash continue: "460755" of "10.460755" is part of that
    number (a phone's), not a licence or an account number of its own (eleventh round)."""
    after, before = text[span.end:span.end + 2], text[max(0, span.start - 2):span.start]
    return ((len(after) == 2 and after[0] in "./-" and after[1].isdigit())
            or (len(before) == 2 and before[1] in "./-" and before[0].isdigit()))


def _role_first(value: str) -> re.Match[str] | None:
    role = _ROLE_FIRST.match(value)
    # "Porter" is a given name as well ("Porter Wagoner"): kept
    return role if role is not None and role.group(1).casefold() in ROLE_WORDS - {"porter"} else None


def judge_model_guess(text: str, span: Span) -> Span | None:
    """The statistical model's span as a reviewer would keep it: None when it is not personal data,
    retyped to ``COUNTRY_OR_REGION`` when it names a country or state (the policy decides on those)."""
    value = text[span.start:span.end]
    if span.entity_type == "DATE_TIME":
        return span if names_a_calendar_day(value) else None
    if span.entity_type == "PERSON":
        greeting = _GREETING.match(value) or _LIST_NUMBER.match(value) or _role_first(value)
        if greeting and greeting.end() < len(value):
            span = replace(span, start=span.start + greeting.end())
            value = text[span.start:span.end]
    if span.entity_type in ("PERSON", "LOCATION", "NRP"):
        if is_country_or_region(value):
            return replace(span, entity_type=COUNTRY_OR_REGION)
        if is_label_or_brand(value) or has_legal_form(text, span.start, span.end):
            return None
        if any(ch.isdigit() for ch in value):  # "ele-27", "Line 4": a code, not a name or a place
            return None
        if span.entity_type == "PERSON" and value.split()[-1].casefold() in TEAM_WORDS | GROUP_WORDS:
            return None  # "Support Desk", "Customer Service": a team signing, not a person
        if opens_a_label(text, span.start, span.end) or names_an_organisation(text, span.start):
            return None
        if " " not in value.strip() and _JOB_OR_LABEL_AFTER.match(text, span.end):
            return None
        if span.entity_type == "PERSON" and value.casefold() in ROLE_WORDS and _BRACKET_AFTER.match(text, span.end):
            return None  # "Neighbour (Jan Nowak) has a key": the role, the name in brackets after it (tenth round)
    return span
