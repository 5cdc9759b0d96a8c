"""A fourth tuning part for the many-locale PII corpus: a stress split of locales and everyday kinds in no list.

Added on 2026-12-06 (issue 17, fourth round) to tune on broader material than one template set, so that
rules found here are general and the held-out part stays an honest measure. Nothing in the other corpus
modules changes (``pii_corpus_tuning3.Values3.phone`` only reads its raw number through a method now).

* Locales (16, in none of the held-out, tuning, tuning2 or tuning3 lists): en_KE, en_PK, en_TH, en_PH,
  zu_ZA, tw_GH, yo_NG, ha_NG, sw, es_CA, fr_DZ, mk_MK (transliterated), ka_GE (transliterated), hy_AM
  (transliterated), zh_TW and zh_CN (Faker's romanised names, written "Ming-Tsung" as prose writes
  them, not in Faker's capitals; hand-romanised addresses). Where Faker has
  no phone format of its own for a country it falls back to US numbers; those locales get the country's
  national formats here (Kenya, Pakistan, the Philippines, South Africa, Nigeria, Tanzania), en_TH takes
  th_TH's numbers and es_CA es_ES's.
* Templates (14 kinds used by no other part): forwarded e-mail chain with signatures, shift handover
  note, CV header, sign-up sheet, incident log with times, car rental agreement, RSVP list, tutoring
  timetable, donation receipt, flat viewing notes, car-pool message, prescription label, team roster,
  newsletter thanks.

Names come in every form of ``Values3`` plus particles ("van der", "bin", "de la" ...), "Given SURNAME",
a title and surname, "Surname Given" without a comma, initials run together ("J.K. Surname") and a
given name alone. Phone numbers come as Faker (or the national format) writes them and regrouped as in
tuning3, with and without a cue, in sentences, in brackets, at line ends, after a slash or "or".
"""

from __future__ import annotations

from pii_corpus import Doc, Layout, lay_out, transliterate
from pii_corpus_tuning3 import Values3

LOCALES = ("en_KE", "en_PK", "en_TH", "en_PH", "zu_ZA", "tw_GH", "yo_NG", "ha_NG", "sw", "es_CA", "fr_DZ",
           "mk_MK", "ka_GE", "hy_AM", "zh_TW", "zh_CN")
NATIONAL_PHONES = {
    "en_KE": ("07## ### ###", "+254 7## ######", "+2547########", "020 #######"),
    "en_PK": ("03##-#######", "+92 3## #######", "03## #######", "(042) 3###-####"),
    "en_PH": ("09## ### ####", "+63 9## ### ####", "(02) 8###-####", "09#########"),
    "zu_ZA": ("08# ### ####", "+27 8# ### ####", "(011) ### ####", "07########"),
    "yo_NG": ("080# ### ####", "+234 80# ### ####", "0703-###-####"),
    "ha_NG": ("080# ### ####", "+234 81# ### ####", "0706-###-####"),
    "sw": ("07## ### ###", "+255 7## ### ###", "0754-######"),
}
PHONE_LOCALE = {"en_TH": "th_TH", "es_CA": "es_ES"}
_SCRIPTS = {
    "ka_GE": dict(zip("აბგდევზთიკლმნოპჟრსტუფქღყშჩცძწჭხჯჰ",
                      ["a", "b", "g", "d", "e", "v", "z", "t", "i", "k", "l", "m", "n", "o", "p", "zh", "r", "s",
                       "t", "u", "p", "k", "gh", "q", "sh", "ch", "ts", "dz", "ts", "ch", "kh", "j", "h"],
                      strict=True)),
    "hy_AM": dict(zip("աբգդեզէըթժիլխծկհձղճմյնշոչպջռսվտրցւփքօֆ",
                      ["a", "b", "g", "d", "e", "z", "e", "y", "t", "zh", "i", "l", "kh", "ts", "k", "h", "dz",
                       "gh", "ch", "m", "y", "n", "sh", "o", "ch", "p", "j", "r", "s", "v", "t", "r", "ts", "v",
                       "p", "k", "o", "f"], strict=True)) | {"և": "ev"},
    "mk_MK": dict(zip("ѓќѕџљњј", ["gj", "kj", "dz", "dzh", "lj", "nj", "j"], strict=True)),
}
PARTICLES = ("van der", "de la", "bin", "binti", "ibn", "al", "von", "da", "dos", "del", "ter", "du", "le")
TITLES = ("Mr", "Mrs", "Ms", "Dr", "Prof.", "Mr.", "Mrs.")


def romanise(text: str, table: dict[str, str]) -> str:
    """Letters of ``table`` in Latin, keeping capitals; scripts without capitals get them word-initially."""
    out = []
    for ch in transliterate(text):
        low = ch.lower()
        latin = table.get(low)
        out.append(ch if latin is None else latin.capitalize() if ch != low else latin)
    words = "".join(out).split(" ")
    return " ".join(w[:1].upper() + w[1:] for w in words)


