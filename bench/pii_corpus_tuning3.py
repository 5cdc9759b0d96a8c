"""A third tuning part for the many-locale PII corpus: more locales and everyday templates, in no other list.

Added on 2026-12-06 (issue 17, third round) to find failure modes on material that neither the held-out
part nor the two earlier tuning parts contain, so the held-out part stays an honest measure. Nothing in
``bench/pii_corpus.py`` or ``bench/pii_corpus_tuning2.py`` changes.

* Locales: en_AU, fr_CA, it_CH, es_CO, es_CL, et_EE, id_ID, de_LI, de_LU, az_AZ, vi_VN, is_IS, uz_UZ,
  bs_BA, en_NG, ja_JP (romanised names).
* Templates: school enrolment, parking fine, visitor log, job application e-mail, callback request,
  shipping label, emergency contact sheet, club membership renewal, warranty registration, lost property,
  vet record, classified ad.

Names come in more forms than in the other parts: a given name alone, initials, a middle initial, the
surname first in capitals ("NOVAK, Petra"), "Surname, Given" and hyphenated surnames. Phone numbers come
as Faker writes them for the locale and, half of the time, regrouped the way people write national
numbers (spaces, dots, dashes, a bracketed area code, a slash, no separator), with and without a cue.
"""

from __future__ import annotations

from pii_corpus import Doc, Layout, Values, lay_out

LOCALES = ("en_AU", "fr_CA", "it_CH", "es_CO", "es_CL", "et_EE", "id_ID", "de_LI", "de_LU", "az_AZ", "vi_VN",
           "is_IS", "uz_UZ", "bs_BA", "en_NG", "ja_JP")
_TITLES = ("Cô ", "Bà ", "Ông ", "Anh ", "Chị ", "Bạn ", "Em ")


class Values3(Values):
    """Values with more name forms and phone numbers regrouped the national way."""

    def __init__(self, locale: str, seed: int) -> None:
        super().__init__(locale, seed)
        self.japanese = locale == "ja_JP"

    def first(self) -> str:
        if self.japanese:
            return str(self.f.first_romanized_name())
        name = str(self.f.first_name())
        for title in _TITLES:  # vi_VN sometimes puts a form of address before the name
            name = name.removeprefix(title)
        return name

    def last(self) -> str:
        if self.japanese:
            return str(self.f.last_romanized_name())
        return str(self.f.last_name())

    def street(self) -> tuple[str, str]:
        if not self.japanese:
            return super().street()
        return ("STREET_ADDRESS", f"{self.rng.randint(1, 9)}-{self.rng.randint(1, 30)}-{self.rng.randint(1, 20)} "
                                  f"{self.f.last_romanized_name()}-cho")

    def town(self) -> str:
        if not self.japanese:
            return super().town()
        return f"{self.f.postcode()} {self.f.last_romanized_name()}-shi"

    def postal_address(self) -> tuple[str, str]:
        if not self.japanese:
            return super().postal_address()
        return ("STREET_ADDRESS", f"{self.street()[1]}\n{self.town()}")

    def company(self) -> str:
        return f"{self.f.last_romanized_name()} Trading" if self.japanese else super().company()

    def hyphenated(self) -> tuple[str, str]:
        return ("PERSON", f"{self.first()} {self.last()}-{self.last()}")

    def surname_first(self) -> tuple[str, str]:
        """ "NOVAK, Petra" or "Novak, Petra M." """
        last, first = self.last(), self.first()
        if self.rng.random() < 0.5:
            return ("PERSON", f"{last.upper()}, {first}")
        return ("PERSON", f"{last}, {first} {self.first()[0]}.")

    def name_any(self) -> tuple[str, str]:
        roll = self.rng.random()
        if roll < 0.5:
            return self.person_any()
        if roll < 0.7:
            return self.hyphenated()
        return self.surname_first()

    def raw_phone(self) -> str:
        """The number as Faker writes it for the locale (a later split overrides where the source differs)."""
        return str(self.f.phone_number())

    def phone(self) -> tuple[str, str]:
        raw = self.raw_phone()
        digits = "".join(ch for ch in raw if ch.isdigit())
        if self.rng.random() < 0.5 or "x" in raw or not 9 <= len(digits) <= 12:
            return ("PHONE_NUMBER", raw)
        plus = raw.startswith("+")
        if plus:
            digits = "0" + digits[-9:] if self.rng.random() < 0.5 else digits
        elif not digits.startswith("0") and self.rng.random() < 0.5:
            digits = "0" + digits[1:]
        style = self.rng.randrange(7)
        head, rest = digits[:3], digits[3:]
        if style == 0:
            out = f"{head} {rest[:3]} {rest[3:]}"
        elif style == 1:
            out = f"{head}.{rest[:3]}.{rest[3:]}"
        elif style == 2 and len(digits) == 10:
            out = f"({head}) {rest[:3]}-{rest[3:]}"
        elif style == 3:
            out = f"{head}/{rest}"
        elif style == 4:
            out = f"{digits[:4]} {digits[4:6]} {digits[6:8]} {digits[8:]}".strip()
        elif style == 5:
            out = f"{head}-{rest[:2]}-{rest[2:4]}-{rest[4:]}"
        else:
            out = digits
        if plus and not out.startswith("0") and not out.startswith("("):
            out = "+" + out
        return ("PHONE_NUMBER", out)

    def plate(self) -> str:
        letters = "ABCDEFGHJKLMNPRSTUVWXYZ"
        return "".join(self.rng.choice(letters) for _ in range(2)) + f" {self.rng.randint(10, 999)} " + \
            "".join(self.rng.choice(letters) for _ in range(2))


