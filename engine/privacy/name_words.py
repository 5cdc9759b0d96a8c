"""Words that stand around names, shared by the recognizers and the passes over found spans (fourth round).

Plain strings and sets, no presidio: ``engine.privacy.detector`` imports the passes over found spans at
once, and presidio is imported lazily (the service must load without it).
"""

from __future__ import annotations

# Titles before a surname: "Mrs Pichpandecha", "Dr HUNG", "Prof. Isah", "Sra Ruiz"
TITLE = r"(?:Mrs|Mr|Ms|Miss|Mx|Dr|Prof|Herr|Frau|Mme|Mlle|Sra|Sr)"
# One word of a name, capitalised or in capitals, hyphenated or with an apostrophe: "Adeyemi-Cole",
# "D’Souza", "O'Connor", "NG'ANG'A"
NAME_WORD = (r"(?:\p{Lu}(?:[’']\p{Lu})?[\p{Ll}’']*\p{Ll}(?:-\p{Lu}[\p{Ll}’']*\p{Ll})?"
             r"|\p{Lu}{2,}(?:[\-’']\p{Lu}{2,})?)")
# Small words inside names: "Edith de la Issack", "Rahat bin Qasif", "Zuba ter Kibet"
PARTICLE = (r"(?:van[ \t]+der|van[ \t]+den|van|von[ \t]+der|von|de[ \t]+la|de[ \t]+los|de|del|della|di|da|dos|das"
            r"|du|le|la|ter|ten|bin|binti|bint|ibn|ben|al|el|ap|zu)")
# Nouns for a person by kinship or by the work they do, written in lower case before the name they
# introduce ("guard Ondieki", "her daughter Maya", "caller Awani Karam"): general vocabulary
ROLE_WORDS = frozenset({
    "daughter", "son", "mother", "father", "mum", "mom", "dad", "wife", "husband", "sister", "brother", "aunt",
    "uncle", "cousin", "niece", "nephew", "grandson", "granddaughter", "grandmother", "grandfather", "friend",
    "neighbour", "neighbor", "colleague", "partner", "fiancé", "fiancée", "guard", "officer", "caretaker",
    "keyholder", "receptionist", "cashier", "clerk", "courier", "driver", "cleaner", "porter", "technician",
    "engineer", "plumber", "electrician", "mechanic", "nurse", "doctor", "midwife", "pharmacist", "teacher",
    "tutor", "coach", "trainer", "instructor", "manager", "supervisor", "landlord", "landlady", "tenant", "caller",
    "owner", "volunteer", "steward", "patient", "pupil", "student", "nanny", "babysitter", "caregiver", "carer",
    "translator", "interpreter", "lawyer", "solicitor", "accountant", "dentist", "surgeon", "paramedic",
})
