"""PII rules of the eleventh round (issue 17).

Phones: a colon next to the number (a vCard's "TEL;TYPE=cell:...", an SMS's "...: your appointment") no longer
hides it, unless a digit stands on the colon's other side (a time); a telephone sign; "tél", "ph." and "rang" as
phone words; a number's label naming what it is for ("Contact number on file:"); how someone can be reached ("can
be contacted via ...") or whom to speak with on it ("confirm with the customer on ..."); a number answering a
question for it on the line before (a chat transcript); "or by e-mail" and "(mobile)" after the number; a number
opening a line that a found name closes; a licence reading inside a longer number.
Addresses: a postcode read as a phone inside an address block; the lines under an address label alone on its
line; a labelled address ending where a phone's label starts; a street line and a town line under a name.
Each against the real detector, with the look-alikes that must stay untouched."""

from __future__ import annotations

import pytest

from tests.engine.pii_found import addresses, cards, found, people, phones


@pytest.mark.parametrize(("text", "number"), [
    ("BEGIN:VCARD\nFN:Ann Lee\nTEL;TYPE=cell:1 55 12627\nEND:VCARD", "1 55 12627"),
    ("TEL;TYPE=home:602/242 14", "602/242 14"),
    ("SMS to 65-1239-25: your appointment is confirmed for Tuesday.", "65-1239-25"),
    ("SMS to 555 06 51: your appointment is confirmed.", "555 06 51"),
    ("Tel:830-79.5960", "830-79.5960"),
])
def test_a_colon_beside_the_number_does_not_hide_it(text: str, number: str) -> None:
    assert phones(text) == [number]


@pytest.mark.parametrize("text", [
    "Call me at 10:30 45 people will be there",        # a time, then a count
    "Tel. desk open 9:15 12 34 to 17:00",
    "Call 3 of 10:30 45 67 minutes",
])
def test_a_colon_between_digits_still_parts_a_time_from_what_follows(text: str) -> None:
    assert not any(p.startswith(("30", "15", "45")) for p in phones(text)), phones(text)


@pytest.mark.parametrize(("text", "number"), [
    ("\u260e 54 2344 217", "54 2344 217"),
    ("\u260e 34-81-74-97", "34-81-74-97"),
    ("\U0001f4de 606/60-6538", "606/60-6538"),
    ("\u2706: 731 622 568", "731 622 568"),
])
def test_a_telephone_sign_is_a_phone_label(text: str, number: str) -> None:
    assert phones(text) == [number]


@pytest.mark.parametrize(("text", "number"), [
    ("Ordre 4471 - client Jean Roux - t\u00e9l 27017-468", "27017-468"),
    ("T\u00e9l. 92920573", "92920573"),
    ("ph. 316 40 81 (after 5pm)", "316 40 81"),
    ("ph. 77983 724 (after 5pm)", "77983 724"),
    ("Ann Lee rang from 10-5184-9413 about the boiler.", "10-5184-9413"),
    ("Ann Lee rang from 78/016 6559 about the boiler.", "78/016 6559"),
])
def test_tel_ph_and_rang_are_phone_words(text: str, number: str) -> None:
    assert phones(text) == [number]


@pytest.mark.parametrize(("text", "number"), [
    ("Ticket #55120 opened by Ann Lee. Contact number on file: 952 78937.", "952 78937"),
    ("Ticket #55120 opened by Ann Lee. Contact number on file: 830-79.5960.", "830-79.5960"),
    ("Work no.: 9 389 5989", "9 389 5989"),
    ("Daytime number: 43847 0191", "43847 0191"),
])
def test_a_label_naming_what_the_number_is_for(text: str, number: str) -> None:
    assert phones(text) == [number]


