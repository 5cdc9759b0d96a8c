"""Word classes for the detector's spaCy pipeline, found by table lookup instead of spaCy's Matcher.

The English pipeline's attribute ruler turns the tagger's fine tags into word classes and
morphology (NNP -> PROPN, "a" as an article, "gonna" as go + to) with 179 token patterns that
spaCy's general Matcher runs over every document: about 8 % of all detection CPU, for patterns
that are almost all one token long and test only the tag, the lower-case form, whether the token
is a space and its dependency label. Which of them hit a token therefore depends on those four
values alone: ``LookupMatch`` tests every pattern once per distinct combination, remembers the
answer, and for every later token only looks it up. The few patterns of several tokens are
matched position by position from the same answers. The ruler's own code still sets the
attributes, in its own order, so the documents come out exactly as before (tested token by token
against the stock ruler). A ruler whose patterns use anything else (an operator, another
attribute) keeps spaCy's Matcher.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

# Matcher attribute -> the Token attribute it compares; a pattern naming any other is not taken.
_FIELDS = {"TAG": 0, "LOWER": 1, "IS_SPACE": 2, "DEP": 3}
_MEMO_LIMIT = 200_000  # distinct (tag, lower-case form, space, dependency) combinations kept

Test = Callable[[Any], bool]
Match = tuple[int, int, int, int]  # (pattern order, match key, start, end): the ruler's own sort order


class NotTableDriven(Exception):
    """The ruler has a pattern this lookup cannot evaluate exactly."""


def _value_test(spec: object) -> Test:
    if isinstance(spec, dict):
        if len(spec) != 1:
            raise NotTableDriven(f"pattern value {spec!r}")
        ((operator, argument),) = spec.items()
        if operator == "IN":
            members = frozenset(argument)
            return lambda value: value in members
        if operator == "NOT_IN":
            outsiders = frozenset(argument)
            return lambda value: value not in outsiders
        if operator == "REGEX":
            expression = re.compile(argument)
            return lambda value: expression.search(value) is not None
        raise NotTableDriven(f"pattern operator {operator!r}")
    if isinstance(spec, (str, bool)):
        return lambda value: value == spec
    raise NotTableDriven(f"pattern value {spec!r}")


def _token_test(token_pattern: dict[str, object]) -> Callable[[tuple[Any, ...]], bool]:
    checks: list[tuple[int, Test]] = []
    for name, spec in token_pattern.items():
        if name not in _FIELDS:
            raise NotTableDriven(f"pattern attribute {name!r}")
        checks.append((_FIELDS[name], _value_test(spec)))
    return lambda key: all(test(key[field]) for field, test in checks)


class LookupMatch:
    """A drop-in for ``AttributeRuler.match``: the same sorted matches, found by lookup."""

    def __init__(self, ruler: Any) -> None:
        strings = ruler.vocab.strings
        # (order, match key, one test per position), in the ruler's order
        self._patterns: list[tuple[int, int, list[Callable[[tuple[Any, ...]], bool]]]] = []
        for order in range(len(ruler.attrs)):
            _, patterns = ruler.matcher.get(str(order))
            for pattern in patterns:
                if not pattern:
                    raise NotTableDriven("empty pattern")
                self._patterns.append((order, strings[str(order)], [_token_test(t) for t in pattern]))
        self._memo: dict[tuple[Any, ...], frozenset[tuple[int, int]]] = {}

    def _hits(self, key: tuple[Any, ...]) -> frozenset[tuple[int, int]]:
        """(pattern number, position) pairs whose token test this combination passes."""
        hits = self._memo.get(key)
        if hits is None:
            if len(self._memo) >= _MEMO_LIMIT:
                self._memo.clear()
            hits = frozenset((number, position) for number, (_, _, tests) in enumerate(self._patterns)
                             for position, test in enumerate(tests) if test(key))
            self._memo[key] = hits
        return hits

    def __call__(self, doc: Sequence[Any]) -> list[Match]:
        hits = [self._hits((token.tag_, token.lower_, token.is_space, token.dep_)) for token in doc]
        found: set[Match] = set()
        for start, at_start in enumerate(hits):
            for number, position in at_start:
                if position:
                    continue
                order, match_key, tests = self._patterns[number]
                end = start + len(tests)
                if end <= len(hits) and all((number, offset) in hits[start + offset]
                                            for offset in range(1, len(tests))):
                    found.add((order, match_key, start, end))
        return sorted(found)


def use_lookup(pipeline: Any) -> bool:
    """Give the pipeline's attribute ruler the lookup matcher; False (ruler untouched) when the
    pipeline has no ruler or one whose patterns the lookup cannot evaluate exactly."""
    if "attribute_ruler" not in pipeline.pipe_names:
        return False
    ruler = pipeline.get_pipe("attribute_ruler")
    try:
        lookup = LookupMatch(ruler)
    except NotTableDriven:
        return False
    ruler.match = lookup  # AttributeRuler.__call__ calls self.match(doc), then set_annotations
    return True
