"""PII rules of the twelfth round (issue 17).

Cards: a twelve-digit card number with no word around it, read as a phone number (a Maestro's 0604 reading under
the threshold, or a national-number reading of one run of digits). Phones: a "00" number whose subscriber part is
one run of six to eight digits; Lithuanian numbers with the trunk prefix 8; an Argentine mobile number of thirteen
digits after a bracketed area code; a number alone on its line between two lines of contact data. Names: the
name words closing a line that a number opens ("9813 1656 Dirk Van Hove") vouch for the number and are a name.
Each against the real detector, with the look-alikes that must stay untouched."""

from __future__ import annotations

import pytest

from tests.engine.pii_found import cards, found, people, phones


@pytest.mark.parametrize(("text", "number"), [
    ("Anna Storey;060466665845;pconnor@example.org", "060466665845"),         # 0604 Maestro, weak card reading
    ("Mr Allan Green\n060477202307\njasonharris@example.org", "060477202307"),
    ("Jade Wood;586257532604;philliphunter@example.net", "586257532604"),     # national reading of one run
    ("Christopher Jones;676318949051;vallen@example.com", "676318949051"),
    ("Cardholder: Ms Stacey Wade\nNumber: 060413557889\nExpiry: 03/29", "060413557889"),   # "number" raised the phone
    ("Cardholder: Miss Caroline Shepherd\nNumber: 060419740059\nExpiry: 03/29", "060419740059"),  # expiry after it
    ("Number: 060419740059, expires 03/29", "060419740059"),
])
def test_a_card_number_with_no_word_around_it_is_a_card(text: str, number: str) -> None:
    assert cards(text) == [number]
    assert number not in phones(text)


@pytest.mark.parametrize(("text", "number"), [
    ("Call Anna on 060466665845", "060466665845"),          # a phone word: the phone reading stays
    ("Tel +586257532604", "+586257532604"),                 # a plus: an international number
    ("Anna Storey;060466665846;pconnor@example.org", "060466665846"),   # Luhn check digit wrong: no card
])
def test_a_number_said_or_written_to_be_a_phone_stays_one(text: str, number: str) -> None:
    assert cards(text) == []
    assert any(number in p for p in phones(text)), found(text)


@pytest.mark.parametrize(("text", "number"), [
    ("Alt. 0049 119 7499496", "0049 119 7499496"),
    ("Carole Jones (29.08.2026) 0049 619 7499496", "0049 619 7499496"),
    ("Louis Rice\t0049 119 7499496", "0049 119 7499496"),
])
def test_a_00_number_with_a_long_subscriber_part(text: str, number: str) -> None:
    assert number in phones(text)


@pytest.mark.parametrize(("text", "number"), [
    ("The courier left 8 677 10706 on the note.", "8 677 10706"),
    ("8-663-44824 Mwalimu Daudi Hassan", "8-663-44824"),
    ("Thomas Barker\n(8 5) 532 1249", "(8 5) 532 1249"),
    ("Brenda Burnett PhD (8 693 51286)", "8 693 51286"),
    ("George Miller | (011) 15-8110-8420", "(011) 15-8110-8420"),
])
def test_numbers_of_other_national_plans(text: str, number: str) -> None:
    assert number in phones(text)


@pytest.mark.parametrize("text", [
    "Reference (0123) 4567-8901-2345 6",       # fourteen digits after a bracketed code: too long for a phone
    "8 400 tonnes in 12345 crates",
])
def test_longer_or_split_figures_are_not_such_numbers(text: str) -> None:
    assert phones(text) == [], found(text)


@pytest.mark.parametrize(("text", "number", "name"), [
    ("9813 1656 Dirk Van Hove", "9813 1656", "Dirk Van Hove"),
    ("932133657 Guido Van de Voorde", "932133657", "Guido Van de Voorde"),
    ("9078 9613 Sig. Donato Asprucci", "9078 9613", "Donato Asprucci"),
    ("836 4903 - Billy Dunn-Lowe (plumber)", "836 4903", "Billy Dunn-Lowe"),
    ("71 436 611, Virginia María Fernanda Romeu Borrell", "71 436 611", "Virginia María Fernanda Romeu Borrell"),
])
def test_name_words_closing_the_line_a_number_opens(text: str, number: str, name: str) -> None:
    assert phones(text) == [number]
    assert people(text) == [name]


@pytest.mark.parametrize("text", [
    "12345678 Blue Widget",                 # a bare run vouches only for a name something else found
    "20240512 Annual Report",               # a date
    "0800 123 4567 Customer Services",      # a service, not a person
    "1234 5678 Head Office",
])
def test_no_name_out_of_an_item_line(text: str) -> None:
    assert people(text) == [], found(text)


@pytest.mark.parametrize(("text", "number"), [
    ("Merelsteeg 288, DG3 1PN Ledoux\n96 707 654\nbtekieli@example.net", "96 707 654"),
    ("6, chemin Alves, 61335 New Stewartfurt\n94 588 148\nolivia25@example.net", "94 588 148"),
])
def test_a_number_alone_between_two_lines_of_contact_data(text: str, number: str) -> None:
    assert number in phones(text)


@pytest.mark.parametrize("text", [
    "Total\n12 500 000\ninfo@example.org",          # contact data on one side only: an amount
    "Merelsteeg 288, DG3 1PN Ledoux\n12 500 000\nTotal due",
])
def test_a_figure_beside_one_line_of_contact_data_stays(text: str) -> None:
    assert phones(text) == [], found(text)


@pytest.mark.parametrize(("text", "number"), [
    ("Emergency repair contractor: Felicia Smith, 24h line 147 4285", "147 4285"),
    ("Emergency repair contractor: Joshua Jones, 24h line 14539557017", "14539557017"),
    ("Or try my office line 841 8165.", "841 8165"),
])
def test_a_named_telephone_line_is_a_phone_label(text: str, number: str) -> None:
    assert phones(text) == [number]


def test_line_alone_is_no_phone_label() -> None:
    assert phones("See line 4 of the invoice, 147 4285 units.") == []


def test_the_00_of_an_international_number_is_not_counted_among_its_digits() -> None:
    text = "Telephone number: 0054 11 15-9212-1573"        # fourteen digits after the "00", as after a "+"
    assert phones(text) == ["0054 11 15-9212-1573"]
    assert phones("Ref 0012 34 5") == []                 # five digits after the "00": no number
    assert phones("Serial 0048 6958 1549 6600") == []    # four groups of four: a serial's layout


@pytest.mark.parametrize(("text", "number"), [
    ("Ring 14:15 0612 345 678", "0612 345 678"),
    ("Call me at 10:30 12 34 56", "12 34 56"),
    ("Arrived 9.45 0612 345 678", "0612 345 678"),
])
def test_the_minutes_of_a_time_before_a_number_are_not_part_of_it(text: str, number: str) -> None:
    assert phones(text) == [number]


@pytest.mark.parametrize(("text", "number"), [
    ("Tel: 12 34 56 78", "12 34 56 78"),        # no time before it: the first pair stays
    ("Tel.: 55 12 34 56", "55 12 34 56"),       # a label's colon, no time
])
def test_a_first_pair_that_is_no_time_s_minutes_stays(text: str, number: str) -> None:
    assert phones(text) == [number]