@pytest.mark.parametrize(("text", "number"), [
    ("Driver Ann Lee can be contacted via 48288-8446 or radio channel 4.", "48288-8446"),
    ("Driver Ann Lee can be contacted via 209 05 34 or radio channel 4.", "209 05 34"),
    ("He is available under 679 71 39 after six.", "679 71 39"),
])
def test_how_someone_can_be_reached(text: str, number: str) -> None:
    assert phones(text) == [number]


@pytest.mark.parametrize("text", [
    "Order number on file: 952 78937.",                 # an order number, however labelled
    "Invoice no.: 9 389 5989",
    "Ticket available on 12.03.2024, gate 4.",
    "The report is available at 10:30 in room 12.",
    "pH 7.35 to 7.45 in 3 samples",
    "Version 2.14:1 55 12627 builds",
    "Ref: 1 55 12627",
])
def test_numbers_that_are_not_phones_stay_untouched(text: str) -> None:
    assert phones(text) == [], found(text)


@pytest.mark.parametrize(("text", "number"), [
    ("Agent: And your number?\nCustomer: 22913-4303, thanks", "22913-4303"),
    ("Agent: And your number?\nCustomer: 107-869-611, thanks", "107-869-611"),
    ("[09:14] Agent: What's the best number to reach you?\n[09:15] Customer: it's 25272.106", "25272.106"),
    ("[09:14] Agent: What's the best number to reach you?\n[09:15] Customer: it's 8796-220 60", "8796-220 60"),
    ("Support: Could we get your number, please?\nClient: sure, 59314 833 06", "59314 833 06"),
])
def test_a_number_answering_a_question_for_it(text: str, number: str) -> None:
    assert phones(text) == [number]


@pytest.mark.parametrize("text", [
    "Agent: And your order number?\nCustomer: 22913-4303",
    "Agent: What is your account number?\nCustomer: it's 25272.106",
    "Agent: Can you give me the reference?\nCustomer: 59314 833 06",
])
def test_a_number_answering_a_question_for_another_number_is_no_phone(text: str) -> None:
    assert phones(text) == [], found(text)


@pytest.mark.parametrize(("text", "number"), [
    ("Please confirm with the customer on 9-9009-4167 before 10am.", "9-9009-4167"),
    ("Please confirm with the customer on 65-1239-25 before 10am.", "65-1239-25"),
    ("Check with the tenant at 9-54.21956 first.", "9-54.21956"),
])
def test_whom_to_speak_with_on_the_number(text: str, number: str) -> None:
    assert phones(text) == [number]


@pytest.mark.parametrize(("text", "number"), [
    ("I am happy to answer questions on 66 60 23 17 or by e-mail.", "66 60 23 17"),
    ("I am happy to answer questions on 606/60-6538 or by e-mail.", "606/60-6538"),
    ("Questions go to 4.3276.4792 or email.", "4.3276.4792"),
    ("Ann Lee\n2975940708 (mobile)\n", "2975940708"),
    ("Back-up: 33-3435-53 (home)", "33-3435-53"),
])
def test_what_follows_the_number_says_it_is_one(text: str, number: str) -> None:
    assert phones(text) == [number]


@pytest.mark.parametrize("text", [
    "Meet with the customer on 12.03.2024 at the depot.",
    "Pay invoice 4.3276.4792 or by e-mail transfer? No: by bank.",
    "Order 2975940708 (home delivery) ships Monday.",
])
def test_look_alikes_beside_the_new_cues(text: str) -> None:
    assert phones(text) == [], found(text)


@pytest.mark.parametrize(("text", "number"), [
    ("63 282 53 68 Sibylla Schmidtke", "63 282 53 68"),
    ("2868.372.733 Maria Lopez", "2868.372.733"),
    ("- 10906-4646 Vanessa Pacheco, plumber", "10906-4646"),
    ("Contacts:\n25726 23 22 Anna Kowalska (evenings)", "25726 23 22"),
])
def test_a_number_opening_a_line_that_a_name_closes(text: str, number: str) -> None:
    assert phones(text) == [number]


