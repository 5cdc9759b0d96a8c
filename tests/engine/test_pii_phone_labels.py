"""PII eighth round (issue 17): phone numbers the shape probe still missed.

- a contact list's label with its colon right before the number ("emergency: ", "Office: "), or "Alt.";
- a 00 international prefix with a slash after the area code ("0049 30/1234567");
- a trunk 0 and an area code of up to five digits in brackets, then the number in one group ("(033203) 62145");
- a number right beside a found e-mail address on its line ("277-11051 · norayr@example.am").
And what stays untouched: the same labels before dates, amounts, short references and a label far from
the number; a bracketed year or a count; a 00 run that is a date or a short code."""

from __future__ import annotations

import pytest

from tests.engine.pii_found import phones

pytestmark = pytest.mark.slow  # the real presidio + spaCy pipeline


@pytest.mark.parametrize("text, number", [
    ("emergency: 015954-399", "015954-399"),
    ("Emergency: 01218 1185", "01218 1185"),
    ("Alt. 0185 28904", "0185 28904"),
    ("alt: 087 99 0387", "087 99 0387"),
    ("Office: 01 58 67970\nHome: 0712 44 8190", "01 58 67970"),
    ("Switchboard: 020 7946 0958", "020 7946 0958"),
    ("Alternative: 04 91 22 18 77", "04 91 22 18 77"),
])
def test_a_contact_label_right_before_the_number_makes_it_a_phone(text: str, number: str) -> None:
    assert number in phones(text)


@pytest.mark.parametrize("text, number", [
    ("The courier left 0044 9278/84 253 on the note.", "0044 9278/84 253"),
    ("If it fails again, 0049 30/1234567 is the fastest way to me.", "0049 30/1234567"),
    ("Mira Lind (00356 4828/533-55)", "00356 4828/533-55"),
])
def test_a_double_zero_prefix_takes_a_slash_after_the_area_code(text: str, number: str) -> None:
    assert phones(text) == [number]


@pytest.mark.parametrize("text, number", [
    ("If it fails again, (077983) 724 is the fastest way to me.", "(077983) 724"),
    ("The courier left (033203) 62145 on the note.", "(033203) 62145"),
    ("Bookings (06221) 345-678, weekdays only", "(06221) 345-678"),
])
def test_a_bracketed_area_code_with_its_trunk_zero_is_a_phone(text: str, number: str) -> None:
    assert phones(text) == [number]


@pytest.mark.parametrize("text", [
    "Emergency: 12.03.2024 the server room flooded.",
    "Office: 1 234 567 EUR budget for the year.",
    "Home: 42 items were returned.",
    "Alt. tags were missing on the page, see ticket 0185 28904 about it.",
    "The report (2019) 2345 pages long was archived.",
    "We shipped (0) 12 boxes.",
    "Invoice 0012/2023 is due.",
    "The code 0049 was rejected.",
])
def test_labels_brackets_and_double_zeros_before_other_numbers_are_not_phones(text: str) -> None:
    assert phones(text) == []


@pytest.mark.parametrize("text, number", [
    ("NORAYR ZANAZANYAN\nLogistics assistant\n277-11051 · norayr.zanazanyan@example.am", "277-11051"),
    ("mail: anna@example.org | 96-753533", "96-753533"),
    ("anna.berg@example.org, 0712 448190", "0712 448190"),
])
def test_a_number_right_beside_a_found_email_is_a_phone(text: str, number: str) -> None:
    assert phones(text) == [number]


@pytest.mark.parametrize("text", [
    "Order 277-11051 was sent to norayr@example.am",
    "norayr@example.am sent order 277-11051",
    "Invoice 20240512 · billing@example.com",
    "anna@example.org, 12.03.2024",
])
def test_numbers_apart_from_an_email_or_not_written_as_phones_stay(text: str) -> None:
    assert phones(text) == []
