"""Phone rules of the tenth round (issue 17): a 3-2-4 number a phone cue names is a phone, not an SSN; a date
pattern inside a longer number is no date; two-group numbers closing a label's line (French spacing too) or
alone on the line beside a name; a number after a dash closing a line that names a person; a number in
brackets after a word for a person, or in angle brackets after a name; "if problems" before the number and
"under 'daytime number'" after it; "call" in the tuning languages; a number beside a found one. Each against
the real detector, with the look-alikes that must stay untouched."""

from __future__ import annotations

import pytest

from engine.privacy.not_personal import inside_a_longer_number
from engine.privacy.spans import Span
from tests.engine.pii_found import found, people, phones


@pytest.mark.parametrize("text", [
    "Hi Mark, it's me again - 528-66-2528, call back pls",
    "Mobile: 528-66-2528",
])
def test_a_3_2_4_number_with_a_phone_cue_is_a_phone(text: str) -> None:
    assert phones(text) == ["528-66-2528"]
    assert ("US_SSN", "528-66-2528") not in found(text)


@pytest.mark.parametrize("text", [
    "SSN 528-66-2528, call back pls",                          # the SSN word wins over the cue
    "Social security: 528-66-2528. Please call us back.",
    "Employee record 528-66-2528",                              # no cue: presidio's SSN reading stays
])
def test_a_3_2_4_number_with_its_ssn_word_or_without_a_cue_stays_an_ssn(text: str) -> None:
    assert ("US_SSN", "528-66-2528") in found(text)
    assert phones(text) == []


def test_a_date_pattern_continued_by_its_own_separator_is_part_of_a_longer_number() -> None:
    text = "Emergency contact - Anna Kowalski - 1.01.1337.383"
    assert phones(text) == ["1.01.1337.383"]
    assert not any(t == "DATE_TIME" for t, _ in found(text))


@pytest.mark.parametrize(("text", "date", "inside"), [
    ("1.01.1337.383", "1.01.1337", True),
    ("call 44.12.03.2024", "12.03.2024", True),
    ("Date: 2024-03-11/2024-03-12", "2024-03-11", False),    # two dates, another separator between
    ("From 11.03.2024-12.03.2024", "12.03.2024", False),
    ("Born 12.03.1984.", "12.03.1984", False),               # the sentence's full stop, no digit after it
])
def test_inside_a_longer_number(text: str, date: str, inside: bool) -> None:
    start = text.index(date)
    span = Span("DATE_TIME", start, start + len(date), 0.6, "DateRecognizer")
    assert inside_a_longer_number(text, span) is inside


def test_date_ranges_stay_two_dates() -> None:
    assert {("DATE_TIME", "2024-03-11"), ("DATE_TIME", "2024-03-12")} <= found("Date: 2024-03-11/2024-03-12")
    assert {("DATE_TIME", "11.03.2024"), ("DATE_TIME", "12.03.2024")} <= found("From 11.03.2024-12.03.2024")


@pytest.mark.parametrize(("text", "number"), [
    ("Questions? 3435 1040", "3435 1040"),
    ("For urgent matters: 8042.7184", "8042.7184"),
    ("Pour toute question : 34-81-74-97", "34-81-74-97"),
    ("Une question ? 4.3276.4792", "4.3276.4792"),
])
def test_two_groups_or_french_spacing_closing_a_label_line(text: str, number: str) -> None:
    assert phones(text) == [number]


@pytest.mark.parametrize("text", [
    "Total: 1250.00",              # an amount
    "Ticket: 3435 1040",           # a document's number
    "Questions? 3435 1040 people asked.",  # the line goes on
    "Version : 12.4",
])
def test_label_lines_with_other_numbers_stay(text: str) -> None:
    assert phones(text) == []


def test_a_two_group_number_alone_on_the_line_above_a_name() -> None:
    assert phones("63904 7924\nMarek Kowalczyk\n") == ["63904 7924"]
    assert phones("Invoice total\n63904 7924\n") == []  # no person on a line beside it


def test_a_number_after_a_dash_closing_a_line_that_names_a_person() -> None:
    text = "Neighbour (Jan Nowak) has a key - 25726 23 22."
    assert phones(text) == ["25726 23 22"]
    assert people(text) == ["Jan Nowak"]  # the role word before the bracket is no name
    assert phones("The meeting room has a projector - 25726 23 22.") == []  # no person on the line


@pytest.mark.parametrize(("text", "number"), [
    ("Her sister (5333 87496) will pick her up.", "5333 87496"),
    ("Ask the plumber (3091 921 955) first.", "3091 921 955"),
])
def test_a_number_in_brackets_after_a_word_for_a_person(text: str, number: str) -> None:
    assert phones(text) == [number]


@pytest.mark.parametrize("text", [
    "The total (12 345 678) was paid.",     # an amount, no word for a person
    "Her sister (born 1984) will come.",
    "The driver (20240512) was late.",      # a bare run: an ID or a date
])
def test_bracketed_numbers_not_after_a_word_for_a_person_stay(text: str) -> None:
    assert phones(text) == []


def test_a_number_in_angle_brackets_after_a_name() -> None:
    assert phones("Marek Kowalczyk <703 246 98>") == ["703 246 98"]