@pytest.mark.parametrize("text", [
    "Invoice 63 282 53 68 Sibylla Schmidtke",            # the number does not open the line
    "63 282 53 68 Sibylla Schmidtke paid the invoice",   # the name does not close it
    "20240512 Anna Berg",                                 # a bare run: a date or an ID more often
])
def test_a_number_and_a_name_that_do_not_make_a_contact_line(text: str) -> None:
    assert phones(text) == [], found(text)


def test_a_licence_reading_inside_a_longer_number_gives_way_to_the_phone() -> None:
    text = "- Alicia Watson, 10.460755\n- Office, 084 697 5238"
    assert sorted(phones(text)) == ["084 697 5238", "10.460755"]
    assert not any(t == "US_DRIVER_LICENSE" for t, _ in found(text))


def test_a_postcode_read_as_a_phone_leaves_the_address_block_an_address() -> None:
    text = "SHIP TO:\nSHOTA NAKAMURA\n2-11-9 Sato-cho\n057-0009 Saito-shi\nTEL 090-9044-5622"
    assert addresses(text) == ["2-11-9 Sato-cho\n057-0009 Saito-shi"]
    assert phones(text) == ["090-9044-5622"]


@pytest.mark.parametrize(("text", "address", "number"), [
    ("Address: Hauptstr. 5, 10115 Berlin, Tel. 030 1234567", "Hauptstr. 5, 10115 Berlin", "030 1234567"),
    ("Address: Okrová 14/3b, Strážov; mobile 0601 234 567", "Okrová 14/3b, Strážov",
     "0601 234 567"),
])
def test_a_labelled_address_ends_where_a_phone_label_starts(text: str, address: str, number: str) -> None:
    assert addresses(text) == [address]
    assert phones(text) == [number]


@pytest.mark.parametrize(("text", "address"), [
    ("Parent/guardian: F. Angulo\nHome address:\nPedro de Valdivia 83\nVicu\u00f1a, Regi\u00f3n de Coquimbo\n"
     "Mobile: +5699 65 57 291", "Pedro de Valdivia 83\nVicu\u00f1a, Regi\u00f3n de Coquimbo"),
    ("Owner's tel.: +56 2 2171 8505\nAddress:\nRa\u00fal Flores 531 Of. 5017\n"
     "Los Andes, Regi\u00f3n de Valpara\u00edso\nVet on duty: Marcela L. Abarca",
     "Ra\u00fal Flores 531 Of. 5017\nLos Andes, Regi\u00f3n de Valpara\u00edso"),
    ("Home address:\nTovuz ray., AKAD.H.\u018fL\u0130YEV k\u00fc\u00e7\u0259si, b. 9, m. 620\nMobile: (099) 459-0653",
     "Tovuz ray., AKAD.H.\u018fL\u0130YEV k\u00fc\u00e7\u0259si, b. 9, m. 620"),
    ("Billing address\nCaupolic\u00e1n 593 Dpto. 698\n3215870 Parral\n\nThanks",
     "Caupolic\u00e1n 593 Dpto. 698\n3215870 Parral"),
])
def test_the_lines_under_an_address_label_alone_on_its_line(text: str, address: str) -> None:
    assert addresses(text) == [address]


@pytest.mark.parametrize("text", [
    "Address:\nSee attached file 2\nThanks, Anna",
    "Address:\nSame as 2023 form",
    "Address:\n\nThanks, Anna Berg, room 12",
])
def test_what_follows_an_address_label_that_is_no_address(text: str) -> None:
    assert addresses(text) == [], found(text)


def test_a_street_type_word_does_not_reach_across_a_tab() -> None:
    text = "Encarnita Sainz Camino\t0 972 949 453\tofuller@example.org\t728 Kelly Dam, G2K 6ZZ Tjuchem"
    assert phones(text) == ["0 972 949 453"]
    assert addresses(text) == ["728 Kelly Dam, G2K 6ZZ Tjuchem"]
    assert addresses("Address: Camino de Hierro 12, 28001 Madrid") == ["Camino de Hierro 12, 28001 Madrid"]


