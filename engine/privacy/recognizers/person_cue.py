"""Person names that the text itself introduces as names.

The small spaCy model misses names it has not seen, often at the start of a
sentence ("Elena Petrova noticed it") or after a label ("Reporter: Sofia Novak").
Reports and tickets introduce people in a few fixed ways, and those cues are
reliable: a capitalised two- or three-word name right after "reported by",
"contact", "Reporter:", a title, or right before "noticed", "reported", ...
A name of one word (a given name or a surname alone) is taken only where the
text introduces it as a name: a name field's label ("Last name:", "Vorname:"),
"under the name", "my name is", a greeting or sign-off, "X from our team", and
a name on its own line above an address line.
"""

from __future__ import annotations

from typing import ClassVar

import regex

from engine.privacy.not_personal import GROUP_WORDS, TEAM_WORDS
from engine.privacy.recognizers.pattern_table import PatternTable

_NAME = r"\p{Lu}\p{Ll}+(?:-\p{Lu}\p{Ll}+)?(?:[ \t]+\p{Lu}(?:['’]\p{Lu})?[\p{Ll}]+(?:-\p{Lu}\p{Ll}+)?){1,2}"
_NOT_A_NAME = r"(?!(?:The|This|That|These|Those|Our|Your|Their|His|Her|A|An|Line|Station|Shift)\b)"
_BEFORE = (r"(?:[Rr]eported[ \t]+by|[Rr]eporter|[Cc]ontact(?:[ \t]+person)?|[Ss]igned[ \t]+by|[Aa]pproved[ \t]+by"
           r"|[Rr]equested[ \t]+by|[Aa]ssigned[ \t]+to|[Oo]perator|[Tt]echnician|[Ii]nspector|[Cc]ustomer"
           r"|[Pp]atient|[Ee]mployee|[Cc]alled|[Dd]ear|Mr|Mrs|Ms|Dr|Prof|[Mm]et[ \t]+with"
           r"|(?:From|To|[Cc]c|[Bb]cc|Sender|Recipient|Attn|Attention|[Nn]ame|[Hh]older|Present|Attendees|Apologies"
           r"|Absent|Witness(?:es)?|Guests?|For):"
           # the header of a message thread (sixth round): "Messages with Shannon Young"
           r"|^(?:Messages|Chat|Conversation)[ \t]+with)\.?:?")
# Closing a letter or e-mail ("Kind regards,\nAnna Schmidt"), or speaking in a chat log ("[09:58] Anna Schmidt:")
_SIGN_OFF = r"(?:[Rr]egards|Sincerely|Cheers|Thanks|[Ww]ishes|Yours|Best|--)[,.!]?[ \t]*\n[ \t]*"
_CHAT_TURN = r"^\[\d{1,2}:\d{2}(?::\d{2})?\][ \t]*"
_NOT_A_HEADER = r"(?!(?:First|Last|Full|Given|Family|Customer|Contact|Employee|User|Account|Name)\b)"
_AFTER = r"(?:noticed|reported|called|wrote|said|observed|found|saw|asked|confirmed|signed|requested|met)\b"
# One to three name words, particles allowed inside: "Sanne", "Le Roux", "Wout de Wit", "Horst-Günter"
_ONE_TO_THREE = (r"\p{Lu}\p{Ll}+(?:-\p{Lu}\p{Ll}+)?(?:[ \t]+(?:(?:de|van|von|der|den|da|di|du|del|le|la)[ \t]+)?"
                 r"\p{Lu}(?:['’]\p{Lu})?\p{Ll}+(?:-\p{Lu}\p{Ll}+)?){0,2}")
# Form labels of a name field, in several languages ("Last name: Logan", "Vorname: Jürgen")
_NAME_LABEL = (r"(?:(?:First|Last|Given|Family|Middle|Full|Maiden)[ \t]+names?|Surname|Forename|Vorname|Nachname"
               r"|Familienname|Prénom|Nom(?:[ \t]+de[ \t]+famille)?|Nombre|Apellidos?|Cognome|Nome|Sobrenome|Imię"
               r"|Nazwisko|Voornaam|Achternaam|Förnamn|Efternamn|Etunimi|Sukunimi|Fornavn|Efternavn)")
# Phrases that introduce a name on its own: "under the name Lam", "my name is Sanne", "booked for Parent"
_INTRO = (r"(?:(?:under|in)[ \t]+the[ \t]+name[ \t]+(?:of[ \t]+)?|[Mm]y[ \t]+name[ \t]+is[ \t]+|[Nn]ame's[ \t]+"
          r"|(?:booked|reserved|registered)[ \t]+(?:for|as|under)[ \t]+|[Pp]ut[ \t]+it[ \t]+under[ \t]+"
          r"|[Tt]his[ \t]+is[ \t]+"
          # a text or voicemail that opens by naming its sender (sixth round): "Hi, it's Tyler."
          r"|(?:Hi|Hello|Hey)[ \t]*,?[ \t]+it(?:'|’)s[ \t]+)")
