"""Third round of issue 17: names in the forms that registers, labels and contact lists use, and phone
numbers beside them (found on the tuning3 split, ``bench/pii_corpus_tuning3.py``).

Each case fails without the rule it is named after. Real presidio and spaCy where ``detect`` is called.
"""

from __future__ import annotations

import pytest

from engine.privacy.contact_lines import names_before_phones, phones_after_names
from engine.privacy.not_personal import opens_a_label
from engine.privacy.recognizers.person_forms import PersonFormsRecognizer
from engine.privacy.recognizers.table_column import TableColumnRecognizer
from engine.privacy.spans import Span, not_a_phone, split_ner_span
from tests.engine.pii_found import found, people, phones

# ---- person_forms: names as forms write them ------------------------------------------------------

@pytest.mark.parametrize(("text", "name"), [
    ("Registered keeper: KOWALCZYK, Marta\nVehicle: blue van\n", "KOWALCZYK, Marta"),
    ("Purchased by: Lindqvist, Ebba K.\nSerial: 55A-1\n", "Lindqvist, Ebba K."),
    ("Pupil: Wendel ARNASON\nYear group: 4\n", "Wendel ARNASON"),
])
def test_surname_first_or_in_capitals_after_a_persons_label(text: str, name: str) -> None:
    assert any(name in v for v in people(text)), found(text)


def test_a_name_after_a_label_then_a_dash_and_a_number() -> None:
    text = "Allergies: none\nSecond contact: Oskar Brandtqvist - 5512 8890\n"
    assert "Oskar Brandtqvist" in people(text), found(text)
    assert "5512 8890" in phones(text), found(text)


def test_a_name_in_capitals_on_the_line_below_a_label_line() -> None:
    text = "SHIP TO:\nMARTA KOWALCZYK\n14 Birch Lane\n2000 Sydney\n"
    assert "MARTA KOWALCZYK" in people(text), found(text)


def test_capitals_below_a_label_that_names_no_person_are_no_name() -> None:
    text = "Status:\nIN PROGRESS\nUpdated 12 March by the system\n"
    assert people(text) == [], found(text)


@pytest.mark.parametrize(("text", "name"), [
    ("The bag was found on the bus. Item logged by Ingrid.", "Ingrid"),
    ("FOR SALE: a sofa, 40.00. Ask for Ramona, after six.", "Ramona"),
    ("Emergency contacts for Helga Mobergsdottir\nsee the list", "Helga Mobergsdottir"),
])
def test_a_name_where_the_text_introduces_one(text: str, name: str) -> None:
    assert name in people(text), found(text)


@pytest.mark.parametrize(("text", "name"), [
    ("Contacts\n1. Teodora Blanckström (father) see below\n", "Teodora Blanckström"),
    ("Dear members,\n\nthe meeting is on Friday.\n\nSee you there,\nTorvald\n", "Torvald"),
    ("Vet on duty: Ruslan Qasımzadə\nTreatment: booster", "Ruslan Qasımzadə"),
    ("A wallet was handed in by Kaija Hyvärinenko at noon.", "Kaija Hyvärinenko"),
    ("Customer: VERA, Beatriz\n", "VERA, Beatriz"),
])
def test_the_forms_recognizer_itself(text: str, name: str) -> None:
    """Cases the model often finds as well: the pattern must find them on its own."""
    results = PersonFormsRecognizer().analyze(text, ["PERSON"])
    assert name in {text[r.start:r.end] for r in results}


# ---- contact_lines: a name and a number side by side ----------------------------------------------

def test_a_name_right_before_a_phone_number_is_a_person_also_over_a_place_guess() -> None:
    text = "Also a lawnmower - Pilar Hallberg 0410 807 415"
    phone = Span("PHONE_NUMBER", text.index("0410"), len(text), 0.6, "NationalPhoneRecognizer")
    place = Span("LOCATION", text.index("Pilar"), text.index(" 0410"), 0.85, "SpacyRecognizer")
    named, replaced = names_before_phones(text, [phone, place])
    assert [text[s.start:s.end] for s in named] == ["Pilar Hallberg"] and replaced == [place]


