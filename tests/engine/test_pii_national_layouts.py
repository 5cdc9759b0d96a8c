"""PII fifth round (issue 17): national layouts written from numbering plans and register conventions.

Phone numbers with dots after a trunk 0 ("021.123.45.67"), a North American number after "1 ", a
number on the line under a name, in brackets after it, or as a whole cell of a row with a name; names
with the surname in capitals first ("NOVÁK Jan"), after "signed for by", after "cc:" or "Present:".
And what must stay untouched: dates, IPv4 addresses, a bare digit run (an ID) under a name or in a row.
"""

from __future__ import annotations

import pytest

from tests.engine.pii_found import found, people, phones

pytestmark = pytest.mark.slow  # the real presidio + spaCy pipeline


@pytest.mark.parametrize("number", ["021.123.45.67", "0721.234.567", "06.12.34.56.78"])
def test_a_national_number_written_with_dots_is_a_phone(number: str) -> None:
    assert phones(f"Phone: {number}\n") == [number]


@pytest.mark.parametrize("date", ["05.12.2026", "5.12.2026", "2026-12-05", "31/01/2025"])
def test_a_date_is_not_a_phone_even_after_a_phone_label(date: str) -> None:
    assert phones(f"Phone: {date}\n") == []
    assert phones(f"Meeting on {date} with the team.") == []


def test_an_ip_address_is_still_not_a_phone() -> None:
    assert phones("The router at 192.168.10.24 was restarted; call 020 7946 0958 if it drops.") == [
        "020 7946 0958"]


def test_a_north_american_number_keeps_its_leading_1_before_the_bracket() -> None:
    assert phones("Phone: 1 (555) 123-4567") == ["1 (555) 123-4567"]


@pytest.mark.parametrize("number", ["601 234 567", "12 34 56 78", "070-123 45 67", "0701234567"])
def test_a_number_on_the_line_under_a_name_is_a_phone(number: str) -> None:
    text = f"Best wishes,\nAnna Kovacs\n{number}\nSales office"
    assert phones(text) == [number]
    assert "Anna Kovacs" in people(text)


def test_a_bare_run_of_digits_under_a_name_is_left_alone() -> None:
    """A run without a trunk 0 or groups under a name is more often a date or a reference than a phone."""
    text = "Invoice for Anna Berg\n20240512"
    assert "Anna Berg" in people(text) and phones(text) == []


def test_a_number_in_brackets_after_a_name_is_a_phone() -> None:
    text = "The customer, Mira Lind (601 234 567), asked for a refund."
    assert phones(text) == ["601 234 567"]


def test_a_number_filling_a_cell_of_a_row_with_a_name_is_a_phone() -> None:
    text = "Kovacs Anna;Budapest;601 234 567;active\nSzabo Reka;Pecs;22 123 45 67;paused"
    assert sorted(phones(text)) == ["22 123 45 67", "601 234 567"]


def test_a_bare_id_or_a_number_inside_a_longer_cell_is_not_taken_from_a_row() -> None:
    assert phones("Anna Berg;Order;10293847;shipped") == []
    assert phones("Anna Berg;Order 601 234 567 returned;shipped") == []  # not a whole cell


def test_a_row_without_a_name_gives_a_bare_digit_run_no_phone_reading() -> None:
    # sixth round: a number written in phone groups is a phone as a whole cell of any record row
    # (tests/engine/test_pii_phone_rows.py); a bare run without a trunk 0 stays an ID there
    assert phones("Warehouse;Budapest;10293847;active") == []
    assert phones("Warehouse;Budapest;601 234 567;active") == ["601 234 567"]


@pytest.mark.parametrize("name", ["NOVÁK Jan", "POPESCU Ioana Maria", "O'CONNOR Aoife", "KIERKEGAARD Søren"])
def test_a_surname_in_capitals_first_after_a_persons_label(name: str) -> None:
    assert people(f"Applicant: {name}\nDate of birth: see file") == [name]
    assert people(f"Name: {name}\n") == [name]


def test_capitals_before_a_word_without_a_persons_label_are_no_name() -> None:
    assert people("Status: URGENT Reply\nStation: NORTH Gate") == []


@pytest.mark.parametrize("text,name", [
    ("The parcel was signed for by Gergely Tóth at the door.", "Gergely Tóth"),
    ("The keys were handed over by Siobhan Murphy yesterday.", "Siobhan Murphy"),
    ("cc: Aoife O'Connor; Facilities", "Aoife O'Connor"),
    ("Present: Priya Raghunathan, the chair and two residents.", "Priya Raghunathan"),
    ("Apologies: Jan Novák", "Jan Novák"),
    ("Thanks Lars-Erik, I will pass it on.", "Lars-Erik"),
])
def test_names_after_list_labels_and_phrasal_attributions(text: str, name: str) -> None:
    assert name in people(text)