def school_enrolment(v: Values3, d: Doc) -> None:
    d.add("SCHOOL ENROLMENT FORM\nPupil: ", ("PERSON", f"{v.first()} {v.last().upper()}"), "\nYear group: 4\n"
          "Parent/guardian: ", v.name_any(), "\nHome address:\n", v.postal_address(), "\nMobile: ", v.phone(),
          "\nSecond contact: ", v.person(), " - ", v.phone(), "\nAllergies: none known\n")


def parking_fine(v: Values3, d: Doc) -> None:
    d.add(f"PENALTY CHARGE NOTICE {v.ref()}\nVehicle: {v.plate()}\nRegistered keeper:\n", v.surname_first(), "\n",
          v.postal_address(), "\n\nThe charge of 70.00 is due within 28 days. To appeal, phone ", v.phone(),
          " (Mon-Fri 9-17) quoting the notice number.\nIssued by civil enforcement officer ",
          ("PERSON", f"{v.first()[0]}. {v.last()}"), ".\n")


def visitor_log(v: Values3, d: Doc) -> None:
    d.add("VISITOR LOG - reception\nTime   Visitor                 Host        Phone\n08:55  ", v.person_any(),
          "   ", ("PERSON", v.first()), "   ", v.phone(), "\n09:40  ", v.hyphenated(), "   ",
          ("PERSON", v.first()), "   ", v.phone(), "\n")


def job_application(v: Values3, d: Doc) -> None:
    me = (v.first(), v.first()[0], v.last())
    d.add("Subject: Application for the warehouse supervisor post\n\nDear ", ("PERSON", f"Ms {v.last()}"),
          ",\n\nI would like to apply for the position advertised last week. My former supervisor, ", v.person(),
          ", is happy to give a reference. I can be reached on ", v.phone(), " or at ",
          v.email(("PERSON", f"{me[0]} {me[2]}")), ".\n\nYours sincerely,\n",
          ("PERSON", f"{me[0]} {me[1]}. {me[2]}"), "\n", v.street(), "\n", v.town(), "\n")


def callback_request(v: Values3, d: Doc) -> None:
    d.add(f"Callback request {v.ref()}\nTaken by: ", ("PERSON", v.first()), "\nCustomer: ", v.name_any(),
          "\nBest number: ", v.phone(), " after 5pm\nOther number: ", v.phone(), "\nMessage: wants to move the "
          "installation date. ", v.prose(1), "\n")


def shipping_label(v: Values3, d: Doc) -> None:
    name = v.person()
    d.add("SHIP TO:\n", ("PERSON", name[1].upper()), "\n", v.postal_address(), "\nTEL ", v.phone(),
          f"\n\nFROM: {v.company()}\n", v.street(), ", ", v.town(), "\nParcel 1 of 1, 2.4 kg\n")


def emergency_contacts(v: Values3, d: Doc) -> None:
    d.add("Emergency contacts for ", v.person(), "\n1. ", v.person(), " (mother) ", v.phone(), "\n2. ",
          v.hyphenated(), " (neighbour) ", v.phone(), "\nFamily doctor: ", ("PERSON", f"Dr {v.first()[0]}. "
                                                                             f"{v.last()}"),
          ", ", v.phone(), "\n")


def membership_renewal(v: Values3, d: Doc) -> None:
    d.add("Dear ", ("PERSON", v.first()), ",\n\nyour membership of the rowing club is due for renewal on 1 "
          "March. The fee of 120.00 can be paid to ", v.iban(), ". Questions go to our treasurer ", v.person(),
          ", ", v.phone(), ".\n\nSee you on the water,\n", ("PERSON", v.first()), "\n")


def warranty_registration(v: Values3, d: Doc) -> None:
    d.add("Warranty registration\nProduct: cordless drill DX-18\nSerial: 55A-", str(v.rng.randint(100000, 999999)),
          "\nPurchased by: ", v.surname_first(), "\nPhone (day): ", v.phone(), "\nE-mail: ", v.email(),
          "\nAddress: ", v.street(), ", ", v.town(), "\n")


def lost_property(v: Values3, d: Doc) -> None:
    d.add("Lost property: a blue umbrella and a wallet were handed in at platform 2 by ", v.person_any(),
          ". The owner, ", v.person(), ", was reached on ", v.phone(), " and will collect them on Friday. "
          "Item logged by ", ("PERSON", v.first()), ".\n")


def vet_record(v: Values3, d: Doc) -> None:
    d.add("Patient: Bella (dog, 6 years)\nOwner: ", v.name_any(), "\nOwner's tel.: ", v.phone(), "\nAddress:\n",
          v.postal_address(), "\nVet on duty: ", v.person_any(), "\nTreatment: vaccination booster.\n")


def classified_ad(v: Values3, d: Doc) -> None:
    d.add("FOR SALE: child's bike, 20 inch, good condition, 40.00. Ask for ", ("PERSON", v.first()), ", ",
          v.phone(), ", after six.\nAlso a lawnmower - ", v.person(), " ", v.phone(), "\n")


TEMPLATES: tuple[Layout, ...] = (school_enrolment, parking_fine, visitor_log, job_application, callback_request,
                                 shipping_label, emergency_contacts, membership_renewal, warranty_registration,
                                 lost_property, vet_record, classified_ad)  # type: ignore[assignment]


def corpus(n: int, seed: int) -> list[tuple[str, list[tuple[str, int, int]], str]]:
    """``n`` documents of the third tuning part, laid out like ``pii_corpus.corpus``."""
    return lay_out(LOCALES, TEMPLATES, Values3, n, seed)
