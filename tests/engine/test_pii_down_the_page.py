"""Fourth round of issue 17, second part: names that documents write down the page (bulleted and
numbered lists, a name heading a block of contact details), a capitalised role noun opening a log
entry, and name particles that are no street type ("Rami al Hassan").

Each case fails without the rule it is named after. Real presidio and spaCy where ``detect`` is called.
"""

from __future__ import annotations

import pytest

from engine.privacy.letterheads import letterhead_names
from engine.privacy.name_lists import bulleted_names
from engine.privacy.recognizers.person_role import PersonRoleRecognizer
from engine.privacy.spans import Span
from tests.engine.pii_found import found, people


def _seed(text: str, name: str) -> Span:
    start = text.index(name)
    return Span("PERSON", start, start + len(name), 0.85, "SpacyRecognizer")


# ---- name_lists.bulleted_names: one found name opening an item vouches for the other items ----------

def test_the_names_opening_the_other_items_of_a_bulleted_list_are_names() -> None:
    text = "Replies\n- Tomasz Wiechu + 1 (vegan)\n- Oyelade Bamgbose - cannot come\n- Restart the router\n"
    place = Span("LOCATION", text.index("Oyelade"), text.index(" - cannot"), 0.85, "SpacyRecognizer")
    named, replaced = bulleted_names(text, [_seed(text, "Tomasz Wiechu"), place])
    assert [text[s.start:s.end] for s in named] == ["Oyelade Bamgbose"] and replaced == [place]


def test_a_numbered_roster_is_one_list_and_other_markers_are_another() -> None:
    text = "Roster\n#4 Kelechi Obi (captain)\n#8 Ruta Vaitkus\n- Pavol Hrnciar (coach)\n"
    named, _ = bulleted_names(text, [_seed(text, "Ruta Vaitkus")])
    assert [text[s.start:s.end] for s in named] == ["Kelechi Obi"]  # the dash line is not in the run


def test_a_found_name_that_opens_no_item_vouches_for_nothing() -> None:
    text = "Steps\n- Restart the router, Anna Berg said\n- Check Cables (all)\n- Router Lights (green)\n"
    assert bulleted_names(text, [_seed(text, "Anna Berg")]) == ([], [])


def test_a_guest_list_is_redacted_end_to_end() -> None:
    text = ("RSVP replies\n- Oyelade Bamgbose + 1 (vegetarian)\n- Kemi A. Durojaiye and Femi Alabi - cannot come\n")
    assert "Oyelade Bamgbose" in people(text), found(text)


# ---- letterheads: a name heading a block with a phone number or e-mail address below it -------------

@pytest.mark.parametrize(("head", "contact"), [
    ("TEMITOPE ADEYEMI-COLE", "0803 555 0192 · planner@example.org"),
    ("BOLANLE OKONJO", "0803 555 0192"),
])
def test_a_name_heading_a_block_of_contact_details_is_a_name(head: str, contact: str) -> None:
    text = f"{head}\nWarehouse planner\n{contact}\n\nPROFILE\nSix years of stock work.\n"
    assert head in people(text), found(text)


@pytest.mark.parametrize("text", [
    "Thanks,\n\nCustomer Service\n0800 123 456\n",  # a service, not a person
    "Thanks,\n\nNordic Parts AB\n+46 8 123 45 67\n",  # a firm's legal form
    "Thanks,\n\nKind Regards\nSupport line\n0800 123 456\n",  # a closing line
    "Thanks,\n\nAnna Berg\nLogistics\nStore 4\n0800 123 456\n",  # the number is three lines down
    "Thanks,\nAnna Berg\n0800 123 456\n",  # not at the top of a block
])
def test_headings_that_are_no_name_or_have_no_contact_below_them(text: str) -> None:
    digits = text.rindex("\n", 0, len(text) - 1) + 1  # the number is on the last line
    phone = Span("PHONE_NUMBER", digits, len(text) - 1, 0.7, "PhoneRecognizer")
    assert letterhead_names(text, [phone]) == ([], [])


# ---- person_role: a capitalised role noun opening a line or a log entry ----------------------------

@pytest.mark.parametrize(("text", "name"), [
    ("09:40 Caller T. Mbeki (0712 345 678) reported a leak.", "T. Mbeki"),
    ("21:05 Keyholder Ruth Wanjiru on her way, mobile 0712 345 678", "Ruth Wanjiru"),
])
def test_a_name_after_a_capitalised_role_noun_opening_a_log_entry(text: str, name: str) -> None:
    assert name in {text[r.start:r.end] for r in PersonRoleRecognizer().analyze(text, ["PERSON"])}
    assert any(name in person for person in people(text)), found(text)


@pytest.mark.parametrize("text", ["Driver Update Available\nInstall it tonight.", "Manager Approval Process"])
def test_a_capitalised_role_noun_before_a_heading_is_no_name(text: str) -> None:
    assert PersonRoleRecognizer().analyze(text, ["PERSON"]) == []


# ---- street_type_first: "al" without its dot is a name particle ------------------------------------

def test_a_name_with_the_particle_al_is_no_street() -> None:
    text = "A big thank you to Rami al Hassan for the raffle prizes."
    assert not any(t == "STREET_ADDRESS" for t, _v in found(text)), found(text)


@pytest.mark.parametrize(("text", "street"), [
    ("Adres: al. Niepodległości, Warszawa", "al. Niepodległości"),
    ("Livraison : rue Clémence Samson", "rue Clémence Samson"),
])
def test_streets_without_a_number_still_found(text: str, street: str) -> None:
    assert any(t == "STREET_ADDRESS" and street in v for t, v in found(text)), found(text)
