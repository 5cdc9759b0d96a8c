"""PII sixth round (issue 17): names that a message thread, a text or a quote introduces, and company
names made of surnames on an organisation's line, which are no person."""

from __future__ import annotations

import pytest

from tests.engine.pii_found import people

pytestmark = pytest.mark.slow  # the real presidio + spaCy pipeline


@pytest.mark.parametrize("header", ["Messages with", "Chat with", "Conversation with"])
def test_the_header_of_a_message_thread_names_a_person(header: str) -> None:
    assert people(f"{header} Oonagh Dubhlain\n\n> see you at 6\n") == ["Oonagh Dubhlain"]


@pytest.mark.parametrize("greeting", ["Hi, it's", "Hello it's", "Hey, it’s"])
def test_a_text_that_opens_by_naming_its_sender(greeting: str) -> None:
    assert people(f"{greeting} Concepta. New number, save it please.") == ["Concepta"]


def test_it_s_without_a_greeting_names_nobody() -> None:
    assert people("It's Monday again and the printer is jammed.") == []


def test_a_quote_for_a_person() -> None:
    assert people("QUOTE ORD-61989\nFor: Chukwuemeka Udeh\nWork: replace the tap\n") == ["Chukwuemeka Udeh"]


@pytest.mark.parametrize("line", ["Org: Tate, Butler and Williams", "Company: Keller, Scott and Greene",
                                  "Organisation: Martin-Hill"])
def test_a_company_named_after_people_on_an_organisation_line_is_no_person(line: str) -> None:
    assert people(f"BEGIN CARD\nName: Brooke Shaw\n{line}\nEND CARD\n") == ["Brooke Shaw"]


@pytest.mark.parametrize("text", ["Present: Board Members\n", "To: All Staff\n", "Attendees: Team Leads\n",
                                  "Present: Sales Team\n", "Cc: Parish Council\n"])
def test_a_group_of_people_after_a_persons_label_is_no_person(text: str) -> None:
    assert people(text) == []


def test_a_name_after_the_same_labels_is_still_a_person() -> None:
    assert people("Present: Anna Berg\n") == ["Anna Berg"]
    assert people("To: Jan Kowalski\n") == ["Jan Kowalski"]


@pytest.mark.parametrize("text", ["Manager Approval: pending\n", "Requires Manager Approval before shipping.",
                                  "Needs Director Authorisation first."])
def test_a_step_of_a_process_is_no_person(text: str) -> None:
    assert people(text) == []
