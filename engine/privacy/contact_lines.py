"""A name and a phone number side by side: each vouches for the other (issue 17, third round).

Contact lists, visitor logs, classified ads and signatures write a person and a number next to each
other with nothing but a comma, a dash or a bracketed relation between them ("Philip Hall 0410 807
415", "Derrick Lopez (mother) 036-68-47-297"). Either half alone is often too weak: the model reads
an unfamiliar name as a place or misses it, and a national number without a cue word nearby stays
under the threshold. Side by side:

* ``names_before_phones``: one to four capitalised words directly before a found phone number are a
  PERSON (also where the model read exactly those words as a place), unless a word is a label or a
  word of a service ("Customer Service 0800 ...", "Head Office", "Mobile Phone"); a leading label or
  role word is left out ("Caller Awani Karam (0371 ...)"); one word only after a line's start, a
  colon, "call", "or" ("or Alicia on 0952 913 2528"). A phone candidate under the threshold with a name
  of two words or more right before it is kept, and the name found (fourth round);
* ``phones_after_names``: a phone candidate that scored under the threshold is kept where it follows a
  found PERSON directly (after a comma, a dash, a colon or a bracketed word or two, an opening bracket,
  or on the next line, as in a signature), where a found PERSON follows it in brackets ("0700 18 03 71
  (Daniel, evenings)", sixth round), where it stands alone in brackets one word after a found PERSON
  ("Rovdolf drives (96-753533)", ninth round), where a found PERSON follows it after a dash or a comma
  ("60-3335 358 - Ann Lee (plumber)", ninth round), or after spaces only where the number opens its line and the
  name closes it ("63 282 53 68 Sibylla Schmidtke", eleventh round), or where it is a whole cell of a delimited
  row that has a found PERSON in another cell (fifth round);
* ``names_after_phones``: two to five name words after a number that opens its line, closing the line (after a
  dash or a comma, a title, and with a bracketed role after them): "9813 1656 Dirk Van Hove", "836 4903 - Billy
  Dunn-Lowe (plumber)". The words are a PERSON (the model's place guesses or a shorter name inside them give
  way), and a weak number there is kept; a bare run of digits only with eight to twelve of them, not a date, and
  with nothing but spaces before a name that something else found (twelfth round).
"""

from __future__ import annotations

from collections.abc import Sequence

import regex

from engine.privacy.name_words import NAME_WORD, PARTICLE, ROLE_WORDS, TITLE
from engine.privacy.not_personal import LABEL_WORDS
from engine.privacy.phone_rows import a_run_that_is_no_date
from engine.privacy.spans import NameClaims, Span, line_around, whole_cell

SOURCE = "ContactLine"
_WORD = r"\p{Lu}(?:[’']\p{Lu})?[\p{Ll}’']+(?:-\p{Lu}[\p{Ll}’']+)?"  # Anna, Lars-Erik, O'Connor
# One to three capitalised words (a leading label or role word is dropped later), then a comma, a dash, a
# bracketed relation, "on"/"at" or the bracket the number stands in: "Caller Awani Karam (0371-5253451)"
_NAME_BEFORE = regex.compile(
    rf"(?<![\p{{L}}\d@.\-])({_WORD}(?:[ \t]+{_WORD}){{0,3}})"
    rf"[ \t]*(?:\([\p{{Ll}} ]{{1,20}}\)[ \t]*)?(?:[,;]|[-–—/|·•]|(?<=[ \t])(?:on|at))?[ \t]*"
    rf"(?:(?P<word>\p{{Ll}}+)(?P<colon>[ \t]*:)?[ \t]*)?\(?[ \t]*\Z")
# What may stand before a name of one word: a line's start, a label's colon, a verb of calling, "or"/"and"
_BEFORE_ONE_WORD = regex.compile(
    r"(?:\A|:|\b(?i:call|text|ring|phone|contact|message|ask[ \t]+for|or|and|try))[ \t]*\Z")
