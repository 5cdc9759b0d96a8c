"""The recognizers and filters that make detection hold up on international text (issue 17).

Each case is a layout the small spaCy model and the older patterns missed. Real presidio and spaCy.
"""

from __future__ import annotations

import pytest

from engine.privacy import detect
from engine.privacy.not_personal import has_legal_form, is_label_or_brand, names_a_calendar_day
from engine.privacy.places import is_country_or_region
from engine.privacy.recognizers.iban_any_country import iban_checksum_ok
from engine.workspace import Workspace
from tests.engine.pii_found import found


def types_in(text: str) -> set[str]:
    return {s.entity_type for s in detect(text)}


@pytest.mark.parametrize(("text", "address"), [
    ("Send it to ul. Miłosza 577, please.", "ul. Miłosza 577"),
    ("Our office: Vicolo Gaito, 8 Piano 2", "Vicolo Gaito, 8 Piano 2"),
    ("She lives in Calle de Alcalá 45, 3º izq.", "Calle de Alcalá 45"),
    ("Deliver to Rua do Ouro, 89 tomorrow.", "Rua do Ouro, 89"),
    ("Visit per. Malyy, d. 661 str. 7/1 on foot", "per. Malyy, d. 661 str. 7/1"),
])
def test_street_type_word_first(text: str, address: str) -> None:
    spans = [v for t, v in found(text) if t == "STREET_ADDRESS"]
    assert any(address in v for v in spans), spans


def test_unambiguous_type_word_without_number_and_ambiguous_words_need_a_number() -> None:
    assert any(t == "STREET_ADDRESS" for t, _ in found("Please ship it to rue Clémence Samson in Lyon."))
    assert "STREET_ADDRESS" not in types_in("We sent it Via Email and Place Orders online.")


@pytest.mark.parametrize(("text", "address"), [
    ("Wohnt in der Florisring 48 seit Mai.", "Florisring 48"),
    ("Adress: Skolvägen 76", "Skolvägen 76"),
    ("Leveres til Dampfærgevej 77 i dag.", "Dampfærgevej 77"),
    ("Osoite on Dosentinkuja 76 nyt.", "Dosentinkuja 76"),
    ("Lakcím: Györgyhalasi utca 121.", "Györgyhalasi utca 121."),
])
def test_street_name_with_a_type_suffix(text: str, address: str) -> None:
    spans = [v for t, v in found(text) if t == "STREET_ADDRESS"]
    assert any(address in v for v in spans), spans


def test_a_year_after_a_suffix_word_is_not_a_house_number() -> None:
    assert "STREET_ADDRESS" not in types_in("The Offspring 2024 tour and Spring 2025 sale.")


def test_multi_line_postal_block_is_one_address_and_the_country_stays() -> None:
    text = "Please send the replacement to:\n\nSaskia Henk\nRafpad 36\n9217 UM\nBosch en Duin\nGermany\n\nThanks."
    spans = [(t, v) for t, v in found(text)]
    assert ("STREET_ADDRESS", "Rafpad 36\n9217 UM\nBosch en Duin") in spans, spans
    assert not any("Germany" in v for _, v in spans)


def test_labelled_address_takes_the_rest_of_the_line() -> None:
    text = "Home address: Okrová 14, 481 24 Strážov\nNotes: none"
    assert any(t == "STREET_ADDRESS" and "Okrová 14" in v for t, v in found(text))
    assert "STREET_ADDRESS" not in types_in("Address: see the attached file\nE-mail address: a@b.example")


def test_apartment_parts_come_with_the_street() -> None:
    text = "Ship to Canale Pizziol, 2 Appartamento 98 by Friday."
    assert any(t == "STREET_ADDRESS" and v.endswith("Appartamento 98") for t, v in found(text))


def test_table_columns_named_by_their_header() -> None:
    text = 'name,email,phone,street\nPeggy Castaneda,peggy@hotmail.com,608 919 667,"70, avenue Martins"\n'
    got = found(text)
    assert {("PERSON", "Peggy Castaneda"), ("PHONE_NUMBER", "608 919 667"),
            ("EMAIL_ADDRESS", "peggy@hotmail.com")} <= got
    assert any(t == "STREET_ADDRESS" and "avenue Martins" in v for t, v in got)
    # without a header naming the column, the same digits are not a phone number
    assert "PHONE_NUMBER" not in types_in("Order total 608 919 667 units.")


def test_iban_of_any_country_by_its_check_digits() -> None:
    assert iban_checksum_ok("DE89 3704 0044 0532 0130 00")
    assert not iban_checksum_ok("DE89 3704 0044 0532 0130 01")
    assert ("IBAN_CODE", "UA213223130000026007233566001") in found("IBAN UA213223130000026007233566001 please")


