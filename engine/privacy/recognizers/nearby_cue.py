"""Context cues read from the words as written, stop words included.

presidio raises a pattern's score when a context word is among the few *keywords* before the match,
and its keywords leave out spaCy's stop words, among them "call" and "back": "Could you call me back
on 934 70 039?" never got the raise. ``boost_by_nearby_cue`` looks at the last ``WINDOW`` words as
written instead and raises the score the way presidio would (by ``BOOST``), marking the result so
presidio does not raise it a second time. A few phrases right after the number count too ("..., call
back", "... is my mobile").
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, ClassVar

import regex
from presidio_analyzer import RecognizerResult

from engine.privacy.recognizers.pattern_table import PatternTable

if TYPE_CHECKING:
    from presidio_analyzer.nlp_engine import NlpArtifacts

WINDOW = 8
BOOST = 0.35
_WORD = regex.compile(r"[\p{L}.]+")
# The one- or two-letter labels of a signature or a card, right before the number: "M: 0752 977 347",
# "T: +254 ...", "Ph. 031 ...", "H: ...", "W: ...", "GSM: ..."
_SHORT_LABEL = regex.compile(r"(?:^|[\s|(,;/])(?:M|T|P|Ph|H|W|O|C|Mob|Tlf|Tfn|GSM|HP|Work|Home|Direct)\.?:[ \t]*\Z"
                             # ... or without its colon where a signature line or a bar opens it: "T 054 ...",
                             # "| M 0097 ..." (sixth round)
                             r"|(?:^|\|)[ \t]*(?:M|T|P|Ph|H|W|Mob|Tel|Tlf|GSM)\.?[ \t]+\Z"
                             # ... or a telephone sign: "☎ 54 2344 217", "📞 +49 ..." (eleventh round)
                             r"|[☎☏✆📞📱][ \t]*:?[ \t]*\Z", regex.MULTILINE)
# A contact list's label with its colon ("emergency: ", "Office: ") or "Alt." (the other number), right
# before the number (eighth round). Weaker than a phone word: it raises numbers of eight digits or more
# only ("Office: 1 234 567 EUR" is an amount).
_CONTACT_LABEL = regex.compile(
    r"(?:^|[\s|(,;/])(?i:(?:emergency|office|home|work|direct|private|daytime|evenings?|switchboard|reception"
    r"|backup|secondary|alternative|alternate|alt|contact|kontakt|contacto|contato|contatto)[ \t]*:|alt\.)[ \t]*\Z"
    # a number's label naming what it is for, with its colon: "Contact number on file: ...", "Callback no.: ..."
    # (eleventh round)
    r"|(?:^|[\s|(,;/])(?i:contact|callback|call-back|daytime|evening|home|work|office|emergency|private)[ \t]+"
    r"(?i:number|no\.|nr\.?|#)(?:[ \t]+(?i:on[ \t]+file|given|provided|listed|used|supplied))?[ \t]*:[ \t]*\Z",
    regex.MULTILINE)
# Someone's own number announced right before it: "my number changed to ...", "our new number is ...",
# "her mobile no.: ..." (ninth round). "your order number" is not one: only these words may stand between.
_OWN_NUMBER = regex.compile(
    r"(?:^|[\s(,;])(?i:my|our|his|her|their|your)[ \t]+(?:(?i:new|old|mobile|cell|home|work|private|direct|own"
    r"|current)[ \t]+)?(?i:number|no\.|nr\.?)(?:[ \t]+(?i:is|was|is[ \t]+now|will[ \t]+be|has[ \t]+changed[ \t]+to"
    r"|changed[ \t]+to))?[ \t]*:?[ \t]*\Z"
    # ... or how someone can be reached, right before it: "can be contacted via ...", "reachable on ..."
    # (eleventh round)
    r"|(?:^|[\s(,;])(?i:contacted|contactable|reachable|available|reached)[ \t]+(?i:via|on|at|under)[ \t]*:?[ \t]*\Z"
    # ... or whom to speak with on it: "confirm with the customer on ...", "text the driver at ..."
    r"|(?:^|[\s(,;])(?i:with|contact|reach|text|ring|phone)[ \t]+(?i:the[ \t]+)?(?i:customer|client|caller"
    r"|recipient|tenant|patient|guest|driver|owner|landlord|him|her|them|me|us)[ \t]+(?i:on|at|via|under)[ \t]*\Z",
    regex.MULTILINE)
# A telephone line named by what it is, right before the number: "24h line 63904 7924", "direct line: ...",
# "office line ..." (twelfth round); "line" alone is not one ("line 4 of the invoice")
_LINE_LABEL = regex.compile(
    r"(?:^|[\s(,;])(?i:24[ \t\-]?h(?:ours?|rs?)?|24/7|24[ \t\-]hour|direct|office|home|work|private|emergency|main"
    r"|phone|telephone|fixed|mobile|support|service)[ \t]+(?i:line)[ \t]*:?[ \t]*\Z", regex.MULTILINE)
# A question for someone's number on the line before, answered by the number (a chat transcript; eleventh
# round): "Agent: And your number?\nCustomer: ...", "... best number to reach you?\n[09:15] Ana: it's ..."
_PHONE_ISH = r"(?:phone|mobile|cell|callback|call-back|contact|telephone|home|daytime|landline)"
_ASKED_FOR = regex.compile(
    rf"(?i:(?:(?:your|best)[ \t]+(?:{_PHONE_ISH}[ \t]+)?|{_PHONE_ISH}[ \t]+)number|number[ \t]+to[ \t]+(?:reach|call"
    r"|contact)|reach[ \t]+you|call[ \t]+you)[^\n?]{0,40}\?[ \t]*\n(?:[^\n]{0,40}:)?[ \t]*"
    r"(?i:(?:it'?s|it[ \t]+is|that'?s|sure|yes|yeah|ok|okay)[ \t,:]+)?\Z")

# What to do if something goes wrong, right before the number: "if problems ...", "in case of questions: ..."
# (tenth round); counted with the contact labels, so only for numbers of eight digits or more
_IF_NEEDED = regex.compile(
    r"(?:^|[\s(,;])(?i:if|in[ \t]+case[ \t]+of)[ \t]+(?i:any[ \t]+)?(?i:problems?|issues?|questions?|trouble|queries"
    r"|needed|urgent|no[ \t]+answer|in[ \t]+doubt|emergenc(?:y|ies))[ \t]*[,:]?[ \t]*\Z", regex.MULTILINE)

# What the number is for, said right after it (ninth round): "..., call back pls", "... is the number she
# gave me", "... is my mobile", "... or my office line ..."
_CUE_AFTER = regex.compile(
    r"[\"'”’)]?[ \t]*(?:[,\-–—:(][ \t]*)?(?i:(?:call|ring|text|phone|whatsapp|sms)[ \t]+(?:me|us|back|him|her|them)\b"
    r"|(?:is|was)[ \t]+(?:the|my|our|his|her|their|your)[ \t]+(?:new[ \t]+|old[ \t]+|own[ \t]+)?"
    r"(?:(?:mobile|cell|home|work|office|direct|private)[ \t]+)?(?:number|phone|line|landline|mobile|cell)\b"
    r"|or[ \t]+(?:my|our|the|his|her)[ \t]+(?:(?:mobile|cell|home|work|office|direct|private)[ \t]+)?"
    r"(?:number|phone|line|landline|mobile|cell)\b"
    # "... under 'daytime number'", "... as callback number", "... is the fastest way to me", "... by SMS"
    # (tenth round)
    r"|(?:by|via|per)[ \t]+(?:sms|text(?:[ \t]+message)?|whatsapp|phone|telephone)\b"
    # "... or by e-mail", "... (mobile)" (eleventh round)
    r"|or[ \t]+(?:by[ \t]+)?(?:e-?mail|mail|text|sms|whatsapp)\b"
    r"|\([ \t]*(?:mobile|cell|home|work|office|landline|private|direct|mob\.?|tel\.?|fax|whatsapp)[ \t]*\)"
    r"|is[ \t]+the[ \t]+(?:fastest|quickest|best|easiest|surest)[ \t]+way[ \t]+to[ \t]+(?:reach[ \t]+|get[ \t]+)?"
    r"(?:me|us|him|her|them)\b"
    r"|(?:as|under)[ \t]+(?:(?:the|my|our|his|her|their|a)[ \t]+)?[\"'‘“]?(?:daytime|evening|home|work|office|mobile"
    r"|cell|private|contact|callback|call-back|emergency|phone)[ \t]+(?:number|phone|no\b))")


def has_cue_after(text: str, end: int) -> bool:
    """Right after ``end``, what a phone number is for: "call back", "is my mobile", "or my office line"."""
    return _CUE_AFTER.match(text, end, min(len(text), end + 50)) is not None


def has_cue_before(text: str, start: int, cues: Iterable[str], window: int = WINDOW,
                   contact_labels: bool = True) -> bool:
    """A word among the ``window`` words before ``start`` is a cue, or starts with one of four letters or more;
    or a short phone label ("M:", "T:") or an own-number phrase ("my new number is") stands right before
    ``start``, or a named telephone line ("24h line", "direct line"), or a question for the number ends the line
    before ("And your number?\nCustomer: "), or, with
    ``contact_labels``, a contact label ("emergency:") or what to do if something goes wrong ("if problems")."""
    before = text[max(0, start - 40):start]
    if _SHORT_LABEL.search(before) or _OWN_NUMBER.search(before) or _LINE_LABEL.search(before) or _ASKED_FOR.search(
            text, max(0, start - 160), start) or (
            contact_labels and (_CONTACT_LABEL.search(before) or _IF_NEEDED.search(before))):
        return True
    words = [w.strip(".").casefold() for w in _WORD.findall(text[max(0, start - 12 * window):start])][-window:]
    cue_set = {c.casefold().strip(".") for c in cues}
    return any(w in cue_set or any(len(c) >= 4 and w.startswith(c) for c in cue_set) for w in words)


def boost_by_nearby_cue(text: str, results: list[RecognizerResult], cues: Iterable[str],
                        window: int = WINDOW, contact_labels: bool = True) -> list[RecognizerResult]:
    cue_list = list(cues)
    for result in results:
        if has_cue_before(text, result.start, cue_list, window, contact_labels) or has_cue_after(text, result.end):
            result.score = min(1.0, result.score + BOOST)
            metadata = result.recognition_metadata if result.recognition_metadata is not None else {}
            metadata[RecognizerResult.IS_SCORE_ENHANCED_BY_CONTEXT_KEY] = True
            result.recognition_metadata = metadata
    return results


class CueBoostedTable(PatternTable):
    """A pattern table whose cue words are looked for as written among the last ``CUE_WINDOW`` words
    (``CUES``, or its presidio ``CONTEXT`` words where it names none), stop words included."""

    CUES: ClassVar[tuple[str, ...]] = ()
    CUE_WINDOW: ClassVar[int] = WINDOW
    CONTACT_LABELS: ClassVar[bool] = True  # whether "emergency:", "Office:", "Alt." right before count as cues

    def enhance_using_context(self, text: str, raw_recognizer_results: list[RecognizerResult],
                              other_raw_recognizer_results: list[RecognizerResult], nlp_artifacts: NlpArtifacts,
                              context: list[str] | None = None) -> list[RecognizerResult]:
        return boost_by_nearby_cue(text, raw_recognizer_results, self.CUES or self.CONTEXT, self.CUE_WINDOW,
                                  self.CONTACT_LABELS)
