"""Our own recognizers and overlap rules, each on the layout that made presidio miss (bench/pii_quality.py
found every case here on its generated corpus). Real presidio and spaCy, built once per process."""

from __future__ import annotations

import pytest

from tests.engine.pii_found import found


def test_a_semicolon_table_keeps_each_cell_apart() -> None:
    text = ("name;email;phone;iban\n"
            "Samuel Gibson;samuel.gibson@yahoo.com;001-636-513-5939x20337;GB49YYLU65025744163473\n"
            "Michael Wilson;brittanylane@example.com;(970)946-7999;GB65 GXUT 2143 6629 2203 07\n")
    assert {("PERSON", "Samuel Gibson"), ("EMAIL_ADDRESS", "samuel.gibson@yahoo.com"),
            ("IBAN_CODE", "GB49YYLU65025744163473"), ("PERSON", "Michael Wilson"),
            ("EMAIL_ADDRESS", "brittanylane@example.com"), ("PHONE_NUMBER", "(970)946-7999"),
            ("IBAN_CODE", "GB65 GXUT 2143 6629 2203 07")} <= found(text)
    assert not any(t == "PERSON" and v.lower() in ("name", "email") for t, v in found(text))


@pytest.mark.parametrize("card", ["2562 0931 3338 2490", "503810359201", "4335828188159957454", "3782 822463 10005"])
def test_card_numbers_of_every_scheme_and_length(card: str) -> None:
    assert ("CREDIT_CARD", card) in found(f"We charged the card {card} twice.")


def test_digit_runs_failing_the_luhn_check_are_not_cards() -> None:
    assert not any(t == "CREDIT_CARD" for t, _ in found("Order 4335828188159957455 shipped; ref 503810359202."))


@pytest.mark.parametrize(("text", "phone"), [
    ("Mobile: 733-218-6543", "733-218-6543"),  # an unassigned US area code
    ("Call (459)573-2989x12324 after lunch.", "(459)573-2989x12324"),
    ("Phone: +1-929-963-0067x25716", "+1-929-963-0067x25716"),
    ("Mobile: 0243809336", "0243809336"),  # passes the NHS check digit by chance
    ("Telefon: 030 1234567", "030 1234567"),
])
def test_national_phone_numbers_and_extensions(text: str, phone: str) -> None:
    assert ("PHONE_NUMBER", phone) in found(text)


def test_amounts_are_not_phones_and_nhs_numbers_stay_nhs_numbers() -> None:
    assert not any(t == "PHONE_NUMBER" for t, _ in found("Amount: 3398.88 EUR, due 2025. Call from 120.48.103.14"))
    assert ("UK_NHS", "943 476 5919") in found("Her NHS number is 943 476 5919.")


def test_an_ssn_in_brackets_is_an_ssn() -> None:
    assert ("US_SSN", "052-58-2226") in found("its owner's SSN (052-58-2226) was found in a log file")


@pytest.mark.parametrize(("text", "name"), [
    ("Thanks for the quick fix.\n\nKind regards,\nAnnika Rudolph\nMobile: +49 30 1234567", "Annika Rudolph"),
    ("[09:59] Ada Mosemann: my card was declined", "Ada Mosemann"),
    ("Hi Marthe,\n\nthe invoice is attached.", "Marthe"),
    ("From: Hortense Peltier <h.peltier@example.fr>", "Hortense Peltier"),
    ("Account holder: Ute Bäcker\nIBAN: DE89 3704 0044 0532 0130 00", "Ute Bäcker"),
    ("Jean-Luc Picard met with the supplier.", "Jean-Luc Picard"),
])
def test_names_introduced_by_the_layout(text: str, name: str) -> None:
    assert ("PERSON", name) in found(text)


def test_labels_acronyms_and_greetings_to_groups_are_not_names() -> None:
    text = "Hi Team,\nIBAN: DE89 3704 0044 0532 0130 00\nSSN: 536-22-8146\nMobile: +49 30 1234567\n"
    assert not any(t == "PERSON" for t, _ in found(text))


@pytest.mark.parametrize("address", ["6013 Joseph Isle", "1607 Arnold Burgs Apt. 054", "90 Walker Turnpike",
                                     "Flat 17, Janet Meadows", "Studio 11a, Patel Corner", "Am Rosengarten 3",
                                     "Danielle-Dobes-Ring 7"])
def test_street_types_of_the_usps_list_uk_flats_and_german_forms(address: str) -> None:
    text = f"Our records show your address as {address}."
    assert any(t == "STREET_ADDRESS" and v.startswith(address) for t, v in found(text)), found(text)


def test_capitalised_phrases_with_numbers_are_not_addresses() -> None:
    text = "In Spring 2023 we listed the 2 Main Points and 3 Key Lessons."
    assert not any(t == "STREET_ADDRESS" for t, _ in found(text))
