"""Phone rules of the ninth round (issue 17): a contact label or an own-number phrase right before the
number, what the number is for said right after it, dotted numbers that cannot be IP addresses, a one-digit
middle group, a time to call after the number, a number in brackets one word after a name or with a name
after a dash, trunk-0 numbers in prose, numbers closing a label's line, dates in digits that need a real day
and month, and the veto on numbers labelled as a document's. Each against the real detector, with the
look-alikes that must stay untouched."""

from __future__ import annotations

import pytest

from tests.engine.pii_found import found, phones


@pytest.mark.parametrize(("text", "number"), [
    ("Kontakt: 22913-4303", "22913-4303"),
    ("Contact: 77-4579-43", "77-4579-43"),
    ("Dear team,\nmy number changed to 76-314-8702. Regards, Anna", "76-314-8702"),
    ("Our new number is 10906-4646 from Monday.", "10906-4646"),
    ("her mobile no.: 92-0225 09", "92-0225 09"),
])
def test_a_contact_label_or_an_own_number_phrase_is_a_cue(text: str, number: str) -> None:
    assert number in phones(text)


@pytest.mark.parametrize("text", [
    "Your order number is 10906-4646.",          # an order number, not anyone's own number
    "Contact: 2024-03-12 (first visit)",          # a date
    "my number 12 in the queue",                  # too few digits
])
def test_order_numbers_dates_and_short_numbers_stay(text: str) -> None:
    assert phones(text) == []


def test_a_dotted_number_that_cannot_be_an_ip_address_may_be_a_phone() -> None:
    text = "Anna Berg, tel. 22.523.10.567, fax 22.523.10.568"
    assert {"22.523.10.567", "22.523.10.568"} <= set(phones(text))


def test_an_ip_address_after_a_phone_word_stays_an_ip_address() -> None:
    text = "Call the desk if 192.168.10.200 is down."
    assert ("IP_ADDRESS", "192.168.10.200") in found(text)
    assert phones(text) == []


def test_a_short_number_with_a_one_digit_group_after_a_phone_word() -> None:
    assert phones("Practice phone: 248 1 020\nReason: persistent back pain.") == ["248 1 020"]
    assert phones("Room 248 1 020 is booked.") == []  # no phone word


@pytest.mark.parametrize(("text", "number"), [
    ("For sale: child's bike, 45 EUR. Collection only.\n000/1170041 (Uche, evenings)\n", "000/1170041"),
    ("Lost cat, answers to Pip. 601 234 567 - weekdays only", "601 234 567"),
    ("Flat to let, 0176 1234567 (after 6 pm)", "0176 1234567"),
    ("Piano lessons 22 123 45 67, 9-17h", "22 123 45 67"),
])
def test_a_time_to_call_after_the_number(text: str, number: str) -> None:
    assert number in phones(text)


@pytest.mark.parametrize("text", [
    "Invoice 2024 0512 - after 5 pm",              # an invoice number in two groups, no trunk 0
    "Order 21761234567 (weekdays only)",           # one bare run without a trunk 0
    "Ref 601 234 567 (see below)",                 # no time to call
])
def test_numbers_without_a_call_time_or_a_phone_shape_stay(text: str) -> None:
    assert phones(text) == []


def test_a_number_alone_in_brackets_one_word_after_a_name() -> None:
    text = "Hi all, for Saturday: Rovdolf drives (96-753533) and picks up Argishti Ohanyan at 8:10."
    assert "96-753533" in phones(text)


@pytest.mark.parametrize("text", [
    "Anna Berg ordered (12345678) twice.",          # a bare run: an order or an ID
    "Anna Berg paid (96-753533 EUR) in May.",       # the bracket holds more than the number
])
def test_bracketed_numbers_that_are_not_phones_stay(text: str) -> None:
    assert phones(text) == []


@pytest.mark.parametrize(("text", "number"), [
    ("The courier left 01785 3539 on the note.", "01785 3539"),
    ("If it fails again, 01/8424.801 is the fastest way to me.", "01/8424.801"),
    ("Herr Maier ist unter 030 123 4567 erreichbar.", "030 123 4567"),
])
def test_a_national_number_with_a_trunk_zero_in_prose(text: str, number: str) -> None:
    assert phones(text) == [number]


@pytest.mark.parametrize("text", [
    "Ticket 0123 4567 8 closed yesterday.",   # eight digits
    "The meeting on 01.02.2024 moved.",        # a date
    "Version 0.12.3456 is out.",               # a version: trunk 0 without a digit after it
    "Invoice 5123 45678 arrived.",            # no trunk 0
])
def test_numbers_that_are_not_national_phone_numbers_stay(text: str) -> None:
    assert phones(text) == []


