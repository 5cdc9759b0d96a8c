"""A name heading a block of contact details (issue 17, fourth round).

A CV, a signature block, a business card or a letterhead puts a person's name on a line of its own at
the top of a block and their phone number or e-mail address a line or two below it:

    UBAYDULLAH RABIAH
    Logistics assistant
    030 588 69189 · rabiah.u@example.org

A line that holds nothing but two or three name words (capitalised or in capitals, a particle between
them allowed), that opens the text or follows a blank line, and that has a found phone number or
e-mail address on one of the next two lines, is a PERSON; also where the model read exactly those
words, or words of them, as a place. A line with a label, service or closing word ("Customer Service",
"Kind Regards", "Head Office") or a firm's legal form ("Nordic Parts AB") is not a name.
"""

from __future__ import annotations

from collections.abc import Sequence

import regex

from engine.privacy.contact_lines import NOT_NAME_WORDS
from engine.privacy.name_words import NAME_WORD, PARTICLE
from engine.privacy.not_personal import LABEL_WORDS, has_legal_form
from engine.privacy.spans import NameClaims, Span

SOURCE = "Letterhead"
_HEAD = regex.compile(
    rf"(?<=\A|\n[ \t]*\n)[ \t]*({NAME_WORD}(?:[ \t]+(?:{PARTICLE}[ \t]+)?{NAME_WORD}){{1,2}})[ \t]*(?=\n)")
_CLOSING_WORDS = frozenset({
    "regards", "kind", "best", "thanks", "thank", "sincerely", "yours", "cheers", "wishes", "warm", "dear",
    "hello", "hi", "profile", "summary", "experience", "education", "skills", "references", "curriculum", "vitae",
    "resume", "company", "limited", "group", "university", "college", "hotel", "restaurant", "street", "road",
})
_CONTACT_TYPES = ("PHONE_NUMBER", "EMAIL_ADDRESS")


def _is_name(words: str) -> bool:
    folded = [w.casefold() for w in regex.findall(r"[\p{L}’']+", words)]
    return not any(w in NOT_NAME_WORDS or w in LABEL_WORDS or w in _CLOSING_WORDS for w in folded)


def _two_lines_after(text: str, end: int) -> tuple[int, int]:
    stop = end
    for _ in range(2):
        nxt = text.find("\n", stop + 1)
        stop = len(text) if nxt < 0 else nxt
    return end, stop


def letterhead_names(text: str, spans: Sequence[Span]) -> tuple[list[Span], list[Span]]:
    """PERSON spans for names heading a block with a found phone number or e-mail address below them,
    and the model's place guesses inside those names, which the PERSON spans replace."""
    contacts = [s for s in spans if s.entity_type in _CONTACT_TYPES]
    if not contacts:
        return [], []
    claims = NameClaims(SOURCE)
    for m in _HEAD.finditer(text):
        start, end = m.span(1)
        below_start, below_end = _two_lines_after(text, end)
        if not any(below_start < c.start < below_end for c in contacts):
            continue
        if not _is_name(m.group(1)) or has_legal_form(text, start, end):
            continue
        claims.claim(spans, start, end, 0.55)
    return claims.result()
