"""Words that say what a number nearby is, shared by the recognizers that raise a number's score and by
the rules that settle two readings of the same digits (a card or a phone), without loading presidio.
"""

from __future__ import annotations

import re

# Words that mean a telephone and nothing else, in the languages of the corpora ("number" and "contact"
# are not among them: order, ticket and account numbers come with those).
PHONE_WORDS = ("phone", "call", "tel", "telephone", "mobile", "cell", "fax", "dial", "telefon", "handy",
               "téléphone", "portable", "ring", "tel.", "mob", "telefone", "telefono", "teléfono", "whatsapp",
               "sms", "landline", "reach", "mobil", "tlf", "tfn", "gsm", "celular", "telemóvel", "telemovel",
               "puh", "mobiili",
               # "call" in the tuning languages (tenth round): "Llámame al ...", "Bel gerust: ...", "Ruf an: ..."
               "llam", "llám", "appel", "anruf", "ruf", "bel", "bellen", "chiam", "zadzwo",
               # eleventh round: "tél. 0612 ...", "ph. 316 40 81", "{name} rang from ..."
               "tél", "ph", "rang")
# Words for a payment card, in the same languages (eleventh round: "Numéro de carte : ...")
CARD_WORDS = ("card", "cardholder", "credit", "debit", "visa", "mastercard", "amex", "charged", "payment", "maestro",
              "pan", "carte", "karte", "kartennummer", "tarjeta", "carta", "kaart", "karta", "cartão")


def any_word(words: tuple[str, ...]) -> re.Pattern[str]:
    """One of ``words`` as a whole word, any case."""
    return re.compile(r"(?i)(?<!\w)(?:" + "|".join(re.escape(w.rstrip(".")) for w in words) + r")(?!\w)")