@pytest.mark.parametrize("text", [
    "Alt. tags were missing on the page, see ticket 0185 28904 about it.",
    "Please quote account no. 01/8424.801 in every letter.",
    "Your booking 01785 3539 is confirmed.",
])
def test_a_trunk_zero_number_after_a_document_word_stays(text: str) -> None:
    assert phones(text) == []


@pytest.mark.parametrize(("text", "number"), [
    ("Hi Ann, it's me again - 76-314-8702, call back pls", "76-314-8702"),
    ('"50-3335-358" is the number she gave me.', "50-3335-358"),
    ("9.4127 5530 is my mobile, the rest you know.", "9.4127 5530"),
    ("Sorry I missed you! Try 59314 833 06 or my office line.", "59314 833 06"),
])
def test_what_the_number_is_for_said_right_after_it(text: str, number: str) -> None:
    assert number in phones(text)


@pytest.mark.parametrize("text", [
    "Parcel 22913-4303 is the one I meant.",        # "is the one", not "is the number"
    "Batch 59314 833 06 arrived; call me later.",   # the call is not said right after the number
])
def test_other_words_after_a_number_are_no_cue(text: str) -> None:
    assert phones(text) == []


def test_a_number_then_a_found_name_after_a_dash() -> None:
    text = "Keys for the flat:\n77-4579-43 - Nicola Jones (plumber)\n"
    assert "77-4579-43" in phones(text)
    assert phones("Keys for the flat:\n77457943 - Nicola Jones (plumber)\n") == []  # a bare run


def test_a_list_separator_at_the_end_of_the_models_name_is_left_out() -> None:
    text = "Landlord: Amy Jones / keys with the neighbour"
    assert ("PERSON", "Amy Jones") in found(text)
    assert not any(value.endswith("/") for _, value in found(text))


@pytest.mark.parametrize(("value", "is_a_day"), [
    ("03/04/2025", True), ("2025-03-04", True), ("31.12.1999", True), ("12.5.24", True), ("5/13/2024", True),
    ("34-81-74-97", False), ("12-05-74-97", False), ("2025-13-01", False), ("1/35/399", False),
])
def test_a_date_in_digits_needs_a_real_day_and_month(value: str, is_a_day: bool) -> None:
    from engine.privacy.not_personal import names_a_calendar_day

    assert names_a_calendar_day(value) is is_a_day


def test_a_phone_number_the_model_read_as_a_date_is_a_phone_beside_a_name() -> None:
    text = "Keys for the flat:\n34-81-74-97 - Nicola Jones (plumber)\n"
    assert phones(text) == ["34-81-74-97"]
    assert not any(kind == "DATE_TIME" for kind, _ in found(text))


@pytest.mark.parametrize(("text", "number"), [
    ("For urgent matters: 8250 06 57", "8250 06 57"),
    ("Questions? 97 07 46 76", "97 07 46 76"),
    ("Out of hours: 55 084 678 66.\nThanks", "55 084 678 66"),
])
def test_a_number_in_phone_groups_closing_a_label_line(text: str, number: str) -> None:
    assert phones(text) == [number]


@pytest.mark.parametrize("text", [
    "Ticket: 22 123 45 67",                       # a document's number
    "Total: 1 234 567",                           # an amount
    "For urgent matters: 8250 06 57 EUR deposit",  # the number does not close the line
])
def test_label_lines_with_other_numbers_stay(text: str) -> None:
    assert phones(text) == []


@pytest.mark.parametrize("text", [
    "Your order 0655 003354 has shipped.",
    "Serial number 8527-5723-0057, see label.",
    "Firmware 5.17.598.4896 fixes the crash.",
    "Invoice: 2019-7955-68",
    "Tracking: 0896 4825 41",
])
def test_a_number_labelled_as_a_documents_is_no_phone(text: str) -> None:
    assert phones(text) == []


def test_a_number_in_international_format_is_a_phone_whatever_the_label() -> None:
    assert phones("Booking: +39 06 1234 5678") == ["+39 06 1234 5678"]


def test_the_last_group_of_a_phone_number_is_no_house_number_before_a_name() -> None:
    text = "Keys for the flat:\n6-6541 816 - Nicola Smith (plumber)\n"
    assert ("PERSON", "Nicola Smith") in found(text)
    assert "6-6541 816" in phones(text)
    # a house number before a given name still makes it a street's: "53 Nicola Road" is no person
    assert ("PERSON", "Nicola") not in found("Deliver to 53 Nicola Road, Leeds.")