@pytest.mark.parametrize(("text", "name"), [
    ("Action for J. Scott by Monday.", "J. Scott"),
    ("Dear W.B. Gomez, thanks.", "W.B. Gomez"),
    ("Present: Keith R. Waters and others", "Keith R. Waters"),
])
def test_names_with_initials(text: str, name: str) -> None:
    assert ("PERSON", name) in found(text)


def test_an_initial_at_a_sentence_end_is_not_a_name() -> None:
    assert "PERSON" not in types_in("We went with plan B. Then the pump worked.")


@pytest.mark.parametrize(("text", "name"), [
    ("Last name: Logan\nFirst name: Rachael", "Logan"),
    ("Vorname: Jürgen", "Jürgen"),
    ("A table for 4, under the name Lam. Thanks", "Lam"),
    ("Best,\nLisa", "Lisa"),
    ("My number is below. Thanks, Karen", "Karen"),
    ("Nikola from our team will call you tomorrow.", "Nikola"),
    ("Please send it to:\nJim Hess\nUnit 5126 Box 8588\nDPO AE 73731", "Jim Hess"),
])
def test_given_names_and_surnames_alone_where_the_text_introduces_them(text: str, name: str) -> None:
    assert ("PERSON", name) in found(text)


@pytest.mark.parametrize(("text", "phone"), [
    ("Phone: 608 919 667", "608 919 667"),
    ("Tel (0439)-150008", "(0439)-150008"),
    ("Звоните: 8 (100) 823-86-86", "8 (100) 823-86-86"),
    ("mobile 8 157 245 1958", "8 157 245 1958"),
])
def test_national_phone_formats(text: str, phone: str) -> None:
    assert ("PHONE_NUMBER", phone) in found(text)


def test_card_of_sixteen_digits_in_groups_whatever_its_first_digit() -> None:
    assert ("CREDIT_CARD", "8170 0524 8407 0444") in found("card 8170 0524 8407 0444 was charged")
    assert "CREDIT_CARD" not in types_in("card 8170 0524 8407 0441 was charged")  # Luhn fails


def test_durations_relative_dates_and_times_are_not_personal_data() -> None:
    for text in ("It broke after 2 weeks and again yesterday.", "The 3 of us came last night at 10:30 am.",
                 "We waited three days until Friday."):
        assert "DATE_TIME" not in types_in(text), text
    assert names_a_calendar_day("12 March") and names_a_calendar_day("03/04/2025")
    assert not names_a_calendar_day("2 weeks") and not names_a_calendar_day("March 2024")


def test_countries_are_retyped_and_ignored_by_default_brands_and_labels_are_not_people() -> None:
    got = found("My Netflix stopped working in Germany. How can I change my PIN?")
    assert not any(t in ("PERSON", "LOCATION") for t, _ in got), got
    assert is_country_or_region("the Netherlands") and is_country_or_region("Bavaria")
    assert is_label_or_brand("Postcode") and is_label_or_brand("PIN") and not is_label_or_brand("Anna")
    text = "Kind regards,\nTom Wilson\nKöhler KG\n"
    assert has_legal_form(text, text.index("Köhler"), text.index("Köhler") + 6)
    assert ("PERSON", "Köhler") not in found(text)


def test_default_policy_per_type_and_changes_are_stored_and_audited(workspace: Workspace) -> None:
    from dataclasses import replace

    from engine.privacy.errors import InvalidPolicy
    from engine.privacy.policy import IGNORE, REDACT, REVIEW, EntityPolicy

    policy = EntityPolicy()
    assert policy.action("PERSON") == REDACT and policy.action("DATE_TIME") == REVIEW
    assert policy.action("COUNTRY_OR_REGION") == IGNORE and policy.action("EMPLOYEE_ID") == REDACT
    text = "Shipped from Germany to Anna Schmidt."
    assert not any(t == "COUNTRY_OR_REGION" for t, _ in found(text))  # ignored by default
    settings = workspace.privacy.settings()
    changed = replace(settings, policy=dict(policy.with_action("COUNTRY_OR_REGION", REDACT).overrides))
    stored = workspace.privacy.save_settings(changed)
    assert stored.entity_policy().action("COUNTRY_OR_REGION") == REDACT
    got = {(s.entity_type, text[s.start:s.end]) for s in detect(text, stored.detection_config())}
    assert ("COUNTRY_OR_REGION", "Germany") in got and ("PERSON", "Anna Schmidt") in got
    events = workspace.audit.entries(action="pii.settings_changed")
    assert events and events[-1].details["new"]["policy"] == {"COUNTRY_OR_REGION": "redact"}
    with pytest.raises(InvalidPolicy):
        policy.with_action("PERSON", "shred")