def test_a_found_name_vouches_for_the_name_cells_of_its_column_in_a_table_without_header() -> None:
    text = ("2024-03-11\tJan Novák\tRoom 12\tpaid\n2024-03-12\tGergely Tóth\tRoom 14\topen\n"
            "2024-03-12\tAnna Berg\tRoom 3\topen\n2024-03-13\tPriya Raghunathan\tHall\tpaid")
    assert sorted(people(text)) == ["Anna Berg", "Gergely Tóth", "Jan Novák", "Priya Raghunathan"]


def test_a_column_without_a_found_name_and_other_columns_stay_untouched() -> None:
    text = ("Anna Berg;Blue Ridge;Facilities\nJan Novák;Green Valley;Accounts\n"
            "Gergely Tóth;Silver Lake;Facilities")
    names = people(text)
    assert "Anna Berg" in names and "Blue Ridge" not in names and "Silver Lake" not in names
    # a header line of single words holds no member: "Visitor" is not made a name by the column below it
    text = "Visitor;Site\nAnna Berg;Blue Ridge\nJan Novák;Silver Lake\nGergely Tóth;Green Valley"
    assert "Visitor" not in people(text) and "Gergely Tóth" in people(text)


def test_a_firmware_version_is_no_drivers_licence_and_a_licence_still_is() -> None:
    assert found("Fault report: the TV box clicks. Firmware v5.2.8, error code 0x46FF.") == set()
    assert ("US_DRIVER_LICENSE", "A1234567") in found("Driver license: A1234567")


@pytest.mark.parametrize("gap", [" / ", " | ", " · ", " • "])
def test_a_name_and_a_number_joined_by_a_slash_bar_or_dot_vouch_for_each_other(gap: str) -> None:
    text = f"Please pass the keys to Gergely Tóth{gap}601 234 567 before the weekend."
    assert phones(text) == ["601 234 567"]
    assert people(text) == ["Gergely Tóth"]  # the model's place guess on "Tóth" is replaced


def test_pairs_joined_by_dashes_are_a_phone_after_a_cue_and_not_without_one() -> None:
    assert phones("Tlf. / phone 12-34-56-78") == ["12-34-56-78"]
    assert phones("Batch 12-34-56-78 passed the check.") == []


@pytest.mark.parametrize("label", ["Tlf", "Tfn", "Puh.", "GSM", "Celular"])
def test_phone_labels_of_other_languages_are_cues(label: str) -> None:
    assert phones(f"{label} 601 234 567") == ["601 234 567"]
    assert phones("Batch 601 234 567 passed.") == []


@pytest.mark.parametrize("text,name", [
    ("Report by Gergely Tóth.", "Gergely Tóth"), ("Photo by Aino Mäkelä", "Aino Mäkelä"),
    ("The letter was written by Jan Novák last week.", "Jan Novák"), ("Notes by Réka Szabó, 3 May", "Réka Szabó"),
])
def test_a_name_after_a_made_thing_and_by(text: str, name: str) -> None:
    assert name in people(text)


@pytest.mark.parametrize("text", ["Open by Appointment Only", "Pay by Credit Card", "Delivery by Monday Morning"])
def test_by_after_other_words_introduces_no_name(text: str) -> None:
    assert people(text) == []


def test_a_name_and_a_number_side_by_side_in_a_semicolon_row_vouch_for_each_other() -> None:
    text = "2024-03-11;Gergely Tóth;601 234 567;paid"
    assert people(text) == ["Gergely Tóth"] and phones(text) == ["601 234 567"]


@pytest.mark.parametrize("name", ["Aoife O'Connor", "Rohan D’Souza"])
def test_a_name_with_an_apostrophe_before_a_number_is_a_name(name: str) -> None:
    assert name in people(f"A-113|{name}|+36 30 123 4567|ok")


@pytest.mark.parametrize("team", ["Customer Service", "Sales Team", "Support Desk", "The Facilities Team"])
def test_a_team_signing_a_letter_is_no_person(team: str) -> None:
    assert people(f"Kind regards,\n{team}\n0800 123 4567") == []
    assert people("Kind regards,\nAnna Berg\nSales Team") == ["Anna Berg"]
