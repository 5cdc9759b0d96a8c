"""Fourth round of issue 17: rules found on the tuning4 stress split (``bench/pii_corpus_tuning4.py``) that
hold whatever the document: names by their shape, names listed together, names an e-mail address spells,
a name and a number side by side, short phone labels, and postal blocks with a region line.

Each case fails without the rule it is named after. Real presidio and spaCy where ``detect`` is called.
"""

from __future__ import annotations

import pytest

from engine.privacy.contact_lines import names_before_phones
from engine.privacy.name_echoes import names_in_addresses
from engine.privacy.name_lists import listed_names
from engine.privacy.not_personal import judge_model_guess
from engine.privacy.recognizers.person_shapes import PersonShapeRecognizer
from engine.privacy.spans import Span
from tests.engine.pii_found import found, people, phones


def shapes(text: str) -> set[str]:
    return {text[r.start:r.end] for r in PersonShapeRecognizer().analyze(text, ["PERSON"])}


# ---- person_shapes: names by their shape alone ----------------------------------------------------

@pytest.mark.parametrize(("text", "name"), [
    ("Room 4 - Mrs Pichpandecha: slept well.", "Mrs Pichpandecha"),
    ("Fri 15:00  Wen-Hua (reading), paid by Mr. LIAO", "Mr. LIAO"),
    ("#11 Edith de la Issack\n", "Edith de la Issack"),
    ("To: Rahat dos Qasif\n", "Rahat dos Qasif"),
    ("Room 7 - Leo ARTIGAS: pharmacy rang back.", "Leo ARTIGAS"),
    ("and to KHAMIS, Stephen for the raffle prizes.", "KHAMIS, Stephen"),
])
def test_names_by_their_shape(text: str, name: str) -> None:
    assert name in people(text), found(text)


@pytest.mark.parametrize(("text", "name"), [
    ("the landlord, Prof. Hadebe, will ring", "Prof. Hadebe"),
    ("Received from Liljana ter Simonovska, Zhenevska 5v", "Liljana ter Simonovska"),
    ("Caller Awani KARAM rang", "Awani KARAM"),
])
def test_the_shape_recognizer_itself(text: str, name: str) -> None:
    assert name in shapes(text)


@pytest.mark.parametrize("text", [
    "We stayed at the Hotel Costa del Sol in Rio de Janeiro.", "The flat at San Eduardo de la Montaña 8.",
    "El Cairo, Valle del Cauca", "Please NOTE the new hours.", "It runs on Windows XP only.",
    "Ticket CASE-39227", "FROM: Espinosa PLC", "URGENT, Please call back.", "Contact IT for a new PIN.",
])
def test_places_acronyms_and_codes_have_no_name_shape(text: str) -> None:
    assert shapes(text) == set()


# ---- not_personal: what the model takes into a name, and job titles -------------------------------

def test_a_list_items_number_is_cut_from_the_models_name() -> None:
    text = "U12 roster\n#9 B. Umar\n"
    span = judge_model_guess(text, Span("PERSON", text.index("9"), len(text) - 1, 0.85, "SpacyRecognizer"))
    assert span is not None and text[span.start:span.end] == "B. Umar"


@pytest.mark.parametrize("text", ["Maimuna Mwangi\nFacilities coordinator\n", "Pharmacy tel. 04-2535217"])
def test_one_word_before_a_job_noun_or_a_contact_label_is_no_name(text: str) -> None:
    word = "Facilities" if "Facilities" in text else "Pharmacy"
    start = text.index(word)
    assert judge_model_guess(text, Span("PERSON", start, start + len(word), 0.85, "SpacyRecognizer")) is None


# ---- name_lists: one found name vouches for the others of its list ---------------------------------

def test_the_other_members_of_a_list_with_a_found_name_are_names() -> None:
    text = "Thanks to Grace Juma, Udeen Lut and Makeen for the stall."
    seed = Span("PERSON", text.index("Grace"), text.index(","), 0.85, "SpacyRecognizer")
    place = Span("LOCATION", text.index("Makeen"), text.index(" for"), 0.85, "SpacyRecognizer")
    named, replaced = listed_names(text, [seed, place])
    assert sorted(text[s.start:s.end] for s in named) == ["Makeen", "Udeen Lut"] and replaced == [place]


def test_a_list_member_the_model_read_as_a_place_is_a_name() -> None:
    assert "Jacinta Njeru" in people("- Miriam J. Mwiti and Jacinta Njeru - cannot come\n")


@pytest.mark.parametrize(("text", "seed"), [
    ("Kind regards,\nAnna Berg, Director\n", "Anna Berg"),  # commas alone make no list
    ("FROM: Schmitt and Sons\n", "Schmitt"),  # a firm's legal form
    ("FROM: Berry, Jacobson and Reed\n", "Jacobson"),  # the model's one-word guess vouches for nothing
])
def test_signatures_and_firms_are_no_lists_of_names(text: str, seed: str) -> None:
    start = text.index(seed)
    assert listed_names(text, [Span("PERSON", start, start + len(seed), 0.85, "SpacyRecognizer")]) == ([], [])


