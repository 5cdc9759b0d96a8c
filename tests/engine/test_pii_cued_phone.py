"""PII seventh round (issue 17): a number in any grouping right after a word that means a telephone.
And what stays untouched: dates, spans of years, time ranges, IP addresses, references after "number",
and a number too far from the phone word."""

from __future__ import annotations

import pytest

from tests.engine.pii_found import phones

pytestmark = pytest.mark.slow  # the real presidio + spaCy pipeline


@pytest.mark.parametrize("text, number", [
    ("Tel.: 50338 047", "50338 047"),
    ("Phone: 84656 977 (evenings)", "84656 977"),
    ("Tel.: 5367-63-20", "5367-63-20"),
    ("Ring 2 3297 542 if the van is late.", "2 3297 542"),
    ("Mob. 8755/66 195", "8755/66 195"),
    ("whatsapp 92-4848-359", "92-4848-359"),
    ("Please call me on 4678-531 88 tomorrow.", "4678-531 88"),
    ("Kontakt: 5913 26 46", "5913 26 46"),
])
def test_any_grouping_after_a_phone_word_is_a_phone(text: str, number: str) -> None:
    assert phones(text) == [number]


@pytest.mark.parametrize("text", [
    "Order number 5367-63-20 was shipped.",
    "Call on 12.03.2024 about the invoice.",
    "Please call 10.30-12.45 only.",
    "The phone system at 10.24.33.125 was restarted.",
    "Call us: the invoice 2024/11/0345 is due.",
    "The call centre ran 2019-2023 in Leeds.",
    "Please call about the pallets, reference 50338 047.",
])
def test_dates_years_times_addresses_and_far_numbers_are_not_phones(text: str) -> None:
    assert phones(text) == []
