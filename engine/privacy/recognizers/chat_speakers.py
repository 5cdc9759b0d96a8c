"""Speakers of a chat or message thread written without timestamps: "Orlando: running late".

A line that starts with a capitalised word or two and a colon is a form label as often as a speaker.
What sets a conversation apart is that its speakers come back: when at least three lines start that
way and at least one of those labels opens two or more lines, the labels are taken as the names of
the people speaking (form labels such as "Note:" or "Phone:" are never taken, and neither is
anything in the words of ``not_personal.LABEL_WORDS``).
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, ClassVar

import regex
from presidio_analyzer import EntityRecognizer, RecognizerResult

from engine.privacy.not_personal import LABEL_WORDS

if TYPE_CHECKING:
    from presidio_analyzer.nlp_engine import NlpArtifacts

_TURN = regex.compile(r"^[ \t]*(\p{Lu}\p{Ll}+(?:-\p{Lu}\p{Ll}+)?(?:[ \t]\p{Lu}\p{Ll}+(?:-\p{Lu}\p{Ll}+)?)?):[ \t]+\S",
                      regex.MULTILINE)
# Words that open a label line in records and logs, besides the form labels of not_personal
_NOT_SPEAKERS = frozenset({"note", "notes", "re", "fw", "fwd", "cc", "bcc", "to", "from", "sent", "when", "where",
                           "question", "answer", "q", "a", "error", "warning", "info", "debug", "step", "result",
                           "reason", "comment", "comments", "update", "status", "summary", "action", "todo"})


class ChatSpeakerRecognizer(EntityRecognizer):
    NAME: ClassVar[str] = "ChatSpeakerRecognizer"
    ENTITY: ClassVar[str] = "PERSON"
    SCORE: ClassVar[float] = 0.9  # above the model's 0.85, so that presidio keeps this reading
    MIN_TURNS: ClassVar[int] = 3

    def __init__(self) -> None:
        super().__init__(supported_entities=[self.ENTITY], name=self.NAME)

    def load(self) -> None:
        """Nothing to load: the rule is a regular expression."""

    def analyze(self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
                ) -> list[RecognizerResult]:
        if self.ENTITY not in entities or text.count(":") < self.MIN_TURNS:
            return []
        turns = [m for m in _TURN.finditer(text) if not self._is_label(m.group(1))]
        counts = Counter(m.group(1) for m in turns)
        if len(turns) < self.MIN_TURNS or max(counts.values(), default=0) < 2:
            return []
        return [RecognizerResult(self.ENTITY, m.start(1), m.end(1), self.SCORE,
                                 recognition_metadata={"recognizer_name": self.NAME}) for m in turns]

    @staticmethod
    def _is_label(words: str) -> bool:
        return any(w.casefold() in LABEL_WORDS or w.casefold() in _NOT_SPEAKERS for w in words.split())
