"""PII sixth round (issue 17): national numbers with no cue, in record rows and beside a number of the
same hand. And what stays untouched: amounts, dates, order numbers, a number in prose with no cue."""

from __future__ import annotations

import pytest

from engine.privacy.phone_rows import shape, written_in_groups
from tests.engine.pii_found import phones

pytestmark = pytest.mark.slow  # the real presidio + spaCy pipeline


@pytest.mark.parametrize("number", ["601 234 567", "912 345 678", "22 123 45 67", "12 34 56 78", "070-123 45 67",
                                    "0701234567", "01 234 5678"])
@pytest.mark.parametrize("row", ["2024-03-11\t{n}\tRoom 12\tpaid", "2024-03-11;{n};Room 12;paid",
                                 "| 14:05 | {n} | gate B | ok |"])
def test_a_national_number_as_a_whole_cell_of_a_record_row_is_a_phone(number: str, row: str) -> None:
    assert phones(row.format(n=number)) == [number]


@pytest.mark.parametrize("cell", ["12 345 678", "1 234 567", "20240512", "10293847", "12,50"])
def test_amounts_dates_and_ids_in_a_row_are_not_phones(cell: str) -> None:
    assert phones(f"2024-03-11\t{cell}\tRoom 12\tpaid") == []


def test_a_number_in_a_row_that_is_only_part_of_a_cell_is_left_alone() -> None:
    assert phones("2024-03-11\tticket 601 234 567 closed\tRoom 12\tpaid") == []


def test_a_number_written_like_a_found_phone_in_the_same_document_is_a_phone() -> None:
    text = "Phone: +420 601 234 567\nThe spare keys are with the caretaker, 602 345 678 after six.\n"
    assert sorted(phones(text)) == ["+420 601 234 567", "602 345 678"]


def test_without_a_found_phone_of_that_shape_the_bare_number_stays_unmarked() -> None:
    text = ("Phone: +420 601 234 567\nDelivery notes: the pallet was wrapped twice, and the batch is written as"
            " 12 34 56 78 in the ledger.\n")
    assert phones(text) == ["+420 601 234 567"]


def test_shapes_leave_the_country_code_out() -> None:
    assert shape("+420 601 234 567") == shape("601-234-567") == (3, 3, 3)
    assert shape("+46 (0)8 123 456 78") == (1, 3, 3, 2)
    assert written_in_groups("22 123 45 67") and written_in_groups("0701234567")
    assert not written_in_groups("12 345 678") and not written_in_groups("20240512")


def test_a_number_alone_on_its_line_is_a_phone_where_the_document_names_a_person() -> None:
    notice = "FOUND: a blue rucksack. It has a name tag (Anna Kovacs).\n600 758 709\nOr leave it at the bakery.\n"
    assert phones(notice) == ["600 758 709"]
    assert phones("FOUND: a blue rucksack at the stop.\n600 758 709\nOr leave it at the bakery.\n") == []


def test_a_number_before_a_name_in_brackets_is_a_phone() -> None:
    assert phones("Child's bike, hardly used. Collection only.\n0700 18 03 71 (Daniel Berg, evenings)\n") == [
        "0700 18 03 71"]


@pytest.mark.parametrize("text, number", [
    ("OK, saved. My landline is 8009219 if the mobile is off.", "8009219"),
    ("[09:14] Ola: yes, call me on 8008605\n", "8008605"),
    ("[09:15] Ola: ok, or I try 0701494515\n", "0701494515"),
    ("--\nIsabel Sparks\nT 0097042621096 | M 082633071\n", "0097042621096"),
    ("BEGIN CARD\nWork: 80000588\nEND CARD\n", "80000588"),
    ("Questions: +962/36583176 any time.", "+962/36583176"),
])
def test_numbers_after_a_phone_word_or_a_cards_label(text: str, number: str) -> None:
    assert number in phones(text)


@pytest.mark.parametrize("text", ["Order number: 8000071 was shipped.", "Reference: 0097042621096\n",
                                  "The parcel weighs 1234567 grams, it says."])
def test_ids_and_quantities_with_no_phone_word_stay_unmarked(text: str) -> None:
    assert phones(text) == []


def test_a_seven_digit_postcode_before_its_town_is_no_phone_even_under_a_phone_line() -> None:
    assert phones("TEL +56 800 559 874\nCalle Pinto 106, 9216970 Toltén\n") == ["+56 800 559 874"]