# A team signing a letter ("Kind regards,\nCustomer Service", "Thanks,\nSupport Desk"): no person
_NOT_A_DESK = rf"(?!(?:\p{{L}}+[ \t]+){{0,2}}(?i:{'|'.join(sorted(TEAM_WORDS))})[ \t]*$)"
# A group of people where a name could stand: "Present: Board Members", "To: All Staff", "Attendees: Team Leads"
_NOT_A_GROUP = rf"(?!(?:\p{{L}}+[ \t]+){{0,2}}(?i:{'|'.join(sorted(GROUP_WORDS | TEAM_WORDS))})\b)"
_NOT_A_WORD_NAME = (r"(?!(?:The|This|That|Our|Your|We|It|Team|All|Everyone|There|Sir|Madam|Support|Customer|Service"
                    r"|Sales|Admin|Office|Management|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday"
                    r"|Today|Tomorrow|Again|Both|Mr|Mrs|Ms|Dr)\b)")


class PersonCueRecognizer(PatternTable):
    ENTITY: ClassVar[str] = "PERSON"
    FLAGS: ClassVar[int] = regex.MULTILINE

    # (name, regular expression, score)
    PATTERNS: ClassVar[tuple[tuple[str, str, float], ...]] = (
        ("name after a cue: Reported by Anna Schmidt, Reporter: Sofia Novak",
         rf"(?<=\b{_BEFORE}[ \t]+){_NOT_A_NAME}{_NOT_A_GROUP}{_NAME}\b", 0.65),
        ("name before a reporting verb: Elena Petrova noticed it",
         rf"\b{_NOT_A_NAME}{_NAME}(?=[ \t]+{_AFTER})", 0.6),
        ("name under a sign-off: Kind regards,\\nAnna Schmidt",
         rf"(?<={_SIGN_OFF}){_NOT_A_NAME}{_NOT_A_WORD_NAME}{_NOT_A_DESK}{_NAME}[ \t]*$", 0.6),
        ("a first name after a greeting: Hi Marthe, / thanks Justin,",
         rf"(?<=\b(?:Hi|Hello|Hey|Dear|[Tt]hanks|[Tt]hank[ \t]+you|Good[ \t]+morning)[ \t]+){_NOT_A_NAME}"
         rf"(?!(?:Team|All|Everyone|There|Sir|Madam|Guys|Folks|Again|Both)\b)\p{{Lu}}\p{{Ll}}+(?:-\p{{Lu}}\p{{Ll}}+)?"
         r"(?=[,!]|[ \t]*$)", 0.6),
        ("first cell of a table row: Anna Schmidt;anna@example.com;...",
         rf"^{_NOT_A_NAME}{_NOT_A_HEADER}{_NAME}(?=[ \t]*[;\t|])", 0.5),
        ("a name after a name label: Last name: Logan, Vorname: Jürgen",
         rf"(?<=^[ \t]*{_NAME_LABEL}[ \t]*:[ \t]*){_NOT_A_WORD_NAME}{_ONE_TO_THREE}(?=[ \t]*$|[ \t]*[,;])", 0.7),
        ("a name after words that introduce one: under the name Lam, my name is Sanne",
         rf"(?<=\b{_INTRO}){_NOT_A_WORD_NAME}{_ONE_TO_THREE}\b", 0.65),
        ("a given name alone under a sign-off: Best,\\nLisa / Thanks, Karen",
         rf"(?:(?<={_SIGN_OFF})|(?<=\b(?:Thanks|Thank[ \t]+you|Cheers|Regards|Best|Greetings|Bye),[ \t]+))"
         rf"{_NOT_A_WORD_NAME}{_NOT_A_DESK}{_ONE_TO_THREE}[ \t]*$", 0.6),
        ("a given name before 'from our team': John from our team will call",
         rf"\b{_NOT_A_WORD_NAME}\p{{Lu}}\p{{Ll}}+(?=[ \t]+from[ \t]+(?:our|the|your)[ \t]+"
         rf"(?:team|support|office|service|help[ \t]?desk|department|company|side|store|shop)\b)", 0.6),
        ("a name on its own line above a line with a number (an address): Jim Hess\\nUnit 5126",
         rf"^[ \t]*{_NOT_A_NAME}{_NOT_A_HEADER}{_NOT_A_WORD_NAME}{_NAME}[ \t]*$(?=\n[^\n:]*\d)",
         0.45),
        ("speaker in a chat log: [09:58] Anna Schmidt:",
         rf"(?<={_CHAT_TURN}){_NOT_A_NAME}{_NAME}(?=:)", 0.6),
    )