# ... and between a name and the number after it: a separator (a slash, bar or dot as lists write them), a
# bracketed word or date ("Ana Pérez (12.03.1984), ..." tenth round), a
# line break (a signature's next line), one lower-case word, an opening bracket ("Mira Lind (601 234 567)";
# "Jan Nowak <601 234 567>" as a mail header writes an address, tenth round)
_GAP_AFTER_NAME = regex.compile(r"\A[ \t]*(?:[,;]|:|[-–—/|·•]|\([\p{L}\d .\-/]{1,20}\))?[ \t]*(?:,|:|[-–—])?[ \t]*"
                                r"(?:\r?\n[ \t]*)?(?:(?P<word>\p{Ll}+)[ \t]*:?[ \t]*)?[(<]?[ \t]*\Z")
NOT_NAME_WORDS = frozenset({
    "service", "services", "support", "office", "desk", "team", "centre", "center", "line", "hotline", "helpline",
    "sales", "reception", "department", "helpdesk", "emergency", "main", "head", "switchboard", "enquiries",
    "inquiries", "bookings", "booking", "care", "branch", "store", "shop", "call", "ring", "dial", "text",
    "number", "cell", "home", "work", "business", "private", "day", "evening", "night", "daytime", "landline",
    "police", "fire", "ambulance", "hospital", "clinic", "school", "bank", "club", "free", "toll", "whatsapp",
    "sms", "voicemail", "fax", "tel", "telephone", "phone", "mobile", "direct", "general", "technical", "billing",
    "accounts", "order", "orders", "delivery", "returns", "info", "information", "the", "our", "your", "and",
    "or", "for", "from", "to", "on", "at", "by", "of", "in", "contact", "please", "thanks", "also",
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "january", "february", "march",
    "april", "may", "june", "july", "august", "september", "october", "november", "december", "today", "tomorrow",
})
_WINDOW = 60


def _covered(spans: Sequence[Span], start: int, end: int) -> list[Span]:
    return [s for s in spans if s.start < end and start < s.end]


def _phones_to_vouch(spans: Sequence[Span], weak_phones: Sequence[Span]) -> list[tuple[Span, bool]]:
    """The found phone numbers and the weak candidates that overlap nothing found, in text order, each with
    whether it is a weak one."""
    found = [s for s in spans if s.entity_type == "PHONE_NUMBER"]
    free_weak = [p for p in weak_phones if not _covered(spans, p.start, p.end)]
    return [(p, p not in found) for p in sorted([*found, *free_weak], key=lambda s: (s.start, -s.end))]


def names_before_phones(text: str, spans: Sequence[Span],
                        weak_phones: Sequence[Span] = ()) -> tuple[list[Span], list[Span]]:
    """PERSON spans for names written right before a found phone number, and the model's place
    guesses inside those words, which the PERSON spans replace. A weak phone candidate with a name
    of two words or more right before it is kept too, with the name: each vouches for the other."""
    claims = NameClaims(SOURCE)
    for phone, weak in _phones_to_vouch(spans, weak_phones):
        if weak and _covered(claims.found, phone.start, phone.end):
            continue
        line_start = text.rfind("\n", 0, phone.start) + 1
        before = text[max(line_start, phone.start - _WINDOW):phone.start]
        m = _NAME_BEFORE.search(before)
        if m is None or (m.group("word") and (m.group("colon") or not _not_a_name_word(m.group("word")))):
            continue  # "Practice phone: 0301 ..." is a label; "Borche Zafirovska - dad 078 ..." a name
        name = _name_part(text[line_start:phone.start - len(before) + m.start(1)], m.group(1))
        if name is None or (weak and " " not in name):
            continue
        end = phone.start - len(before) + m.end(1)
        start = end - len(name)
        # nothing but the model's place guesses inside the name: "Gergely [Tóth]"
        if claims.claim([*spans, *claims.found], start, end, 0.6) and weak:
            claims.found.append(Span("PHONE_NUMBER", phone.start, phone.end, max(phone.score, 0.5), SOURCE))
    return claims.result()


