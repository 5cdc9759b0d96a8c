"""Person names that everyday documents introduce by a role, an attribution or a mention.

``PersonCueRecognizer`` covers the cues of reports and letters. Invoices, HR records, calendar
invites, contracts, news-style prose and comment threads introduce people in a few more general ways:

* a form label naming a role of a person, with an optional word before it ("Line manager: Victoria
  Graham", "Beneficiary: Ansis Skujiņš", "Patient name: Nora Somers");
  and the further names of a list after such a label ("Participants: Milda Ginzburgas; Eimantas Nausėda");
* a participle with "by" ("chaired by", "ordered by", "prepared by") or a phrase that reports or
  attributes ("according to", "said", "between ... and", "I, ..., authorise");
* a reporting verb after a name, including the verbs of minutes and threads ("replied", "agreed");
* a name before the part it plays in a contract ("Ante Maletić (the tenant)");
* a name after a lower-case noun of kinship or work ("guard Ondieki", "her daughter Maya Kadri"), or in
  brackets right after such a noun ("Neighbour (Jan Nowak) has a key", tenth round), or
  after the same noun capitalised where a line, a log entry or a sentence opens ("12:14 Caller M. Wadi
  (020 ...)", "Keyholder Kazim Sadan on her way"), when the name has two parts and a lower-case word or a
  bracket follows;
* an @-mention ("@Alisiya") and an attribution after a dash ("— Manoel Pondov, 09:12");
* a name that opens a list item and is followed by a dash or a bracket ("- Ana Aeby – Head of Sales").
"""

from __future__ import annotations

from typing import ClassVar

import regex

from engine.privacy.name_words import ROLE_WORDS
from engine.privacy.recognizers.pattern_table import PatternTable
from engine.privacy.recognizers.person_cue import _NAME, _NOT_A_NAME, _NOT_A_WORD_NAME, _ONE_TO_THREE

# Nouns for the role of a person in a form or record (general vocabulary, not names)
_ROLE = (r"(?:[Mm]anager|[Ss]upervisor|[Bb]eneficiary|[Pp]ayee|[Pp]ayer|[Cc]aller|[Ll]andlord|[Tt]enant"
         r"|[Aa]pplicant|[Aa]uthor|[Ss]peaker|[Hh]ost|[Dd]river|[Oo]wner|[Mm]ember|[Pp]hysician|[Dd]octor|[Nn]urse"
         r"|[Tt]eacher|[Ss]tudent|[Cc]andidate|[Oo]rgani[sz]er|[Pp]articipants?|[Ii]nvitees?|[Cc]ontact|[Cc]lient"
         r"|[Bb]uyer|[Ss]eller|[Vv]endor[ \t]+contact|[Gg]uarantor|[Ss]pouse|[Pp]artner|[Pp]arent|[Gg]uardian"
         r"|[Aa]ssignee|[Rr]eviewer|[Aa]pprover|[Ss]ender|[Aa]ddressee|[Cc]onsignee|[Ee]mployer"
         r"|[Pp]atient|[Rr]esident|[Pp]assenger|[Tt]raveller|[Tt]raveler|[Ll]ead|[Cc]oordinator|[Rr]epresentative"
         r"|[Ee]mergency|[Nn]ext[ \t]+of[ \t]+kin)")  # "Emergency: Ana Pérez (12.03.1984), ..." (tenth round)
# "<word> name:" names a person unless the word says otherwise ("Company name:", "File name:")
_NOT_PERSONAL_NAME = (r"(?!(?:[Cc]ompany|[Pp]roduct|[Ff]ile|[Uu]ser|[Hh]ost|[Dd]omain|[Bb]rand|[Pp]roject|[Bb]ank"
                      r"|[Ss]hop|[Ss]tore|[Bb]usiness|[Tt]rading|[Ss]treet|[Dd]evice|[Mm]odel|[Tt]eam"
                      r"|[Dd]ataset|[Ss]erver|[Ee]vent|[Pp]lace|[Pp]ackage)[ \t])")
_ROLE_LABEL = rf"^[ \t]*(?:\p{{L}}+[ \t]+)?(?:{_ROLE}|{_NOT_PERSONAL_NAME}\p{{L}}+[ \t]+name)[ \t]*:[ \t]*"
# "signed for by", "written by", "Photo by": a participle or a noun of something made, then "by"
_MADE = (r"(?:\p{Ll}+ed|written|taken|given|driven|chosen|spoken|drawn|shown|sworn|grown|known|[Rr]eport|[Pp]hotos?"
         r"|[Mm]essage|[Cc]omment|[Pp]ost|[Rr]eply|[Nn]otes?|[Rr]equest|[Ll]etter|[Ss]tatement|[Rr]eview|[Aa]rticle"
         r"|[Mm]inutes|[Aa]nswer|[Cc]omplaint|[Pp]icture|[Vv]ideo|[Ee]ntry|[Ss]ubmission)")
