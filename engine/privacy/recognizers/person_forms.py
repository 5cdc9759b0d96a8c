"""Names written the way forms, labels and contact lists write them (issue 17, third round).

The other cue recognizers expect a name as "Given Surname". Registers, labels and lists also write:

* the surname first, in capitals or with an initial ("NOVAK, Petra", "NOVÁK Jan", "Whitehead, Robin R."),
  or the surname alone in capitals ("Ziya IBRAHIMLI"), after a label naming a person ("Pupil:",
  "Registered keeper:", "Parent/guardian:", "Taken by:", "Vet on duty:");
* a name after such a label that a dash or a number follows ("Second contact: James White - 4415 6637");
* a name (capitals included: "JIM HESS") alone on the line below a label line ("SHIP TO:",
  "Registered keeper:") and above a line with a number (an address);
* a name opening a numbered list item before a bracket or a dash ("1. Derrick Lopez (mother)");
* a given name alone after "<participle> by" at a sentence's end or before when and where ("Item logged
  by Katherin.", "Shown by Basheer on Saturday"), a name
  after "handed in by", and one after "ask for" ("Ask for Christopher, 078 848 93 21");
* a name alone on a letter's last line under a closing line that ends in a comma ("See you on
  the water,\nHugo");
* a name after "contacts for" ("Emergency contacts for Angélica Restrepo");
* a name after a role noun with "the/our/your" ("The owner, Germán González, was", "our treasurer
  Marina Vaino").
"""

from __future__ import annotations

from typing import ClassVar

import regex

from engine.privacy.recognizers.pattern_table import PatternTable
from engine.privacy.recognizers.person_cue import _NAME, _NOT_A_NAME, _NOT_A_WORD_NAME, _ONE_TO_THREE
from engine.privacy.recognizers.person_role import _NOT_PERSONAL_NAME, _ROLE

_LOWER = r"[\p{Ll}’']*\p{Ll}"
_GIVEN = rf"\p{{Lu}}{_LOWER}(?:-\p{{Lu}}{_LOWER})?"
_CAPS = r"(?:\p{Lu}[’'])?\p{Lu}{2,}(?:[\-’']\p{Lu}{2,})?"  # "NOVÁK", "O'CONNOR", "SMITH-JONES"
# Roles a form or a note gives a person, besides person_role's
_MORE_ROLES = (r"(?:[Pp]upil|[Kk]eeper|[Vv]isitor|[Pp]urchaser|[Rr]ecipient|[Tt]reasurer|[Ss]ecretary|[Cc]oach"
               r"|[Cc]aptain|[Nn]eighbou?r|[Cc]olleague|[Ll]andlady|[Vv]et|[Cc]ustomer|[Hh]older)")
_ANY_ROLE = rf"(?:{_ROLE}|{_MORE_ROLES})"
_ON_DUTY = r"(?:[ \t]+(?:on[ \t]+duty|in[ \t]+charge))?"
_LABEL = (rf"^[ \t]*(?:\p{{L}}+[ \t/]+)?(?:{_ANY_ROLE}{_ON_DUTY}|[Nn]ames?|{_NOT_PERSONAL_NAME}\p{{L}}+[ \t]+name"
          rf"|\p{{L}}+[ \t]+by)[ \t]*:[ \t]*")
_NOT_CAPS_NAME = r"(?!(?:SHIP|TO|FROM|ATTN|THE|AND|OF|FOR|NOTICE|FORM|INVOICE|ORDER|ADDRESS)\b)"
# "NOVAK, Petra", "NOVAK, Petra M.", "Whitehead, Robin R.", "Ziya IBRAHIMLI"
_CAPS_FIRST = rf"{_CAPS},[ \t]+{_GIVEN}(?:[ \t]+\p{{Lu}}\.)?"
_SURNAME_INITIAL = rf"{_GIVEN},[ \t]+{_GIVEN}[ \t]+\p{{Lu}}\."
_SURNAME_GIVEN = rf"{_GIVEN},[ \t]+{_GIVEN}(?=[ \t]*$)"
_GIVEN_CAPS = rf"{_GIVEN}(?:[ \t]+{_GIVEN})?[ \t]+{_CAPS}"
# "NOVÁK Jan", "POPESCU Ioana Maria": the surname in capitals first, as registers and forms write it
_CAPS_GIVEN = rf"{_NOT_CAPS_NAME}{_CAPS}[ \t]+{_GIVEN}(?:[ \t]+{_GIVEN})?"
_ALL_CAPS = rf"{_NOT_CAPS_NAME}{_CAPS}(?:[ \t]+{_CAPS}){{1,2}}"
_LABEL_FORMS = rf"(?:{_CAPS_FIRST}|{_SURNAME_INITIAL}|{_SURNAME_GIVEN}|{_GIVEN_CAPS}|{_CAPS_GIVEN})"
_END = r"(?=[ \t]*$|[ \t]*[,;(<]|[ \t]+[-–—][ \t])"
_THEN_DASH_OR_NUMBER = r"(?=[ \t]+[-–—][ \t]|[ \t]+\+?\(?\d)"
# A label line that names a person or an addressee ("SHIP TO:", "Registered keeper:"), not "Status:"
_LABEL_LINE = rf"^[^\n:]{{0,30}}\b(?i:to|name|for|{_ANY_ROLE})[ \t]*:[ \t]*\n[ \t]*"


