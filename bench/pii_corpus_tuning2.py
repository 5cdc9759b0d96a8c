"""A second tuning part for the many-locale PII corpus: new locales and new templates, in neither list.

Added on 2026-12-05 (issue 17 item 1) to tune detection on material the held-out part knows nothing
about, so the held-out part stays an honest measure. Nothing in ``bench/pii_corpus.py``'s tuning or
held-out splits changes: their documents are byte-identical (same seeds, same code paths).

* Locales: en_NZ, en_CA, es_MX, fr_CH, de_CH, nl_BE, no_NO, lt_LT, lv_LV, hr_HR, sl_SI, tr_TR, el_GR
  (transliterated), bg_BG (transliterated), es_AR, en_IN.
* Templates: invoice, HR record, meeting prose, voicemail, SMS thread, medical referral, pickup
  authorisation, calendar invite, bank transfer, tenancy, call log, news quote, speaker list,
  comment thread.
"""

from __future__ import annotations

from pii_corpus import Doc, Layout, Values, lay_out, transliterate

LOCALES = ("en_NZ", "en_CA", "es_MX", "fr_CH", "de_CH", "nl_BE", "no_NO", "lt_LT", "lv_LV", "hr_HR", "sl_SI",
           "tr_TR", "el_GR", "bg_BG", "es_AR", "en_IN")
_GREEK = dict(zip(
    "αάβγδεέζηήθιίϊΐκλμνξοόπρσςτυύϋΰφχψωώ",
    ["a", "a", "v", "g", "d", "e", "e", "z", "i", "i", "th", "i", "i", "i", "i", "k", "l", "m", "n", "x", "o", "o",
     "p", "r", "s", "s", "t", "y", "y", "y", "y", "f", "ch", "ps", "o", "o"], strict=True))


def _latin(text: str) -> str:
    out = []
    for ch in transliterate(text):
        low = ch.lower()
        if low in _GREEK:
            out.append(_GREEK[low].capitalize() if ch != low else _GREEK[low])
        else:
            out.append(ch)
    return "".join(out)


class Values2(Values):
    """Values whose Cyrillic and Greek are written in Latin letters."""

    def __init__(self, locale: str, seed: int) -> None:
        super().__init__(locale, seed)
        self.latin = locale in ("bg_BG", "el_GR")

    def _t(self, s: str) -> str:
        return _latin(s) if self.latin else s

    def first(self) -> str:
        # bg_BG prefixes some names with a title ("Г-н"): keep the name only
        return self._t(self.f.first_name_male() if self.rng.random() < 0.5 else self.f.first_name_female())


def invoice(v: Values, d: Doc) -> None:
    d.add(f"INVOICE {v.ref()}\nBill to:\n", v.person(), "\n", v.postal_address(), "\n\nAmount due: 412.50\n"
          "Questions about this invoice? Phone ", v.phone(), " or write to ", v.email(), ".\n")


def hr_record(v: Values, d: Doc) -> None:
    d.add("Employee record\nEmployee: ", v.person_any(), "\nLine manager: ", v.person(), "\nEmergency contact: ",
          v.person(), f" ({v.rng.choice(('spouse', 'sister', 'father', 'partner'))}), ", v.phone(),
          "\nHome address: ", v.street(), ", ", v.town(), "\nSalary account: ", v.iban(), "\n")


def meeting_prose(v: Values, d: Doc) -> None:
    p, q = v.person(), v.person()
    d.add(p, " opened the meeting at nine. ", ("PERSON", q[1].split(" ")[-1]), " asked whether the budget "
          "covers the second phase, and ", q, " agreed to check. ", v.prose(1), " The next meeting will be "
          "chaired by ", v.person_any(), ".\n")


def voicemail(v: Values, d: Doc) -> None:
    d.add("Voicemail received at 10:32 from ", v.phone(), "\nTranscript: Hi, this is ", v.person(),
          " calling about my order. Could you call me back on ", v.phone(), "? Thanks, bye.\n")


def sms_thread(v: Values, d: Doc) -> None:
    a, b = v.first(), v.first()
    d.add(("PERSON", a), ": running ten minutes late, sorry\n", ("PERSON", b), ": no problem, ring me on ",
          v.phone(), " when you are outside\n", ("PERSON", a), ": will do\n")


def medical_referral(v: Values, d: Doc) -> None:
    d.add("REFERRAL\nPatient name: ", v.person(), "\nDate of birth: 14/03/1981\nAddress: ", v.street(), ", ",
          v.town(), "\nReferring physician: ", ("PERSON", f"Dr. {v.last()}"), "\nPractice phone: ", v.phone(),
          "\nReason: persistent back pain.\n")


def pickup_authorisation(v: Values, d: Doc) -> None:
    p = v.person()
    d.add("I, ", p, ", authorise ", v.person_any(), f" to collect parcel {v.ref()} on my behalf.\n"
          "Signed: ", p, "\n")


def calendar_invite(v: Values, d: Doc) -> None:
    p = v.person()
    d.add("Organizer: ", p, " <", v.email(p), ">\nParticipants: ", v.person(), "; ", v.person_any(), "; ",
          v.email(), "\nWhen: Thursday 15:00-16:00\nDial-in: ", v.phone(), "\n")


def bank_transfer(v: Values, d: Doc) -> None:
    d.add("Payment instruction\nBeneficiary: ", v.person(), "\nIBAN: ", v.iban(), "\nReference: rent October\n"
          "Ordered by ", v.person_any(), ", ", v.phone(), "\n")


def tenancy(v: Values, d: Doc) -> None:
    d.add("This tenancy agreement is made between ", v.person(), " (the landlord) and ", v.person(),
          " (the tenant) for the flat at ", v.street(), ", ", v.town(), ". The deposit is paid into ", v.iban(),
          ".\n")


def call_log(v: Values, d: Doc) -> None:
    d.add("Call log\nCaller: ", v.person(), "\nCallback number: ", v.phone(), "\nNotes: asked about a charge "
          "on card ", v.card(), "; last login from ", v.ip(), ".\n")


def news_quote(v: Values, d: Doc) -> None:
    p = v.person()
    d.add("According to ", p, ", the new depot will open in spring. \"We hired forty people,\" said ",
          v.person_any(), ", who leads the project. ", ("PERSON", p[1].split(" ")[-1]),
          " added that the road works are finished.\n")


def speaker_list(v: Values, d: Doc) -> None:
    d.add("Speakers\n- ", v.person(), " – Head of Sales\n- ", v.person_any(), " – Senior Engineer\n- ",
          v.person(), " (moderator)\n")


def comment_thread(v: Values, d: Doc) -> None:
    a = v.person()
    d.add("@", ("PERSON", v.first()), " can you check the figures? — ", a, ", 09:12\n", v.person(),
          " replied: done, numbers match now.\n")


TEMPLATES: tuple[Layout, ...] = (invoice, hr_record, meeting_prose, voicemail, sms_thread, medical_referral,
                                 pickup_authorisation, calendar_invite, bank_transfer, tenancy, call_log,
                                 news_quote, speaker_list, comment_thread)


def corpus(n: int, seed: int) -> list[tuple[str, list[tuple[str, int, int]], str]]:
    """``n`` documents of the second tuning part, laid out like ``pii_corpus.corpus``."""
    return lay_out(LOCALES, TEMPLATES, Values2, n, seed)
