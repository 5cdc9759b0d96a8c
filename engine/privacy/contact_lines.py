"""A name and a phone number side by side: each vouches for the other (issue 17, third round).

Contact lists, visitor logs, classified ads and signatures write a person and a number next to each
other with nothing but a comma, a dash or a bracketed relation between them ("Philip Hall 0410 807
415", "Derrick Lopez (mother) 036-68-47-297"). Either half alone is often too weak: the model reads
an unfamiliar name as a place or misses it, and a national number without a cue word nearby stays
under the threshold. Side by side:

* ``names_before_phones``: two or three capitalised words directly before a found phone number are a
  PERSON (also where the model read exactly those words as a place), unless a word is a label or a
  word of a service ("Customer Service 0800 ...", "Head Office", "Mobile Phone");
* ``phones_after_names``: a phone candidate that scored under the threshold is kept where it follows a
  found PERSON directly (after a comma, a dash, a colon or a bracketed word or two).
"""

from __future__ import annotations

from collections.abc import Sequence

import regex

from engine.privacy.not_personal import LABEL_WORDS
from engine.privacy.spans import NER_SOURCES, Span

SOURCE = "ContactLine"
_WORD = r"\p{Lu}[\p{Ll}’']+(?:-\p{Lu}[\p{Ll}’']+)?"
_NAME_BEFORE = regex.compile(
    rf"(?<![\p{{L}}\d@.\-])({_WORD}(?:[ \t]+{_WORD}){{1,2}})[ \t]*(?:,|[-–—]|\([\p{{Ll}} ]{{1,20}}\))?[ \t]*\Z")
_GAP_AFTER_NAME = regex.compile(r"\A[ \t]*(?:,|:|[-–—]|\([\p{L} ]{1,20}\))?[ \t]*(?:,|:|[-–—])?[ \t]*\Z")
_NOT_NAME_WORDS = frozenset({
    "service", "services", "support", "office", "desk", "team", "centre", "center", "line", "hotline", "helpline",
    "sales", "reception", "department", "helpdesk", "emergency", "main", "head", "switchboard", "enquiries",
    "inquiries", "bookings", "booking", "care", "branch", "store", "shop", "call", "ring", "dial", "text",
    "number", "cell", "home", "work", "business", "private", "day", "evening", "night", "daytime", "landline",
    "police", "fire", "ambulance", "hospital", "clinic", "school", "bank", "club", "free", "toll", "whatsapp",
    "sms", "voicemail", "fax", "tel", "telephone", "phone", "mobile", "direct", "general", "technical", "billing",
    "accounts", "order", "orders", "delivery", "returns", "info", "information", "the", "our", "your", "and",
    "or", "for", "from", "to", "on", "at", "by", "of", "in", "contact", "please", "thanks", "also",
})
_WINDOW = 60


def _covered(spans: Sequence[Span], start: int, end: int) -> list[Span]:
    return [s for s in spans if s.start < end and start < s.end]


def names_before_phones(text: str, spans: Sequence[Span]) -> tuple[list[Span], list[Span]]:
    """PERSON spans for names written right before a found phone number, and the model's place
    guesses on exactly those words, which the PERSON spans replace."""
    found: list[Span] = []
    replaced: list[Span] = []
    for phone in (s for s in spans if s.entity_type == "PHONE_NUMBER"):
        line_start = text.rfind("\n", 0, phone.start) + 1
        before = text[max(line_start, phone.start - _WINDOW):phone.start]
        m = _NAME_BEFORE.search(before)
        if m is None:
            continue
        words = [w.casefold() for w in regex.split(r"[ \t\-]+", m.group(1))]
        if any(w in _NOT_NAME_WORDS or w in LABEL_WORDS for w in words):
            continue
        start = phone.start - len(before) + m.start(1)
        end = start + len(m.group(1))
        overlapping = _covered([*spans, *found], start, end)
        if all(s.source in NER_SOURCES and s.entity_type in ("LOCATION", "NRP") and (s.start, s.end) == (start, end)
               for s in overlapping):
            found.append(Span("PERSON", start, end, 0.6, SOURCE))
            replaced.extend(overlapping)
    return found, replaced


def phones_after_names(text: str, spans: Sequence[Span], weak_phones: Sequence[Span]) -> list[Span]:
    """The weak phone candidates that follow a found PERSON directly and overlap nothing found."""
    people = [s for s in spans if s.entity_type == "PERSON"]
    kept: list[Span] = []
    for phone in sorted(weak_phones, key=lambda s: (s.start, -(s.end - s.start))):
        if _covered([*spans, *kept], phone.start, phone.end):
            continue
        if any(p.end <= phone.start and _GAP_AFTER_NAME.match(text[p.end:phone.start]) for p in people):
            kept.append(Span("PHONE_NUMBER", phone.start, phone.end, max(phone.score, 0.5), SOURCE))
    return kept