class Values4(Values3):
    """Values3 with national phone formats, romanised scripts and more name forms."""

    def __init__(self, locale: str, seed: int) -> None:
        super().__init__(locale, seed)
        self.table = _SCRIPTS.get(locale)
        self.chinese = locale in ("zh_TW", "zh_CN")
        self.phones = None
        if locale in PHONE_LOCALE:
            from faker import Faker

            self.phones = Faker(PHONE_LOCALE[locale])
            self.phones.seed_instance(seed)

    def _t(self, s: str) -> str:
        return romanise(s, self.table) if self.table else s

    def first(self) -> str:
        name = self._romanised("first") if self.chinese else self._t(str(self.f.first_name()))
        return name.split(" ")[-1]

    def last(self) -> str:
        return self._romanised("last") if self.chinese else self._t(str(self.f.last_name()))

    def _romanised(self, part: str) -> str:
        """Faker's zh_TW romanised names are in capitals ("MING-TSUNG"); prose writes "Ming-Tsung"."""
        return str(getattr(self.f, f"{part}_romanized_name")()).title()

    def raw_phone(self) -> str:
        if self.locale in NATIONAL_PHONES:
            return str(self.f.numerify(self.rng.choice(NATIONAL_PHONES[self.locale])))
        return str((self.phones or self.f).phone_number())

    def street(self) -> tuple[str, str]:
        if not self.chinese:
            return super().street()
        road = self._romanised("last")
        return ("STREET_ADDRESS", f"No. {self.rng.randint(1, 300)}, Ln. {self.rng.randint(1, 99)}, {road} Rd.")

    def town(self) -> str:
        if not self.chinese:
            return super().town()
        return f"{self._romanised('last')} District, {self.rng.choice(('Taipei', 'Tainan', 'Shanghai'))} " \
               f"{self.rng.randint(100, 999)}"

    def postal_address(self) -> tuple[str, str]:
        if not self.chinese:
            return super().postal_address()
        return ("STREET_ADDRESS", f"{self.street()[1]}\n{self.town()}")

    def company(self) -> str:
        return f"{self._romanised('last')} Trading Co." if self.chinese else super().company()

    def given(self) -> tuple[str, str]:
        return ("PERSON", self.first())

    def particle(self) -> tuple[str, str]:
        return ("PERSON", f"{self.first()} {self.rng.choice(PARTICLES)} {self.last()}")

    def titled(self) -> tuple[str, str]:
        return ("PERSON", f"{self.rng.choice(TITLES)} {self.last()}")

    def name_any(self) -> tuple[str, str]:
        roll = self.rng.random()
        if roll < 0.35:
            return super().name_any()
        if roll < 0.5:
            return self.particle()
        if roll < 0.6:
            return ("PERSON", f"{self.first()} {self.last().upper()}")
        if roll < 0.7:
            return self.titled()
        if roll < 0.8:
            return ("PERSON", f"{self.last()} {self.first()}")
        if roll < 0.9:
            return ("PERSON", f"{self.first()[0]}.{self.first()[0]}. {self.last()}")
        return self.person()

    def time(self) -> str:
        return f"{self.rng.randint(6, 23):02d}:{self.rng.randint(0, 59):02d}"


def forwarded_chain(v: Values4, d: Doc) -> None:
    a, b = v.person(), v.name_any()
    d.add("---------- Forwarded message ---------\nFrom: ", a, " <", v.email(a), ">\nDate: Tue, 4 Mar 2025 at ",
          v.time(), "\nSubject: Re: keys for the storage room\nTo: ", b, "\n\nHi, see below - can you sort this "
          "out with ", v.given(), "?\n\n", v.prose(1), "\n\n--\n", a, "\nFacilities coordinator\nM: ", v.phone(),
          " | T: ", v.phone(), "\n\nOn Mon, 3 Mar 2025 at ", v.time(), ", ", v.person_any(),
          " wrote:\n> The spare set is with the caretaker. Ring him on ", v.phone(), ".\n")


def handover_note(v: Values4, d: Doc) -> None:
    d.add(f"Shift handover {v.time()}\nOutgoing: ", v.given(), ". Incoming: ", v.person(), ".\nRoom 4 - ",
          v.titled(), ": slept well. Daughter ", v.person(), " asked to be called on ", v.phone(), " or ",
          v.phone(), ".\nRoom 7 - ", v.name_any(), ": pharmacy rang back from ", v.phone(), ", dose unchanged.\n")


def cv_header(v: Values4, d: Doc) -> None:
    me = v.person()
    d.add(("PERSON", me[1].upper()), "\nLogistics assistant\n", v.phone(), " · ", v.email(me), " · ", v.street(),
          ", ", v.town(), "\n\nPROFILE\nSeven years in warehouse planning. ", v.prose(1), "\n\nREFERENCES\n",
          v.name_any(), " (former manager), ", v.phone(), "\n")