def _name_part(preceding: str, words: str) -> str | None:
    """The name in ``words`` once leading label, service and role words are dropped ("Call Anna Berg" ->
    "Anna Berg"); None where a word of it is such a word, or where one word is left that nothing before
    introduces (a line's start, a colon, "call", "or" do: "or Alicia on 0952 913 2528")."""
    parts = regex.split(r"([ \t]+)", words)
    while parts and _not_a_name_word(parts[0]):
        preceding, parts = preceding + "".join(parts[:2]), parts[2:]
    if not parts or any(_not_a_name_word(w) for w in parts[::2]):
        return None
    if len(parts) == 1 and not _BEFORE_ONE_WORD.search(preceding.rstrip(" \t") + " "):
        return None
    return "".join(parts)


def _follows_directly(gap: str) -> bool:
    """Nothing but a comma, a dash, a colon, a bracketed word or two, or one word of kinship, work or a phone
    label stands between a name and a number: "Mounir Brahmi (chemistry) - dad 0538 86 03 36"."""
    m = _GAP_AFTER_NAME.match(gap)
    return m is not None and (m.group("word") is None or _not_a_name_word(m.group("word")))


def _not_a_name_word(word: str) -> bool:
    low = word.casefold()
    return any(w in NOT_NAME_WORDS or w in LABEL_WORDS or w in ROLE_WORDS for w in low.split("-"))


def phones_after_names(text: str, spans: Sequence[Span], weak_phones: Sequence[Span]) -> list[Span]:
    """The weak phone candidates that overlap nothing found and follow a found PERSON directly, or stand
    as a whole cell of a delimited row in which a found PERSON fills another cell."""
    people = [s for s in spans if s.entity_type == "PERSON"]
    kept: list[Span] = []
    for phone in sorted(weak_phones, key=lambda s: (s.start, -(s.end - s.start))):
        if _covered([*spans, *kept], phone.start, phone.end):
            continue
        value = text[phone.start:phone.end]
        if (any(p.end <= phone.start and _follows_directly(text[p.end:phone.start])
                and ("\n" not in text[p.end:phone.start] or _written_as_a_phone(value)) for p in people)
                or any(_bracket_between(text, phone.end, p.start) for p in people)
                or (_written_as_a_phone(value) and any(_bracketed_after_a_word(text, p.end, phone)
                                                       or _NAME_AFTER_SEPARATOR.fullmatch(text, phone.end, p.start)
                                                       for p in people))
                or (_written_as_a_phone(value) and _in_a_row_with_a_person(text, phone, people))
                or (_written_as_a_phone(value) and any(_opens_a_line_a_name_closes(text, phone, p) for p in people))):
            kept.append(Span("PHONE_NUMBER", phone.start, phone.end, max(phone.score, 0.5), SOURCE))
    return kept


_LINE_OPENING = regex.compile(r"[ \t]*(?:[-*•·][ \t]+)?")
_LINE_CLOSING = regex.compile(r"[ \t]*(?:[,;(].*)?")


def _opens_a_line_a_name_closes(text: str, phone: Span, person: Span) -> bool:
    """The number opens its line (after a list's bullet), a found PERSON follows after spaces only and closes the
    line (a comma or a bracket may follow it): "63 282 53 68 Sibylla Schmidtke" (eleventh round)."""
    line_start = text.rfind("\n", 0, phone.start) + 1
    line_end = len(text) if (nl := text.find("\n", person.end)) < 0 else nl
    return (phone.end < person.start and _LINE_OPENING.fullmatch(text, line_start, phone.start) is not None
            and text[phone.end:person.start].strip(" \t") == ""
            and _LINE_CLOSING.fullmatch(text, person.end, line_end) is not None)


def _bracket_between(text: str, end: int, start: int) -> bool:
    """Only an opening bracket between a number and a name after it: "0700 18 03 71 (Daniel, evenings)"."""
    return end < start and text[end:start].strip(" \t") == "("