@pytest.mark.parametrize("text", ["Call Customer Service 0800 123 456", "Head Office, 020 7946 0000",
                                  "Mobile Phone 0412 555 019"])
def test_service_and_label_words_before_a_number_are_no_name(text: str) -> None:
    start = next(i for i, ch in enumerate(text) if ch.isdigit())
    phone = Span("PHONE_NUMBER", start, len(text), 0.6, "NationalPhoneRecognizer")
    assert names_before_phones(text, [phone]) == ([], [])


def test_a_weak_number_right_after_a_name_is_kept() -> None:
    text = "1. Derrick Lopez (mother) 036 684 7297\nOrder 12 345 678 shipped"
    person = Span("PERSON", 3, text.index(" (mother)"), 0.85, "SpacyRecognizer")
    weak = Span("PHONE_NUMBER", text.index("036"), text.index("\n"), 0.25, "NationalPhoneRecognizer")
    far = Span("PHONE_NUMBER", text.index("12 345"), text.index(" shipped"), 0.2, "NationalPhoneRecognizer")
    kept = phones_after_names(text, [person], [weak, far])
    assert [text[s.start:s.end] for s in kept] == ["036 684 7297"]


# ---- tables laid out with spaces, and the model's spans cut at gaps and dashes -------------------

def test_a_table_laid_out_with_spaces_has_columns() -> None:
    text = "Time   Visitor            Phone\n08:55  Halvard Dahlqvist   0906 874 375\n"
    results = TableColumnRecognizer().analyze(text, ["PERSON", "PHONE_NUMBER"])
    assert {(r.entity_type, text[r.start:r.end]) for r in results} == {
        ("PERSON", "Halvard Dahlqvist"), ("PHONE_NUMBER", "0906 874 375")}


@pytest.mark.parametrize(("text", "piece"), [("James White - 4415", "James White"), ("Oskar Brandt -", "Oskar Brandt"),
                                             ("08:55  John Goergen", "John Goergen")])
def test_a_model_span_is_cut_at_a_spaced_dash_and_at_a_wide_gap(text: str, piece: str) -> None:
    pieces = split_ner_span(text, Span("PERSON", 0, len(text), 0.85, "SpacyRecognizer"))
    assert [text[s.start:s.end].strip() for s in pieces] == [piece]


def test_a_possessive_role_before_a_label_with_a_dot_is_a_label() -> None:
    text = "Owner's tel.: 0123 456 789"
    assert opens_a_label(text, 0, len("Owner's"))


# ---- phone numbers: short national numbers, runs of twelve, two groups of four -------------------

@pytest.mark.parametrize(("text", "number"), [
    ("Tel: 75 65 88\n", "75 65 88"),
    ("Mobile: 980 85 78\n", "980 85 78"),
    ("I can be reached on 183 63 47 in the evening.", "183 63 47"),
    ("Mobile: 573135389493\n", "573135389493"),
    ("Mobile: 4415 6637\n", "4415 6637"),
])
def test_national_numbers_with_a_cue(text: str, number: str) -> None:
    assert number in phones(text), found(text)


@pytest.mark.parametrize("text", ["Order number 12 34 56 was shipped.", "The total was 1 250 000 units.",
                                  "Call me about the invoice dated 12.05.26 please.",
                                  "Call us about the 2019-2020 season tickets."])
def test_six_or_seven_digits_without_a_phone_cue_are_no_phone(text: str) -> None:
    assert phones(text) == [], found(text)


def test_six_digits_are_a_phone_only_in_groups_split_by_spaces() -> None:
    assert not not_a_phone("75 65 88")
    assert not_a_phone("12.05.26") and not_a_phone("3398.88") and not_a_phone("755688")