@pytest.mark.parametrize(("text", "number"), [
    ("Delivery notes: leave at door, if problems 3156-3623", "3156-3623"),
    ("In case of questions: 3156-3623", "3156-3623"),
    ("The form lists 7305 41 081 under 'daytime number'.", "7305 41 081"),
    ("She listed 7305 41 081 as daytime number.", "7305 41 081"),
])
def test_what_to_do_if_something_goes_wrong_or_what_the_number_is_listed_as(text: str, number: str) -> None:
    assert phones(text) == [number]


@pytest.mark.parametrize("text", [
    "If problems persist after 3 days, restart.",
    "The form lists 7305 41 081 under 'order number'.",
    "if needed 1 234 567 EUR can be added",   # an amount: contact cues raise eight digits or more only
])
def test_other_conditions_and_listings_are_no_cue(text: str) -> None:
    assert phones(text) == []


@pytest.mark.parametrize(("text", "number"), [
    ("Llámame al 952 78937", "952 78937"),
    ("Bel gerust: 57 513 990", "57 513 990"),
    ("Ruf an: 62310188", "62310188"),
    ("Zadzwoń: 43847 0191", "43847 0191"),
])
def test_call_in_the_tuning_languages_is_a_phone_word(text: str, number: str) -> None:
    assert phones(text) == [number]


def test_a_number_beside_a_found_phone_with_only_a_separator_between() -> None:
    text = "Signature:\nMarek Kowalczyk\nSales\n+48 22 123 45 67 | 78/016 6559"
    assert {"+48 22 123 45 67", "78/016 6559"} <= set(phones(text))


# Faker's formats of the world (bench/pii_phone_shapes.py --numbers faker), second half of the round

@pytest.mark.parametrize(("text", "number"), [
    ("Anna Berg\n210 1708301\n", "210 1708301"),               # an area code, a space, the number
    ("Tel.: 583 3667", "583 3667"),                            # seven digits, three and four, after a label
    ("Dear team,\nmy number changed to 316 40 81. Regards, Anna", "316 40 81"),  # own number, seven digits
    ("Bel gerust: 62310188", "62310188"),                      # a bare run after a Dutch phone word
])
def test_more_national_shapes_after_a_cue_or_beside_a_name(text: str, number: str) -> None:
    assert phones(text) == [number]


@pytest.mark.parametrize("text", [
    "Parcel for 1-23-1 Suzuki-cho, 541-0122 Matsuda-shi, tel. 070/1028451",  # a postcode before its town
    "Office: 123 4567 EUR",                                      # an amount after a contact label
    "Room 583 3667",                                             # no cue
])
def test_seven_digit_postcodes_amounts_and_uncued_numbers_stay(text: str) -> None:
    assert "541-0122" not in phones(text)
    assert "123 4567" not in phones(text)
    assert "583 3667" not in phones(text)


@pytest.mark.parametrize(("text", "number"), [
    ("Questions? 93737200", "93737200"),
    ("For urgent matters: 316 40 81", "316 40 81"),
    ("Anna Berg\n93737200\n", "93737200"),
    ("Neighbour (Jan Nowak) has a key - 14562923203.", "14562923203"),
    ("Her sister (583 3667) will pick her up.", "583 3667"),
    ("If it fails again, 699 153 375 is the fastest way to me.", "699 153 375"),
])
def test_bare_runs_and_seven_digits_where_a_label_a_name_or_a_phrase_vouches(text: str, number: str) -> None:
    assert phones(text) == [number]


@pytest.mark.parametrize("text", [
    "Date: 20240512",                 # a bare run that is a date
    "Anna Berg\n20240512\n",
    "Invoice no.: 93737200",          # a document's number
    "If it fails again, 699 153 375 is the total.",
])
def test_dates_documents_and_other_phrases_stay(text: str) -> None:
    assert phones(text) == []


# The number beside other personal data (bench/pii_phone_shapes.py --set neighbours)

@pytest.mark.parametrize(("text", "number"), [
    ("Bahnhofstraße 12, 10115 Berlin · 37132 9148", "37132 9148"),
    ("Hauptstraße 5, 10115 Berlin\n63317 47 19\nanna.berg@example.org", "63317 47 19"),
    ("93737200, anna.berg@example.org, Hauptstraße 5", "93737200"),
    ("Emergency: Ana Pérez (12.03.1984), 934 498 19", "934 498 19"),
    ("Booking for Ana Pérez on 2025-03-12, confirmation sent to 3890-6267 by SMS.", "3890-6267"),
])
def test_a_number_beside_an_address_an_email_a_dated_name_or_sent_by_sms(text: str, number: str) -> None:
    assert number in phones(text)


@pytest.mark.parametrize("text", [
    "IBAN DE89370400440532013000 / 12345678",         # a bare run beside an IBAN: an account number
    "anna.berg@example.org, 20240512",                 # a bare run that is a date
    "Hauptstraße 5, 10115 Berlin\n20240512\n",
    "The report was sent to 3890-6267 by courier.",
])
def test_bare_runs_beside_an_iban_dates_and_other_ways_of_sending_stay(text: str) -> None:
    assert phones(text) == []