# ---- name_echoes: an e-mail address spells a name -------------------------------------------------

def test_words_that_spell_an_addresses_local_part_are_a_name() -> None:
    text = "NAOMI AMPADU\nLogistics assistant\n024 525 6876 · naomi.ampadu@example.net\n"
    address = Span("EMAIL_ADDRESS", text.index("naomi."), text.index("\n", text.index("naomi.")), 1.0, "Email")
    named, _ = names_in_addresses(text, [address])
    assert [text[s.start:s.end] for s in named] == ["NAOMI AMPADU"]
    assert "NAOMI AMPADU" in people(text), found(text)


def test_an_address_of_one_word_spells_no_name() -> None:
    text = "Sales\nsales@example.net"
    address = Span("EMAIL_ADDRESS", text.index("sales@"), len(text), 1.0, "Email")
    assert names_in_addresses(text, [address]) == ([], [])


# ---- contact_lines: a name and a number side by side ----------------------------------------------

@pytest.mark.parametrize(("text", "name"), [
    ("For the bus from the station call Chanikan on 0-5943-0627.", "Chanikan"),
    ("If you are late text me on 0787 83 07 71 or Sahra on +213 551 48 75 59.", "Sahra"),
    ("First aid: Elvis +254712923743\n", "Elvis"),
    ("13:19 Caller Awani Karam (0371-5253451) reported a broken window.", "Awani Karam"),
    ("Minenhle Ngema (former manager), (011) 558 6615\n", "Minenhle Ngema"),
])
def test_a_name_before_a_number(text: str, name: str) -> None:
    assert name in people(text), found(text)


def test_a_weak_number_and_a_name_of_two_words_vouch_for_each_other() -> None:
    text = "Wed 17:30  Borche Zafirovska (chemistry) - dad 078 680 416\n"
    assert ("PERSON", "Borche Zafirovska") in found(text) and "078 680 416" in phones(text), found(text)


@pytest.mark.parametrize("text", ["Callback number: 0535 332-934", "Practice phone: +41 33 873 72 34",
                                  "Sunday 0712 345 678", "Please call Monday on 0712 345 678"])
def test_labels_and_days_before_a_number_are_no_name(text: str) -> None:
    start = next(i for i, ch in enumerate(text) if ch.isdigit() or ch == "+")
    phone = Span("PHONE_NUMBER", start, len(text), 0.6, "NationalPhoneRecognizer")
    assert names_before_phones(text, [phone]) == ([], [])


# ---- person_role and person_forms: a role noun, "<participle> by X on ..." -----------------------

@pytest.mark.parametrize(("text", "name"), [
    ("20:31 Alarm at gate 3, guard Nonhlanhla on patrol.", "Nonhlanhla"),
    ("Shown by Basheer on Saturday. They liked the balcony.", "Basheer"),
])
def test_a_given_name_after_a_role_noun_or_a_participle(text: str, name: str) -> None:
    assert name in people(text), found(text)


# ---- phone numbers: short labels, two groups, "text", an NHS checksum by chance ---------------------

@pytest.mark.parametrize(("text", "number"), [
    ("Li Dong\nM: 13572652600 | T: 90-752227\n", "13572652600"),
    ("Li Dong\nM: 13572652600 | T: 90-752227\n", "90-752227"),
    ("> The spare set is with the caretaker. Ring him on 10-310762.", "10-310762"),
    ("Queries: 05391063549\n", "05391063549"),
    ("If you are late text me on 084 926 0769 please.", "084 926 0769"),
    ("M: 084 921 9027 | T: +66 2314 2111", "084 921 9027"),
])
def test_national_numbers_with_a_short_label_or_a_cue(text: str, number: str) -> None:
    assert number in phones(text), found(text)


@pytest.mark.parametrize("text", ["The ratio came to 10.055739 in the second run.", "Batch 90-752227 was shipped."])
def test_two_groups_without_a_cue_are_no_phone(text: str) -> None:
    assert phones(text) == [], found(text)


# ---- address_parts: a region between town and postcode, a postcode of 3 + 4 digits ----------------

@pytest.mark.parametrize("block", ["8 Brooks Outlook\nMelissahaven, WA, 2099",
                                   "Gang Jakarta No. 650\nMalang, Sulawesi Utara 82389",
                                   "Irarrázabal 1238\nRenca, Región Metropolitana, 5561720"])
def test_a_postal_block_whose_last_line_names_a_region(block: str) -> None:
    text = f"Registered keeper:\nNOVAK, Petra\n{block}\n\nThe charge is due within 28 days.\n"
    assert any(t == "STREET_ADDRESS" and block.split("\n")[1] in v for t, v in found(text)), found(text)
