"""National numbers with no cue that a reviewer still reads as phone numbers (issue 17, sixth round).

A number written the national way without a country code or a label ("601 234 567", "22 123 45 67",
"0701234567") scores under the threshold on its own: as often it is an ID, an amount or a date. Two
places settle it without a word around it:

* ``phones_in_record_rows``: the number is a whole cell of a delimited row (a log, an export pasted as
  text: "2024-03-11<TAB>601 234 567<TAB>Room 12<TAB>paid") and written as phones are written: in three
  groups or more with 8 to 13 digits, or with a trunk 0 and 9 to 11 digits. Amounts ("1 234 567", "12,50"),
  dates and a bare run without a trunk 0 (an order number) stay as they are.
* ``phones_like_found_ones``: the document already holds a found phone number written in the same
  groups ("+420 601 234 567" found by its code, "602 345 678" further down): the same hand wrote both.
* ``phones_alone_on_a_line``: the number, written as phones are written, is all its line holds, in a
  document in which a person was found (a notice: "It has a name tag (Nneka Okafor).\n600 758 709"); also in
  two groups or one run that is no date ("63904 7924", "93737200") where the line right before or after holds
  a name, an address or an e-mail address (a contact card, tenth round).
* ``phones_beside_contact_data``: the number stands next to a found e-mail address (eighth round), phone
  number, street address or IBAN (tenth round) on its line with nothing but a separator between them, as a
  CV header, a signature or a record writes them ("277-11051 · norayr@example.am", "+44 20 7946 0000 |
  78/016 6559", "Hauptstr. 5, 10115 Berlin (030 1234567)"); a single run of digits without a trunk 0 only
  where it is no date ("20240512") and not beside an IBAN.
* ``phones_with_call_times``: the number, written as phones are written, is followed on its line by when to
  call, in brackets or after a dash or comma: "0176 1234567 (evenings)", "000/1170041 (Uche, after 6)",
  "601 234 567 - weekdays only" (ninth round). Nothing but a telephone is reached at a time of day.
* ``national_numbers_in_prose``: the number is written the national way with a trunk 0 and its digits in
  two groups or more ("01785 3539", "01/8424.801", "030 123 4567": 9 to 11 digits, not "00", not a date)
  (ninth round). Most of Europe writes its numbers so; a number right after "ticket", "invoice", "no." and
  the like is a document's, not a person's.
* ``phones_closing_a_label_line``: the number, written as phones are written, ends its line after a label's
  colon or a question ("For urgent matters: 8250 06 57", "Questions? 97 07 46 76"), and the label is not a
  document's ("Ticket: ...") (ninth round); two groups of three digits or more or a run of 8 to 12 digits
  that is no date do there too ("Questions? 3435 1040", "For urgent matters: 2490055077"), and so does a
  number after a dash where a person is named before it on the line ("Neighbour (Jan Nowak) has a key -
  2505 91 898.") (tenth round).
* ``phones_in_brackets_after_a_role``: the number stands alone in brackets right after a word for a person
  ("Her sister (5333 87496) will pick her up", "the plumber (0171 234 567)", tenth round).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import regex

from engine.privacy.name_words import ROLE_WORDS
from engine.privacy.spans import Span, line_around, not_a_phone, whole_cell

SOURCE = "PhoneShape"
_GROUPS = regex.compile(r"\d+")
_COUNTRY_CODE = regex.compile(r"\A[ \t]*(?:\+|00)\d{1,3}(?:[ \t]*\(0\))?[ \t.\-/]*")


def shape(value: str) -> tuple[int, ...]:
    """The lengths of the digit groups: "601 234 567" -> (3, 3, 3); "+420 601 234 567" -> (3, 3, 3) too,
    the country code and a "(0)" after it left out."""
    return tuple(len(g) for g in _GROUPS.findall(_COUNTRY_CODE.sub("", value, count=1)))


def written_in_groups(value: str) -> bool:
    """Three groups or more and 8 to 13 digits ("22 123 45 67"), or a trunk 0 and 9 to 11 digits
    ("0701234567", "070-123 45 67"); "1 234 567" (an amount) and "20240512" (a date or an ID) are not."""
    groups = shape(value)
    digits = sum(groups)
    if value.lstrip("(").startswith(("+", "00")):  # a country code: "0097042621096", "+962/36583176"
        return 10 <= sum(ch.isdigit() for ch in value) <= 15
    if len(groups) >= 3 and 8 <= digits <= 13:
        return not _thousands(value, groups)
    return value.lstrip("(").startswith("0") and 9 <= digits <= 11


def _thousands(value: str, groups: tuple[int, ...]) -> bool:
    """Grouped like an amount: one to three digits, then groups of three with one separator ("12 345 678")."""
    separators = set(regex.findall(r"\D+", value.strip()))
    return groups[0] <= 3 and all(g == 3 for g in groups[1:]) and len(separators) == 1 and groups[0] != 3


# Two groups of three digits or more, eight to eleven in all: "3435 1040", "8042.7184", "69280 042" (tenth round)
_TWO_GROUPS = regex.compile(r"(?=(?:\D*\d){8,11}\D*\Z)\d{3,}[ .\-/]\d{3,}")
# A bare run of 8 to 12 digits that is no date: "93737200", "13387942095", not "20240512" (tenth round)
_BARE_RUN = regex.compile(r"\d{8,12}")
_RUN_DATE = regex.compile(r"(?:19|20)\d\d(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])"
                          r"|(?:0[1-9]|[12]\d|3[01])(?:0[1-9]|1[0-2])(?:19|20)\d\d")
# Seven digits as small countries group them: "316 40 81", "583 3667", "398 0 861" (tenth round)
_SEVEN = regex.compile(r"\d{3}(?:([ .\-])\d{2}\1\d{2}|[ .\-]\d{4}| \d \d{3})")


def _two_groups_or_a_run(value: str) -> bool:
    """Two groups of three digits or more, a run of 8 to 12 digits that is no date, or seven digits grouped."""
    if _TWO_GROUPS.fullmatch(value) is not None or _SEVEN.fullmatch(value) is not None:
        return True
    return a_run_that_is_no_date(value)


def a_run_that_is_no_date(value: str) -> bool:
    """A bare run of 8 to 12 digits that is no date: "93737200", not "20240512"."""
    return _BARE_RUN.fullmatch(value) is not None and _RUN_DATE.fullmatch(value) is None


def phones_in_record_rows(text: str, spans: Sequence[Span], weak_phones: Sequence[Span]) -> list[Span]:
    """Weak phone candidates that overlap nothing found and stand as a whole cell of a delimited row."""
    return _vouched(spans, weak_phones, lambda phone: written_in_groups(text[phone.start:phone.end])
                    and whole_cell(text, phone.start, phone.end) is not None)


def phones_like_found_ones(text: str, spans: Sequence[Span], weak_phones: Sequence[Span]) -> list[Span]:
    """Weak phone candidates of three groups or more written in the same groups as a found phone number."""
    shapes = {shape(text[s.start:s.end]) for s in spans if s.entity_type == "PHONE_NUMBER"}

    def same_groups(phone: Span) -> bool:
        groups = shape(text[phone.start:phone.end])
        return len(groups) >= 3 and groups in shapes

    return _vouched(spans, weak_phones, same_groups)


def phones_alone_on_a_line(text: str, spans: Sequence[Span], weak_phones: Sequence[Span]) -> list[Span]:
    """Weak phone candidates written as phones that fill their line, where the document names a person or
    the line right before or after holds a name, an address or an e-mail address."""
    someone = any(s.entity_type == "PERSON" for s in spans)

    def alone(phone: Span) -> bool:
        line_start, line_end = line_around(text, phone.start, phone.end)
        value = text[phone.start:phone.end]
        if text[line_start:line_end].strip() != value:
            return False
        if written_in_groups(value) and someone:
            return True
        return ((written_in_groups(value) or _two_groups_or_a_run(value))
                and _data_on_next_line(text, line_start, line_end, spans))

    return _vouched(spans, weak_phones, alone)


_CARD_DATA = frozenset({"PERSON", "EMAIL_ADDRESS", "STREET_ADDRESS"})


def _data_on_next_line(text: str, line_start: int, line_end: int, spans: Sequence[Span]) -> bool:
    """A found name, address or e-mail address on the line right before or right after: a contact card."""
    before = text.rfind("\n", 0, max(0, line_start - 1)) + 1
    after = text.find("\n", line_end + 1)
    after = len(text) if after < 0 else after
    return any(s.entity_type in _CARD_DATA and before <= s.start and s.end <= after for s in spans)


# Only a separator between two pieces of contact data; an opening bracket before the number too
_SEPARATOR_ONLY = regex.compile(r"[ \t]*[·•|,;/–—-]?[ \t]*")
_SEPARATOR_BEFORE = regex.compile(r"[ \t]*(?:[·•|,;/–—-]|\()?[ \t]*")
_LINE_BREAK = regex.compile(r"[ \t]*\r?\n[ \t]*")
_CONTACT_DATA = frozenset({"EMAIL_ADDRESS", "PHONE_NUMBER", "STREET_ADDRESS", "IBAN_CODE"})


def phones_beside_contact_data(text: str, spans: Sequence[Span], weak_phones: Sequence[Span]) -> list[Span]:
    """Weak phone candidates of 8 to 13 digits with a found e-mail address, phone number, street address or
    IBAN right before or after them on their line, only a separator between ("{phone} | {weak}", "{address}
    · {weak}", "{address} ({weak})", tenth round), or alone on their line with such data ending the line above
    and opening the line below ("{address}\n{weak}\n{e-mail}", twelfth round); a single run of digits only
    beside an e-mail address, a phone number or an address, and not a date."""
    data = [s for s in spans if s.entity_type in _CONTACT_DATA]

    def beside(phone: Span) -> bool:
        value = text[phone.start:phone.end]
        groups = shape(value)
        if not 8 <= sum(groups) <= 13:
            return False
        run = len(groups) < 2 and not value.lstrip("(").startswith(("0", "+"))
        if run and _RUN_DATE.fullmatch(value) is not None:
            return False
        alone = text[slice(*line_around(text, phone.start, phone.end))].strip(" \t") == value
        above = any(d.end <= phone.start and _LINE_BREAK.fullmatch(text, d.end, phone.start) for d in data)
        below = any(d.start >= phone.end and _LINE_BREAK.fullmatch(text, phone.end, d.start) for d in data)
        if alone and above and below:
            return True
        return any((not run or d.entity_type != "IBAN_CODE") and (
            _SEPARATOR_ONLY.fullmatch(text[phone.end:d.start]) if d.start >= phone.end else
            d.end <= phone.start and _SEPARATOR_BEFORE.fullmatch(text[d.end:phone.start])) for d in data)

    return _vouched(spans, weak_phones, beside)


# When to call, right after the number: a bracket or a dash/comma, then a few words at most, then a time
_CALL_TIME = regex.compile(
    r"[ \t]*(?:\(|[,–—-])[^()\n]{0,24}?\b(?i:evenings?|mornings?|afternoons?|weekdays?|weekends?|daytime"
    r"|any[ \t]?time|after[ \t]+\d{1,2}(?:[.:]\d\d)?[ \t]*(?:[ap]\.?m\b|h\b|o'clock)?|before[ \t]+\d{1,2}"
    r"|office[ \t]+hours|\d{1,2}(?:[.:]\d\d)?[ \t]*[-–][ \t]*\d{1,2}(?:[.:]\d\d)?[ \t]*(?:[ap]\.?m\b|h\b)?)")


def phones_with_call_times(text: str, spans: Sequence[Span], weak_phones: Sequence[Span]) -> list[Span]:
    """Weak phone candidates written as phones with a time to call right after them on their line."""
    return _vouched(spans, weak_phones, lambda phone: written_in_groups(text[phone.start:phone.end])
                    and _CALL_TIME.match(text, phone.end, min(len(text), phone.end + 60)) is not None)


_TRUNK_ZERO = regex.compile(r"\(?0[1-9]\d*\)?(?:[ \t./\-]\d+)+")
# a label's colon or a question mark, French spacing before it too ("Pour toute question : ...")
_LABEL_END = regex.compile(r"\p{L}[ \t\u00a0\u202f]?[:?][ \t]*\Z")
# The words of a document's number, not a person's: "Ticket 0185 28904", "Invoice no.: 0512 345678",
# "ISBN 0-306-40615-2", "Firmware 5.17.598.4896", "Serial number 8527-5723-0057"
_DOCUMENT_WORDS = (r"ticket|order|invoice|ref|reference|account|acct|case|item|article|contract|policy|claim"
                   r"|booking|serial|tracking|parcel|shipment|consignment|receipt|transaction|batch|lot|isbn|issn|sku"
                   r"|version|firmware|build|release|model|part")
# ... right before the number, with at most "no.", "number", "#" or "ID" and a colon between (ninth round)
_DOCUMENT_LABEL = regex.compile(rf"\b(?i:{_DOCUMENT_WORDS})(?:[ \t]*(?i:no\.?|nr\.?|number|#|id))?[ \t]*[:#?]?[ \t]*\Z")
# ... or a few characters before a weak candidate, "number" and "no." alone included
_DOCUMENT_WORD = regex.compile(
    rf"\b(?i:{_DOCUMENT_WORDS}|id|customer|member|membership|file|no|nr|number)\b[^\n\d]{{0,8}}\Z")


def names_a_document(text: str, start: int) -> bool:
    """A document's number is labelled right before ``start`` ("Order 0655 003354", "Serial number ...");
    a number in international format ("+39 ...", "0039 ...") is a phone whatever the label."""
    if text.startswith(("+", "00"), start):
        return False
    return _DOCUMENT_LABEL.search(text, max(0, start - 40), start) is not None


def national_numbers_in_prose(text: str, spans: Sequence[Span], weak_phones: Sequence[Span]) -> list[Span]:
    """Weak phone candidates with a trunk 0 and 9 to 11 digits in two groups or more, unless a word of a
    document's number (ticket, order, invoice, account, no.) stands right before."""

    def national(phone: Span) -> bool:
        value = text[phone.start:phone.end]
        return (_TRUNK_ZERO.fullmatch(value) is not None and 9 <= sum(shape(value)) <= 11 and not not_a_phone(value)
                and _DOCUMENT_WORD.search(text, max(0, phone.start - 30), phone.start) is None)

    return _vouched(spans, weak_phones, national)


_DASH_END = regex.compile(r"\p{L}[ \t]+[-–—][ \t]*\Z")
def phones_closing_a_label_line(text: str, spans: Sequence[Span], weak_phones: Sequence[Span]) -> list[Span]:
    """Weak phone candidates written as phones that end their line right after a colon or a question mark,
    unless the line names a document's number ("Ticket: 22 123 45 67")."""

    def closing(phone: Span) -> bool:
        line_start, line_end = line_around(text, phone.start, phone.end)
        before, after = text[line_start:phone.start], text[phone.end:line_end]
        value = text[phone.start:phone.end]
        if after.strip(" \t.") or _DOCUMENT_WORD.search(before) is not None:
            return False
        if not (written_in_groups(value) or _two_groups_or_a_run(value)):
            return False
        if _DASH_END.search(before) is not None:  # "Neighbour (Jan Nowak) has a key - 2474 0746."
            return any(s.entity_type == "PERSON" and line_start <= s.start and s.end <= phone.start for s in spans)
        return _LABEL_END.search(before) is not None

    return _vouched(spans, weak_phones, closing)


_ROLE_THEN_BRACKET = regex.compile(rf"\b(?i:{'|'.join(sorted(ROLE_WORDS))})[ \t]*\([ \t]*\Z")


def phones_in_brackets_after_a_role(text: str, spans: Sequence[Span], weak_phones: Sequence[Span]) -> list[Span]:
    """Weak phone candidates of eight digits or more, not a bare run, alone in brackets right after a word
    for a person: "Her sister (5333 87496) will pick her up", "the plumber (0171 234 567)" (tenth round)."""

    def bracketed(phone: Span) -> bool:
        value = text[phone.start:phone.end]
        return ((sum(shape(value)) >= 8 or _SEVEN.fullmatch(value) is not None)
                and (not value.isdigit() or value.startswith("0"))
                and text[phone.end:phone.end + 1] == ")" and not not_a_phone(value)
                and _ROLE_THEN_BRACKET.search(text, max(0, phone.start - 40), phone.start) is not None)

    return _vouched(spans, weak_phones, bracketed)


def _vouched(spans: Sequence[Span], weak_phones: Sequence[Span], vouches: Callable[[Span], bool]) -> list[Span]:
    """The weak candidates that ``vouches`` for and that overlap nothing found or already kept, as phone
    numbers of this module's source (score at least 0.5)."""
    kept: list[Span] = []
    for phone in weak_phones:
        if not any(s.overlaps(phone) for s in [*spans, *kept]) and vouches(phone):
            kept.append(Span("PHONE_NUMBER", phone.start, phone.end, max(phone.score, 0.5), SOURCE))
    return kept