def signup_sheet(v: Values4, d: Doc) -> None:
    d.add("Beach clean-up - sign-up sheet\nName | Phone | Shift\n", v.person_any(), " | ", v.phone(),
          " | morning\n", v.particle(), " | ", v.phone(), " | afternoon\n", v.given(), " | ", v.phone(),
          " | both\n")


def incident_log(v: Values4, d: Doc) -> None:
    d.add("INCIDENT LOG - site B\n", v.time(), " Alarm at gate 3, guard ", v.given(), " on patrol.\n", v.time(),
          " Caller ", v.person_any(), " (", v.phone(), ") reported a broken window.\n", v.time(),
          " Police informed; officer ", ("PERSON", f"{v.first()} {v.last().upper()}"), ", badge 4411.\n",
          v.time(), " Keyholder ", v.name_any(), " on her way, mobile ", v.phone(), "\n")


def car_rental(v: Values4, d: Doc) -> None:
    d.add(f"RENTAL AGREEMENT {v.ref()}\nRenter: ", v.surname_first(), "\nAdditional driver: ", v.person(),
          "\nContact: ", v.phone(), " / ", v.phone(), "\nHome address: ", v.street(), ", ", v.town(),
          "\nVehicle: compact, manual. Return by 10:00 with a full tank.\n")


def rsvp_list(v: Values4, d: Doc) -> None:
    d.add("RSVP replies so far\n- ", v.person(), " + 1 (vegetarian)\n- ", v.person_any(), " and ",
          v.person(), " - cannot come\n- ", v.hyphenated(), " - yes, arriving late\nFor the bus from the "
          "station call ", v.given(), " on ", v.phone(), ".\n")


def tutoring_timetable(v: Values4, d: Doc) -> None:
    d.add("Tutoring timetable\nMon 16:00  ", v.given(), " (Year 9 maths) - mum: ", v.person(), ", ", v.phone(),
          "\nWed 17:30  ", v.person(), " (chemistry) - dad ", v.phone(), "\nFri 15:00  ", v.given(),
          " (reading), paid by ", v.titled(), "\n")


def donation_receipt(v: Values4, d: Doc) -> None:
    d.add(f"Receipt no. {v.rng.randint(1000, 9999)}\nReceived with thanks from ", v.name_any(), ", ", v.street(),
          ", ", v.town(), ", the sum of 50.00 for the roof appeal.\nQueries: ", v.phone(), "\nSigned ",
          ("PERSON", f"{v.first()[0]}. {v.last()}"), ", for the parish council\n")


def viewing_notes(v: Values4, d: Doc) -> None:
    d.add("Viewing notes - flat 3B\nViewers: ", v.person(), " and ", v.person(), " (couple), tel ", v.phone(),
          ".\nShown by ", v.given(), " on Saturday. They liked the balcony but asked about parking; the landlord, ",
          v.titled(), ", will ring them (", v.phone(), ").\n")


def carpool_message(v: Values4, d: Doc) -> None:
    d.add("Hi all, for Saturday: ", v.given(), " drives (", v.phone(), ") and picks up ", v.person(), " at 8:10 "
          "and ", v.name_any(), " at 8:20. If you are late text me on ", v.phone(), " or ", v.given(), " on ",
          v.phone(), ". Cheers, ", v.given(), "\n")


def prescription_label(v: Values4, d: Doc) -> None:
    d.add(f"Rx {v.rng.randint(10000, 99999)}\n", ("PERSON", f"{v.first()} {v.last().upper()}"), "\nAmoxicillin "
          "500 mg, one capsule three times a day\nPrescriber: ", ("PERSON", f"Dr {v.first()} {v.last()}"),
          "\nPharmacy tel. ", v.phone(), "\n")


def team_roster(v: Values4, d: Doc) -> None:
    d.add("U12 football roster\n#7 ", v.person(), " (captain)\n#9 ", ("PERSON", f"{v.first()[0]}. {v.last()}"),
          "\n#11 ", v.particle(), "\nCoach: ", v.person(), ", ", v.phone(), "\nFirst aid: ", v.given(), " ",
          v.phone(), "\n")


def newsletter_thanks(v: Values4, d: Doc) -> None:
    d.add("A big thank you to ", v.person(), ", ", v.person_any(), " and ", v.given(), " for running the cake "
          "stall, and to ", v.name_any(), " for the raffle prizes. ", v.prose(1), " Anyone who wants to help at "
          "the next fair can contact ", v.person(), " on ", v.phone(), " or at ", v.email(), ".\n")


TEMPLATES: tuple[Layout, ...] = (forwarded_chain, handover_note, cv_header, signup_sheet, incident_log, car_rental,
                                 rsvp_list, tutoring_timetable, donation_receipt, viewing_notes, carpool_message,
                                 prescription_label, team_roster, newsletter_thanks)  # type: ignore[assignment]


def corpus(n: int, seed: int) -> list[tuple[str, list[tuple[str, int, int]], str]]:
    """``n`` documents of the fourth tuning part, laid out like ``pii_corpus.corpus``."""
    return lay_out(LOCALES, TEMPLATES, Values4, n, seed)