# Only a dash, a slash, a bar or a comma between a number and a name after it: "60-3335 358 - Ann Lee (plumber)"
_NAME_AFTER_SEPARATOR = regex.compile(r"[ \t]*[,/|·•–—-][ \t]*")
_ONE_WORD_THEN_BRACKET = regex.compile(r"[ \t]+\p{Ll}+[ \t]+\([ \t]*")


def _bracketed_after_a_word(text: str, name_end: int, phone: Span) -> bool:
    """The number alone in brackets, one word after a name: "Rovdolf drives (96-753533)" (ninth round)."""
    return (name_end <= phone.start and _ONE_WORD_THEN_BRACKET.fullmatch(text, name_end, phone.start) is not None
            and text[phone.end:phone.end + 1] == ")")


def _written_as_a_phone(value: str) -> bool:
    """In groups or with a trunk 0: a bare run like 10293847 or 20240512 is more often an ID or a date."""
    return not value.isdigit() or value.startswith("0")


def _in_a_row_with_a_person(text: str, phone: Span, people: Sequence[Span]) -> bool:
    """"Kovacs Anna;Budapest;601 234 567;active": the number is a whole cell of a row split by one
    delimiter (two or more in the line), a found PERSON lies inside another cell of the same row, and the
    number is written in groups or with a trunk 0."""
    row = whole_cell(text, phone.start, phone.end)
    if row is None:
        return False
    line_start, line_end, delimiter = row
    return any(line_start <= p.start and p.end <= line_end and delimiter not in text[p.start:p.end]
               for p in people)


# What may close a line after the number that opens it: a separator, a title ("Dr", "Sig."), two to five name
# words (small words between them), a bracketed role or a comma and more: "9078 9613 Sig. Donato Asprucci"
_NAME_CLOSING_THE_LINE = regex.compile(
    rf"[ \t]*(?:[,;/|·•–—-][ \t]*)?(?:(?:{TITLE}\.?|\p{{Lu}}\p{{Ll}}{{0,3}}\.)[ \t]+)?"
    rf"(?P<name>{NAME_WORD}(?:[ \t]+(?:{PARTICLE}[ \t]+)?{NAME_WORD}){{1,4}})[ \t]*(?:[,;(].*)?")


def names_after_phones(text: str, spans: Sequence[Span],
                       weak_phones: Sequence[Span] = ()) -> tuple[list[Span], list[Span]]:
    """PERSON spans for the name words closing a line that a phone number opens, the spans they replace (the
    model's place guesses, a shorter name inside them), and the weak numbers so vouched for."""
    claims = NameClaims(SOURCE)
    for phone, weak in _phones_to_vouch(spans, weak_phones):
        value = text[phone.start:phone.end]
        if weak and (_covered(claims.found, phone.start, phone.end) or not (
                _written_as_a_phone(value) or a_run_that_is_no_date(value))):
            continue
        line_start, line_end = line_around(text, phone.start, phone.end)
        m = _NAME_CLOSING_THE_LINE.fullmatch(text, phone.end, line_end)
        if (_LINE_OPENING.fullmatch(text, line_start, phone.start) is None or m is None
                or any(_not_a_name_word(w) for w in m.group("name").split())):
            continue
        start, end = m.span("name")
        inside = _covered([*spans, *claims.found], start, end)
        shorter = [s for s in inside if s.entity_type == "PERSON" and start <= s.start and s.end <= end]
        if weak and not _written_as_a_phone(value) and (not shorter or text[phone.end:start].strip(" \t")):
            continue  # "12345678 Blue Widget", "77457943 - Nicola Jones": a bare run only before a found name
        if shorter and len(shorter) == len(inside):
            claims.found.append(Span("PERSON", start, end, max(s.score for s in shorter), SOURCE))
            claims.replaced.extend(shorter)
        elif not claims.claim([*spans, *claims.found], start, end, 0.6):
            continue
        if weak:
            claims.found.append(Span("PHONE_NUMBER", phone.start, phone.end, max(phone.score, 0.5), SOURCE))
    return claims.result()