def test_cli_policy_shows_and_changes_the_policy(workspace: Workspace, capsys: pytest.CaptureFixture[str]) -> None:
    from engine.cli import main

    ws_arg = ["--workspace", str(workspace.root)]
    assert main(["pii", "policy", *ws_arg]) == 0
    out = capsys.readouterr().out
    assert "COUNTRY_OR_REGION    ignore" in out and "DATE_TIME            review" in out
    assert main(["pii", "policy", *ws_arg, "--set", "DATE_TIME=ignore", "--set", "nrp=redact"]) == 0
    out = capsys.readouterr().out
    assert "DATE_TIME            ignore (changed from the default)" in out and "NRP                  redact" in out
    assert workspace.privacy.settings().entity_policy().action("DATE_TIME") == "ignore"
    assert main(["pii", "policy", *ws_arg, "--set", "PERSON=shred"]) == 2
    assert "unknown policy action 'shred'" in capsys.readouterr().err


# ---- second tuning split (bench/pii_corpus_tuning2.py): cues found on new locales and templates ----

@pytest.mark.parametrize(("text", "phone"), [
    ("Emergency contact: Grethe Pettersen (spouse), 90518326", "90518326"),  # eight digits (Nordic)
    ("Could you call me back on 934 70 039? Thanks.", "934 70 039"),  # "call" is a spaCy stop word
    ("Practice phone: +(370) 85413628", "+(370) 85413628"),
    ("Practice phone: 1-327-179-8433", "1-327-179-8433"),
    ("Practice phone: (+370) 8541 3628", "(+370) 8541 3628"),
])
def test_phone_numbers_of_eight_digits_bracketed_country_codes_and_cues_among_stop_words(text: str,
                                                                                       phone: str) -> None:
    assert ("PHONE_NUMBER", phone) in found(text)


def test_eight_digits_without_a_cue_are_not_a_phone() -> None:
    assert not any(t == "PHONE_NUMBER" for t, _ in found("Order 90518326 left the warehouse today."))


@pytest.mark.parametrize(("text", "name"), [
    ("Line manager: Victoria Graham\nSalary account: GB04UQKZ03439769270027", "Victoria Graham"),
    ("Patient name: Nora Somers\nDate of birth: 14/03/1981", "Nora Somers"),
    ("The next meeting will be chaired by Ansis Skujiņš.", "Ansis Skujiņš"),
    ("According to Ballı Korutürk, the new depot will open in spring.", "Ballı Korutürk"),
    ("Done. Viliyan Vasova replied within the hour.", "Viliyan Vasova"),
    ("@Alisiya can you check the figures?", "Alisiya"),
    ("made between the owner and Türcan Durmuş (the tenant) for the flat", "Türcan Durmuş"),
    ("can you check the figures? — Manoel Pondov, 09:12", "Manoel Pondov"),
    ("Participants: Milda Ginzburgas; Eimantas Nausėda; someone@example.com", "Eimantas Nausėda"),
    ("Speakers\n- Tryfonia Tzoyvelis – Head of Sales\n", "Tryfonia Tzoyvelis"),
])
def test_names_introduced_by_a_role_an_attribution_or_a_mention(text: str, name: str) -> None:
    assert ("PERSON", name) in found(text)


def test_model_guesses_on_the_first_word_of_a_label_are_not_names() -> None:
    spans = found("Salary account: GB04UQKZ03439769270027\nBill to: the office\nLine manager: to be named")
    assert not any(t == "PERSON" for t, _ in spans), spans


def test_chat_speakers_come_back_and_form_labels_do_not() -> None:
    chat = "Orlando: running late, sorry\nHans-Ulrich: no problem\nOrlando: will do\n"
    assert {("PERSON", "Orlando"), ("PERSON", "Hans-Ulrich")} <= found(chat)
    form = "Note: printer jammed\nStatus: open\nNote: paper replaced\n"
    assert not any(t == "PERSON" for t, _ in found(form))


def test_a_surname_alone_repeats_a_name_found_earlier() -> None:
    text = "Caridad Escobedo opened the meeting at nine; the budget was checked by the team of Escobedo later."
    spans = found(text)
    assert ("PERSON", "Caridad Escobedo") in spans
    assert sum(1 for t, v in spans if (t, v) == ("PERSON", "Escobedo")) == 1


def test_a_given_name_alone_repeats_a_name_a_greeting_introduced() -> None:
    text = "Hi Orlando,\nthe parts arrived.\nThe courier left them with Orlando at the front desk."
    people = [text[s.start:s.end] for s in detect(text) if s.entity_type == "PERSON"]
    assert people == ["Orlando", "Orlando"]  # the model alone reads the second one as a place