class PersonFormsRecognizer(PatternTable):
    ENTITY: ClassVar[str] = "PERSON"
    FLAGS: ClassVar[int] = regex.MULTILINE

    # (name, regular expression, score)
    PATTERNS: ClassVar[tuple[tuple[str, str, float], ...]] = (
        ("surname first or in capitals after a person's label: Registered keeper: NOVAK, Petra",
         rf"(?<={_LABEL}){_LABEL_FORMS}{_END}", 0.6),
        ("a name after a person's label, then a dash or a number: Second contact: James White - 4415",
         rf"(?<={_LABEL}){_NOT_A_WORD_NAME}{_ONE_TO_THREE}{_THEN_DASH_OR_NUMBER}", 0.6),
        ("a name after a label naming a person: Pupil: Wendy Williams, Taken by: Marleny",
         rf"(?<={_LABEL}){_NOT_A_WORD_NAME}{_ONE_TO_THREE}(?=[ \t]*$|[ \t]*[,;(<])", 0.6),
        ("a name alone on the line below a label line, above an address: SHIP TO:\\nJIM HESS\\n5 Angelica St",
         rf"(?<={_LABEL_LINE})(?:{_ALL_CAPS}|{_LABEL_FORMS}|{_NOT_A_NAME}{_NOT_A_WORD_NAME}{_NAME})[ \t]*$"
         r"(?=\n[^\n]*\d)", 0.55),
        ("a name opening a numbered list item: 1. Derrick Lopez (mother)",
         rf"(?<=^[ \t]*\d{{1,2}}[.)][ \t]+){_NOT_A_NAME}{_NOT_A_WORD_NAME}(?:{_NAME}|{_GIVEN_CAPS})"
         r"(?=[ \t]*(?:[–—]|-[ \t]|\(|,))", 0.55),
        ("a given name after '<participle> by' at a sentence's end or before a time: Item logged by Katherin., "
         "Shown by Basheer on Saturday",
         rf"(?<=\b\p{{L}}\p{{Ll}}+(?:ed|wn)[ \t]+by[ \t]+){_NOT_A_WORD_NAME}{_GIVEN}"
         r"(?=[.!?](?:[ \t]|$)|[ \t]*$|[ \t]+(?:on|at|in|from|yesterday|today|this|last|earlier)\b)", 0.55),
        ("a name after 'handed in by', 'passed on by': handed in by María Mendoza",
         rf"(?<=\b\p{{Ll}}+ed[ \t]+(?:in|on|over|up|out|back)[ \t]+by[ \t]+){_NOT_A_WORD_NAME}{_ONE_TO_THREE}\b",
         0.6),
        ("a name after 'ask for': Ask for Christopher, 078 848 93 21",
         rf"(?<=\b[Aa]sk[ \t]+for[ \t]+){_NOT_A_NAME}{_NOT_A_WORD_NAME}{_ONE_TO_THREE}"
         r"(?=[ \t]*[,.;]|[ \t]+(?:at|on)\b)",
         0.55),
        ("a name after 'contacts for': Emergency contacts for Angélica Restrepo",
         rf"(?<=\b[Cc]ontacts?[ \t]+(?:for|of)[ \t]+){_NOT_A_NAME}{_NAME}\b", 0.6),
        ("a name after a role noun: The owner, Germán González, was; our treasurer Marina Vaino",
         rf"(?<=\b(?:[Tt]he|[Oo]ur|[Yy]our|[Tt]heir|[Mm]y)[ \t]+(?i:{_ANY_ROLE}),?[ \t]+){_NOT_A_NAME}{_NAME}\b",
         0.6),
        ("a name alone on a letter's last line, under a closing line ending in a comma: See you soon,\\nHugo",
         rf"(?<=\n[ \t]*\n[^\n]{{2,60}},[ \t]*\n[ \t]*){_NOT_A_NAME}{_NOT_A_WORD_NAME}{_ONE_TO_THREE}[ \t]*"
         r"(?=\n?[ \t]*\Z)", 0.55),
    )
