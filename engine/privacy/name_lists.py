"""Names listed together: one found name vouches for the others of its list (issue 17, fourth round).

"Thanks to Grace Juma, Magdaline J. Naliaka and Samwel", "Viewers: Zaafir Naail and Taheem Zuwayhir",
"Tali Saalim and Aazim Ijli - cannot come": a list joined by commas and an "and", "or" or "&" holds
things of one kind (commas alone make no list: "Anna Berg, Director"). Where one of its members is a
found PERSON of two words or more (or one a pattern found), every other member written like a name (one
to four capitalised words, initials, a particle or a title inside) is a PERSON too, also where the
model read exactly that member, or words of it, as a place. Members that are label, service, day, month
or job words ("Sales", "Monday") are not names, a firm's legal form ("Schmitt and Sons") makes no list
of people, and a list never runs across a line.
"""

from __future__ import annotations

from collections.abc import Sequence

import regex

from engine.privacy.contact_lines import NOT_NAME_WORDS
from engine.privacy.name_words import PARTICLE, TITLE
from engine.privacy.not_personal import LABEL_WORDS, has_legal_form
from engine.privacy.spans import NER_SOURCES, Span

SOURCE = "NameList"
_WORD = r"(?:\p{Lu}[\p{Ll}’']*\p{Ll}(?:-\p{Lu}[\p{Ll}’']*\p{Ll})?|\p{Lu}{2,}(?:-\p{Lu}{2,})?)"
_INITIALS = r"(?:\p{Lu}\.[ \t]?){1,3}"
_MEMBER = (rf"(?:{TITLE}\.?[ \t]+)?(?:{_INITIALS}{_WORD}"
           rf"|{_WORD}(?:[ \t]+(?:\p{{Lu}}\.|(?:{PARTICLE}[ \t]+)?{_WORD})){{0,3}})")
_SEPARATOR = r"(?:[ \t]*,[ \t]*(?:(?:and|or)[ \t]+)?|[ \t]+(?:and|or|&)[ \t]+)"
_LIST = regex.compile(rf"(?<![\p{{L}}\d@.\-])(?:{_MEMBER}){_SEPARATOR}(?:{_MEMBER})"
                      rf"(?:{_SEPARATOR}(?:{_MEMBER}))*(?![\p{{L}}\d@])")
_MEMBER_RX = regex.compile(_MEMBER)
_NOT_NAMES = frozenset({
    "i", "we", "you",
    "he", "she", "they", "it", "mum", "dad", "mom", "yes", "no", "ok", "hi", "hello", "dear", "director",
    "manager", "assistant", "coordinator", "officer", "engineer", "founder", "owner", "ceo", "cfo", "partner",
})
_CONJUNCTION = regex.compile(r"[ \t](?:and|or|&)[ \t]")


def _is_name_like(member: str) -> bool:
    words = [w.casefold() for w in regex.findall(r"[\p{L}’']+", member)]
    return bool(words) and not any(w in _NOT_NAMES or w in NOT_NAME_WORDS or w in LABEL_WORDS for w in words)


def _vouches(text: str, span: Span) -> bool:
    """A found name of two words or more, or one a pattern found: the model's one-word guess inside a
    firm's name ("Berry, Jacobson and Reed") vouches for nothing."""
    return span.source not in NER_SOURCES or len(text[span.start:span.end].split()) >= 2


def _place_guess(span: Span) -> bool:
    return span.source in NER_SOURCES and span.entity_type in ("LOCATION", "NRP")


def listed_names(text: str, spans: Sequence[Span]) -> tuple[list[Span], list[Span]]:
    """PERSON spans for the other members of a list that holds a found PERSON, and the model's place
    guesses inside those members, which the PERSON spans replace."""
    people = [s for s in spans if s.entity_type == "PERSON" and _vouches(text, s)]
    if not people:
        return [], []
    found: list[Span] = []
    replaced: list[Span] = []
    for run in _LIST.finditer(text):
        if not _CONJUNCTION.search(run.group()) or has_legal_form(text, run.start(), run.end()):
            continue  # "Anna Berg, Director" is a signature, "Schmitt and Sons" a company
        members = [(m.start() + run.start(), m.end() + run.start()) for m in _MEMBER_RX.finditer(run.group())]
        seeded = [any(p.start < end and start < p.end for p in people) for start, end in members]
        if not any(seeded):
            continue
        for (start, end), seed in zip(members, seeded, strict=True):
            if seed or not _is_name_like(text[start:end]):
                continue
            inside = [s for s in spans if s.start < end and start < s.end]
            if all(_place_guess(s) and start <= s.start and s.end <= end for s in inside):
                found.append(Span("PERSON", start, end, 0.55, SOURCE))
                replaced.extend(inside)
    return found, replaced