@pytest.mark.parametrize(("text", "number"), [
    ("Payment card number 060413557889", "060413557889"),       # "number" raised the phone reading
    ("Card: 060413557889", "060413557889"),
    ("Num\u00e9ro de carte : 060430695670", "060430695670"),
])
def test_a_twelve_digit_maestro_number_after_a_card_word_is_a_card(text: str, number: str) -> None:
    assert cards(text) == [number]
    assert phones(text) == []


# Without a card word or a phone word, a Luhn-valid 0604 number is a card since the twelfth round
# (test_pii_twelfth_round); a phone word before it keeps the phone reading.
@pytest.mark.parametrize(("text", "number"), [
    ("Call 060413557889 about the card", "060413557889"),
    ("Mobile:\n060477202307\njasonharris@example.org", "060477202307"),
])
def test_a_0604_number_after_a_phone_word_stays_a_phone(text: str, number: str) -> None:
    assert phones(text) == [number]
    assert cards(text) == []


@pytest.mark.parametrize(("text", "address"), [
    ("Registered keeper:\nCONTRERAS, Segundo\nLos Copihues 790 Of. 897\n"
     "Tir\u00faa, Regi\u00f3n del Biob\u00edo, 0854450\n\nThe charge of 70.00 is due",
     "Los Copihues 790 Of. 897\nTir\u00faa, Regi\u00f3n del Biob\u00edo, 0854450"),
    ("Yours sincerely,\nMar\u00eda N. V\u00e1squez\nCaupolic\u00e1n 593 Dpto. 698\n3215870 Parral\n",
     "Caupolic\u00e1n 593 Dpto. 698\n3215870 Parral"),
    ("Registered keeper:\nMass\u00e9, Fran\u00e7ois H.\n41668 rang Marcel\nNo\u00ebl, AB H4H2H9\n\nThe charge",
     "41668 rang Marcel\nNo\u00ebl, AB H4H2H9"),
    ("Yours sincerely,\nJane J. Tr\u1ea7n\nS\u1ed1 69/806 ph\u1ed1 L\u00ea L\u1ee3i\n41542 TP. C\u1ea7n Th\u01a1\n",
     "S\u1ed1 69/806 ph\u1ed1 L\u00ea L\u1ee3i\n41542 TP. C\u1ea7n Th\u01a1"),
])
def test_a_street_line_and_a_town_line_under_a_name(text: str, address: str) -> None:
    assert addresses(text) == [address]


@pytest.mark.parametrize("text", [
    "Best,\nAnna Berg\nSales Manager, Region 4\nAcme GmbH, 10115 Berlin",   # a role on the line under the name
    "Anna Berg\nOrder 55120\nTel 01614960123 Leeds",                       # a cued phone on the second line
    "Anna Berg\nInvoice 2024-118\nTotal 1,250.00 EUR",                      # no postcode beside a town
    "Dear Anna Berg\nRoom 12 is booked\nfor 2024 guests",                    # the name does not fill its line
])
def test_lines_under_a_name_that_are_no_address(text: str) -> None:
    assert addresses(text) == [], found(text)


@pytest.mark.parametrize(("text", "name"), [
    ("Driver Ann Lee can be contacted via 209 05 34 or radio channel 4.", "Ann Lee"),
    ("Mrs Mills slept well. Daughter Dora Awuah asked to be called.", "Dora Awuah"),
    ("Porter Wagoner sang it first.", "Porter Wagoner"),    # a given name that is also a job: kept whole
])
def test_a_role_word_opening_the_models_name_is_left_out(text: str, name: str) -> None:
    assert name in people(text) and not any(p.startswith(("Driver", "Daughter")) for p in people(text))
