"""A fifth tuning part for the many-locale PII corpus: phone numbers of other numbering plans, in everyday
kinds where numbers stand with few words around them (issue 17, sixth round, 2026-12-07).

Added to tune the phone rules on material that is neither the held-out part nor the earlier tuning parts.
Nothing in the other corpus modules changes.

* Phone locales (Faker formats of countries in no other list): am_ET, ar_AE, ar_JO, ar_PS, ar_DZ, fa_IR,
  he_IL, hi_IN, ne_NP, ko_KR, th_TH, and Faker's generic "de" and "es" formats. Names come from Latin-script
  locales in no other list either (ga_IE, ig_NG, fr_BE, lb_LU, mt_MT, sq_AL, el_CY's English names,
  en_BD, en_MS, and Faker's English-named dk_DK, ng_NG, la, en). Service numbers of three or four digits
  that Faker mixes into some lists are drawn again: they are nobody's personal data.
* Templates (10 kinds used by no other part): text-message thread, appointment reminder, lost-and-found
  notice, classified ad, tradesman's quote, chat export with timestamps, contact card, e-mail footer with
  several numbers, call-back ticket, spreadsheet paste with a header row.
"""

from __future__ import annotations

from pii_corpus import Doc, Layout, lay_out
from pii_corpus_tuning4 import Values4

# name locale -> the locale whose phone formats it takes
PAIRS = {"ga_IE": "am_ET", "ig_NG": "ar_AE", "fr_BE": "ar_JO", "lb_LU": "ar_PS", "mt_MT": "ar_DZ",
         "sq_AL": "fa_IR", "el_CY": "he_IL", "en_BD": "hi_IN", "en_MS": "ne_NP", "dk_DK": "ko_KR",
         "ng_NG": "th_TH", "la": "de", "en": "es"}
LOCALES = tuple(PAIRS)


class Values5(Values4):
    """Values4 with the phone formats of the paired locale."""

    def __init__(self, locale: str, seed: int) -> None:
        super().__init__(locale, seed)
        from faker import Faker

        self.phones = Faker(PAIRS[locale])
        self.phones.seed_instance(seed)

    def raw_phone(self) -> str:
        """A number of seven digits or more: Faker's ar_AE and ar_JO lists hold three- and four-digit service
        numbers ("998", "1294"), which are not anyone's personal data."""
        while True:
            number = str(self.phones.phone_number())
            if sum(ch.isdigit() for ch in number) >= 7:
                return number


def sms_thread(v: Values5, d: Doc) -> None:
    d.add("Messages with ", v.person(), "\n\n> Hi, it's ", v.given(), ". New number: ", v.phone(), "\n> ",
          v.prose(1), "\n< OK, saved. My landline is ", v.phone(), " if the mobile is off.\n> Thanks!\n")


def appointment_reminder(v: Values5, d: Doc) -> None:
    d.add("Reminder: ", v.person(), ", your appointment is on ", v.time(), ". To move it reply here or ring ",
          v.phone(), ". If you are unwell, call ", v.phone(), " instead.\n")


def lost_and_found(v: Values5, d: Doc) -> None:
    d.add("FOUND: a blue rucksack at the bus stop on ", v.town(), ". It has a name tag (", v.name_any(),
          ").\n", v.phone(), "\nOr leave it with ", v.person(), " at the bakery.\n")


def classified_ad(v: Values5, d: Doc) -> None:
    d.add("For sale: child's bike, 20 inch, hardly used. 45 EUR. Collection only.\n", v.phone(), " (",
          v.given(), ", evenings)\n")


def tradesman_quote(v: Values5, d: Doc) -> None:
    d.add("QUOTE ", v.ref(), "\nFor: ", v.name_any(), "\n", v.postal_address(), "\nWork: replace the kitchen "
          "tap and the valve under the sink. Labour 2 h, parts extra.\nQuestions: ", v.person(), ", ",
          v.phone(), "\n")


def chat_export(v: Values5, d: Doc) -> None:
    a, b = v.person(), v.person()
    d.add("[09:12] ", a, ": morning, is the van free today?\n[09:14] ", b, ": yes, keys at reception. call me "
          "on ", v.phone(), "\n[09:15] ", a, ": ok, or I try ", v.phone(), "\n")


def contact_card(v: Values5, d: Doc) -> None:
    d.add("BEGIN CARD\nName: ", v.name_any(), "\nOrg: ", v.company(), "\nWork: ", v.phone(), "\nCell: ",
          v.phone(), "\nMail: ", v.email(), "\nEND CARD\n")


def email_footer(v: Values5, d: Doc) -> None:
    d.add(v.prose(2), "\n\n--\n", v.person(), "\n", v.company(), "\nT ", v.phone(), " | M ", v.phone(), "\n",
          v.email(), "\n")


def callback_ticket(v: Values5, d: Doc) -> None:
    d.add("Ticket ", v.ref(), " - call back requested\nCaller: ", v.name_any(), "\nBest number: ", v.phone(),
          "\nAlternative: ", v.phone(), "\nNote: ", v.prose(1), "\n")


def spreadsheet_paste(v: Values5, d: Doc) -> None:
    d.add("Name\tPhone\tTeam\n")
    for team in ("blue", "red", "green"):
        d.add(v.person(), "\t", v.phone(), f"\t{team}\n")


TEMPLATES: tuple[Layout, ...] = (sms_thread, appointment_reminder, lost_and_found, classified_ad,
                                 tradesman_quote, chat_export, contact_card, email_footer, callback_ticket,
                                 spreadsheet_paste)  # type: ignore[assignment]


def corpus(n: int, seed: int) -> list[tuple[str, list[tuple[str, int, int]], str]]:
    """``n`` documents of the fifth tuning part, laid out like ``pii_corpus.corpus``."""
    return lay_out(LOCALES, TEMPLATES, Values5, n, seed)