_ATTRIBUTION = (rf"(?:\b{_MADE}(?:[ \t]+(?:for|in|on|off|up|out|over|back))?[ \t]+by"
                r"|\b[Aa]ccording[ \t]+to|\bsaid|\bsays|\bthanked|\btold|\bbetween"
                r"|\bauthori[sz]es?|(?:^|[.!?][ \t]+)I,)")
_VERB_AFTER = (r"(?:replied|commented|added|agreed|explained|opened|announced|stated|suggested|answered"
               r"|mentioned|joined|approved|proposed|presented|recommended|promised|closed|argued|insisted)\b")
_SEPARATOR = r"(?=[ \t]*(?:[–—]|-[ \t]|\(|,))"
_ROLE_WORD = "(?:" + "|".join(sorted(ROLE_WORDS, key=lambda w: (-len(w), w))) + ")"
# The same nouns capitalised where a line, a log entry ("12:14 Caller ...") or a sentence opens
_ROLE_WORD_OPENING = ("(?:^[ \t]*(?:\\d{1,2}[:.]\\d{2}[ \t]+)?|[.!?][ \t]+)(?:"
                      + "|".join(sorted((w.capitalize() for w in ROLE_WORDS), key=lambda w: (-len(w), w))) + ")")


class PersonRoleRecognizer(PatternTable):
    ENTITY: ClassVar[str] = "PERSON"
    FLAGS: ClassVar[int] = regex.MULTILINE

    # (name, regular expression, score)
    PATTERNS: ClassVar[tuple[tuple[str, str, float], ...]] = (
        ("a name after a role label: Line manager: Victoria Graham, Patient name: Nora Somers",
         rf"(?<={_ROLE_LABEL}){_NOT_A_WORD_NAME}{_ONE_TO_THREE}(?=[ \t]*$|[ \t]*[,;(<])", 0.6),
        ("a further name in a list after a role label: Participants: Milda Ginzburgas; Eimantas Nausėda",
         rf"(?<={_ROLE_LABEL}[^\n]*[;,][ \t]*){_NOT_A_WORD_NAME}{_NAME}(?=[ \t]*$|[ \t]*[,;(<])", 0.55),
        ("a name after an attribution: chaired by Jos Tirado, according to Ballı Korutürk",
         rf"(?<={_ATTRIBUTION}[ \t]+){_NOT_A_NAME}{_NAME}\b", 0.6),
        ("a name before a verb of minutes and threads: Viliyan Vasova replied",
         rf"\b{_NOT_A_NAME}{_NAME}(?=[ \t]+{_VERB_AFTER})", 0.6),
        ("a name before the party it plays in a contract: Türcan Durmuş (the tenant)",
         rf"\b{_NOT_A_NAME}{_NAME}(?=[ \t]+\((?:the|hereinafter)[ \t]+\p{{Ll}}+)", 0.6),
        ("an @-mention: @Alisiya", r"(?<=(?:^|[\s(])@)\p{Lu}\p{Ll}+(?:[ \t]\p{Lu}\p{Ll}+)?\b", 0.6),
        ("an attribution after a dash: — Manoel Pondov, 09:12",
         rf"(?<=(?:—|--)[ \t]?){_NOT_A_WORD_NAME}{_ONE_TO_THREE}(?=[ \t]*(?:,|$))", 0.55),
        ("a name after a lower-case noun of kinship or work: guard Ondieki, her daughter Maya Kadri",
         rf"(?<=\b{_ROLE_WORD}s?,?[ \t]+){_NOT_A_NAME}{_NOT_A_WORD_NAME}{_ONE_TO_THREE}\b", 0.55),
        ("a name after a capitalised role noun opening a line, a log entry or a sentence, then a lower-case"
         " word or a bracket: Keyholder Kazim Sadan on her way, 12:14 Caller M. Wadi (020 2767993)",
         rf"(?<={_ROLE_WORD_OPENING}[ \t]+){_NOT_A_NAME}{_NOT_A_WORD_NAME}(?:(?:\p{{Lu}}\.[ \t]?){{1,2}}"
         rf"\p{{Lu}}\p{{Ll}}+|{_NAME})(?=[ \t]+\p{{Ll}}|[ \t]*[(,])", 0.55),
        ("a name alone in brackets right after a noun of kinship or work: Neighbour (Jan Nowak), the plumber"
         " (Ole Lund) (tenth round)",
         rf"(?<=\b(?i:{_ROLE_WORD})[ \t]*\([ \t]*){_NOT_A_NAME}{_NOT_A_WORD_NAME}{_NAME}(?=[ \t]*\))", 0.55),
        ("a name opening a list item, then a dash or a bracket: - Ana Aeby – Head of Sales",
         rf"(?<=^[ \t]*[-*•·][ \t]+){_NOT_A_NAME}{_NOT_A_WORD_NAME}{_NAME}{_SEPARATOR}", 0.5),
    )
