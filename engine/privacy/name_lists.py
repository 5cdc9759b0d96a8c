"""Names listed together: one found name vouches for the others of its list (issue 17, fourth round).

"Thanks to Grace Juma, Magdaline J. Naliaka and Samwel", "Viewers: Zaafir Naail and Taheem Zuwayhir",
"Tali Saalim and Aazim Ijli - cannot come": a list joined by commas and an "and", "or" or "&" holds
things of one kind (commas alone make no list: "Anna Berg, Director"). Where one of its members is a
found PERSON of two words or more (or one a pattern found), every other member written like a name (one
to four capitalised words, initials, a particle or a title inside) is a PERSON too, also where the
model read exactly that member, or words of it, as a place. Members that are label, service, day, month
or job words ("Sales", "Monday") are not names, a firm's legal form ("Schmitt and Sons") makes no list
of people, and a list never runs across a line.

Lists also run down the page: "- Mary Adhiambo + 1 (vegetarian)", "#7 Bizhan Mourib (captain)". In two
or more lines in a row that open with the same kind of marker (a dash, star or bullet; "#7"; "1." or
"1)"), a found PERSON opening one item vouches for the name-like words opening the others, where
nothing but a bracket, a plus, a dash, a comma, a colon, a number or an "and" follows them ("- Restart
the router" opens with a verb and a lower-case word, not a name).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

import regex

from engine.privacy.contact_lines import NOT_NAME_WORDS
from engine.privacy.name_words import NAME_WORD, PARTICLE, TITLE
from engine.privacy.not_personal import LABEL_WORDS, has_legal_form
from engine.privacy.spans import NER_SOURCES, NameClaims, Span

SOURCE = "NameList"
_INITIALS = r"(?:\p{Lu}\.[ \t]?){1,3}"
_MEMBER = (rf"(?:{TITLE}\.?[ \t]+)?(?:{_INITIALS}{NAME_WORD}"
           rf"|{NAME_WORD}(?:[ \t]+(?:\p{{Lu}}\.|(?:{PARTICLE}[ \t]+)?{NAME_WORD})){{0,3}})")
_SEPARATOR = r"(?:[ \t]*,[ \t]*(?:(?:and|or)[ \t]+)?|[ \t]+(?:and|or|&)[ \t]+)"
_LIST = regex.compile(rf"(?<![\p{{L}}\d@.\-])(?:{_MEMBER}){_SEPARATOR}(?:{_MEMBER})"
                      rf"(?:{_SEPARATOR}(?:{_MEMBER}))*(?![\p{{L}}\d@])")
MEMBER_RX = regex.compile(_MEMBER)
_NOT_NAMES = frozenset({
    "i", "we", "you",
    "he", "she", "they", "it", "mum", "dad", "mom", "yes", "no", "ok", "hi", "hello", "dear", "director",
    "manager", "assistant", "coordinator", "officer", "engineer", "founder", "owner", "ceo", "cfo", "partner",
})
_CONJUNCTION = regex.compile(r"[ \t](?:and|or|&)[ \t]")
_ITEM = regex.compile(r"^[ \t]*(?:(?P<dash>[-*•·])|(?P<hash>#\d{1,3})|(?P<number>\d{1,3}[.)]))[ \t]+", regex.MULTILINE)
_AFTER_ITEM_NAME = regex.compile(r"[ \t]*(?:$|[(+,;:/–—\-]|\d)|[ \t]+(?:and|or|&)[ \t]", regex.MULTILINE)


def _is_name_like(member: str) -> bool:
    words = [w.casefold() for w in regex.findall(r"[\p{L}’']+", member)]
    return bool(words) and not any(w in _NOT_NAMES or w in NOT_NAME_WORDS or w in LABEL_WORDS for w in words)


def _vouches(text: str, span: Span) -> bool:
    """A found name of two words or more, or one a pattern found: the model's one-word guess inside a
    firm's name ("Berry, Jacobson and Reed") vouches for nothing."""
    return span.source not in NER_SOURCES or len(text[span.start:span.end].split()) >= 2


def names_in_groups(text: str, spans: Sequence[Span], groups: Iterable[list[tuple[int, int]]],
                     opening: bool) -> tuple[list[Span], list[Span]]:
    """In each group of members (start, end) that a found PERSON seeds (overlaps, or where ``opening``,
    holds the member's first character), the other name-like members are PERSON spans; the model's
    place guesses inside them are returned to be replaced."""
    people = [s for s in spans if s.entity_type == "PERSON" and _vouches(text, s)]
    claims = NameClaims(SOURCE)
    if not people:
        return claims.result()
    for members in groups:
        seeded = [any(p.start <= start < p.end if opening else p.start < end and start < p.end for p in people)
                  for start, end in members]
        if not any(seeded):
            continue
        for (start, end), seed in zip(members, seeded, strict=True):
            if seed or not _is_name_like(text[start:end]):
                continue
            claims.claim(spans, start, end, 0.55)
    return claims.result()


def _lists_in_lines(text: str) -> Iterator[list[tuple[int, int]]]:
    for run in _LIST.finditer(text):
        if not _CONJUNCTION.search(run.group()) or has_legal_form(text, run.start(), run.end()):
            continue  # "Anna Berg, Director" is a signature, "Schmitt and Sons" a company
        yield [(m.start() + run.start(), m.end() + run.start()) for m in MEMBER_RX.finditer(run.group())]


def listed_names(text: str, spans: Sequence[Span]) -> tuple[list[Span], list[Span]]:
    """PERSON spans for the other members of a list that holds a found PERSON, and the model's place
    guesses inside those members, which the PERSON spans replace."""
    return names_in_groups(text, spans, _lists_in_lines(text), opening=False)


def _item_runs(text: str) -> list[list[int]]:
    """Where the items start (after the marker), grouped in runs of consecutive lines of one marker kind."""
    runs: list[list[int]] = []
    last_kind, last_line_end = "", -2
    for m in _ITEM.finditer(text):
        kind = m.lastgroup or ""
        if kind == last_kind and text.count("\n", last_line_end, m.start()) == 1:
            runs[-1].append(m.end())
        else:
            runs.append([m.end()])
        last_kind = kind
        line_end = text.find("\n", m.end())
        last_line_end = len(text) if line_end < 0 else line_end
    return [run for run in runs if len(run) >= 2]


def _item_names(text: str) -> Iterator[list[tuple[int, int]]]:
    for run in _item_runs(text):
        members = []
        for start in run:
            m = MEMBER_RX.match(text, start)
            if m is not None and _AFTER_ITEM_NAME.match(text, m.end()):
                members.append((m.start(), m.end()))
        yield members


def bulleted_names(text: str, spans: Sequence[Span]) -> tuple[list[Span], list[Span]]:
    """PERSON spans for the names opening the items of a bulleted or numbered list down the page where
    a found PERSON opens another item, and the model's place guesses inside them, which they replace."""
    return names_in_groups(text, spans, _item_names(text), opening=True)
