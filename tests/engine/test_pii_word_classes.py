"""The attribute ruler's lookup matcher (engine/privacy/word_classes.py) against spaCy's own Matcher.

Two real copies of the detector's spaCy model, one stock and one with the lookup, run over the same
documents; every token must come out with the same tag, word class, morphology and lemma.
"""

from __future__ import annotations

import random
from typing import Any

import pytest
import spacy
from faker import Faker

from engine.privacy.analyzer import MODEL_PACKAGE
from engine.privacy.word_classes import LookupMatch, use_lookup

HAND_WRITTEN = [
    "I ain't gonna do it, let's go. We gotta run but he can't.  \n\n Hi there!",
    "Don't you wanna come? Y'all ain't ready, but that's fine: those are hers.",
    "Ring me on 0161 496 0753 or +44 20 7946 0958.\tThe 3 of us arrive at 10:30 am.",
    "Sehr geehrte Frau Müller, Ihre Rechnung Nr. 4711 liegt bei. Mit freundlichen Grüßen",
    "ÖBB-Ticket für Łukasz Żółć — Gdańsk → Wrocław, 12.03.2025, Platz 47",
    "An apple a day; the cat sat; this and these; an hour; But why? but not.",
    "",
    "   ",
]


def _pipeline() -> Any:
    return spacy.load(MODEL_PACKAGE, disable=["parser"])


def _faker_texts() -> list[str]:
    rng = random.Random(3)
    texts = []
    for locale in ("en_US", "en_GB", "de_DE", "fr_FR", "es_ES", "it_IT", "pl_PL", "hu_HU", "ru_RU", "ja_JP"):
        fake = Faker(locale)
        fake.seed_instance(rng.randint(0, 10**6))
        for _ in range(6):
            texts.append(f"{fake.name()} wrote from {fake.address()} on {fake.date()}: {fake.paragraph()} "
                         f"Call {fake.phone_number()} or mail {fake.email()}.")
    return texts


@pytest.fixture(scope="module")
def stock_and_lookup() -> tuple[Any, Any]:
    stock, quick = _pipeline(), _pipeline()
    assert use_lookup(quick)
    assert not isinstance(stock.get_pipe("attribute_ruler").match, LookupMatch)
    return stock, quick


def test_every_token_comes_out_as_with_spacys_matcher(stock_and_lookup: tuple[Any, Any]) -> None:
    stock, quick = stock_and_lookup
    texts = HAND_WRITTEN + _faker_texts()
    compared = 0
    for expected, got in zip(stock.pipe(texts), quick.pipe(texts), strict=True):
        assert [t.text for t in expected] == [t.text for t in got]
        for a, b in zip(expected, got, strict=True):
            assert (a.tag_, a.pos_, str(a.morph), a.lemma_) == (b.tag_, b.pos_, str(b.morph), b.lemma_), a.text
            compared += 1
    assert compared > 2000


def test_the_matches_are_the_rulers_own(stock_and_lookup: tuple[Any, Any]) -> None:
    stock, quick = stock_and_lookup
    ruler = stock.get_pipe("attribute_ruler")
    lookup = quick.get_pipe("attribute_ruler").match
    for doc in stock.pipe(HAND_WRITTEN + _faker_texts()[:20]):
        assert lookup(doc) == sorted(set(ruler.match(doc)))
    # the multi-token patterns ("gonna" -> go + to, "ain't") are among them
    doc = stock("I ain't gonna go.")
    assert any(end - start == 2 for _, _, start, end in lookup(doc))


def test_a_pattern_it_cannot_evaluate_leaves_spacys_matcher_in_place() -> None:
    pipeline = _pipeline()
    ruler = pipeline.get_pipe("attribute_ruler")
    ruler.add([[{"LOWER": "very", "OP": "+"}]], {"LEMMA": "very"})
    assert not use_lookup(pipeline)
    assert not isinstance(ruler.match, LookupMatch)
    other = _pipeline()
    other.get_pipe("attribute_ruler").add([[{"SHAPE": "dddd"}]], {"POS": "NUM"})
    assert not use_lookup(other)


def test_a_pipeline_without_a_ruler_is_left_alone() -> None:
    assert not use_lookup(spacy.blank("en"))


def test_the_detectors_pipeline_uses_the_lookup() -> None:
    from engine.privacy.analyzer import LANGUAGE, get_analyzer

    pipeline = get_analyzer().nlp_engine.nlp[LANGUAGE]
    assert isinstance(pipeline.get_pipe("attribute_ruler").match, LookupMatch)
