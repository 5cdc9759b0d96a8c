"""Phone numbers as people write them in fifty-one countries' numbering plans, for bench/pii_phone_shapes.py.

Written in the twelfth round from the national plans as the project knows them (mobile and fixed lines, the
trunk prefix, the usual grouping and punctuation of each country), not from Faker's formats: Faker's numbers are
``--numbers faker``. The held-out countries of bench/pii_corpus.py (Czechia, Finland, Hungary, Sweden, Brazil,
Ukraine, Denmark, Portugal, Romania, Slovakia, Austria, Ireland) are left out on purpose, so that this probe
cannot teach the detector their formats. In a pattern ``#`` is any digit and ``N`` a digit from 2 to 9 (an area
code after a trunk 0 opens with one); a number
is written in its national form, or half as often in the international one ("+CC", the trunk prefix dropped,
sometimes "00CC" or "+CC (0)").
"""

from __future__ import annotations

import random
from collections.abc import Callable

# country: (calling code, trunk prefix, national patterns)
PLANS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "Nigeria": ("234", "0", ("080# ### ####", "0803-###-####", "081########", "01 ### ####")),
    "Kenya": ("254", "0", ("07## ######", "07## ### ###", "020 #######")),
    "South Africa": ("27", "0", ("08# ### ####", "0N# ### ####", "(011) ###-####")),
    "Ghana": ("233", "0", ("024 ### ####", "030 ### ####", "055-###-####")),
    "Egypt": ("20", "0", ("010 #### ####", "02 #### ####", "012########")),
    "Morocco": ("212", "0", ("06 ## ## ## ##", "05 22 ## ## ##", "06########")),
    "Tunisia": ("216", "", ("9# ### ###", "71 ### ###")),
    "Pakistan": ("92", "0", ("03## #######", "0300-#######", "(042) #######")),
    "India": ("91", "0", ("98### #####", "0N# #### ####", "9#########", "0N#-########")),
    "Bangladesh": ("880", "0", ("01###-######", "01### ######")),
    "Sri Lanka": ("94", "0", ("07# ### ####", "011 ### ####")),
    "Malaysia": ("60", "0", ("01#-### ####", "03-#### ####", "012-#######")),
    "Singapore": ("65", "", ("9### ####", "6### ####", "8#######")),
    "Indonesia": ("62", "0", ("08##-####-####", "(021) ####-####", "08## #### ###")),
    "Philippines": ("63", "0", ("09## ### ####", "(02) #### ####", "09#########")),
    "Vietnam": ("84", "0", ("09# ### ## ##", "0N# #### ###", "09########")),
    "Thailand": ("66", "0", ("08#-###-####", "02-###-####", "08# ### ####")),
    "Japan": ("81", "0", ("03-####-####", "090-####-####", "06-####-####", "0N#-###-####")),
    "South Korea": ("82", "0", ("010-####-####", "02-###-####", "031-###-####")),
    "China": ("86", "0", ("13# #### ####", "010-########", "(021) ########", "15#########")),
    "Taiwan": ("886", "0", ("09##-###-###", "(02) ####-####", "09## ### ###")),
    "Australia": ("61", "0", ("04## ### ###", "(0N) #### ####", "0N #### ####")),
    "New Zealand": ("64", "0", ("02# ### ####", "(09) ### ####", "021 ### ###")),
    "Mexico": ("52", "", ("55 #### ####", "(33) ####-####", "55-####-####", "81 #### ####")),
    "Argentina": ("54", "0", ("011 ####-####", "(011) 15-####-####", "0351 ###-####")),
    "Chile": ("56", "", ("9 #### ####", "(2) #### ####", "9########")),
    "Colombia": ("57", "", ("3## #######", "(601) #######", "3## ### ####")),
    "Peru": ("51", "0", ("9## ### ###", "(01) ###-####")),
    "Venezuela": ("58", "0", ("04##-###-####", "0212-###-####")),
    "Ecuador": ("593", "0", ("09# ### ####", "(02) ###-####")),
    "United States": ("1", "", ("(N##) N##-####", "N##-N##-####", "N##.N##.####", "1-N##-N##-####")),
    "Canada": ("1", "", ("(N##) N##-####", "N## N## ####")),
    "Belgium": ("32", "0", ("04## ## ## ##", "0N ### ## ##", "02/### ## ##", "04##/##.##.##")),
    "Luxembourg": ("352", "", ("621 ### ###", "## ## ##", "691 ### ###")),
    "Switzerland": ("41", "0", ("07# ### ## ##", "0## ### ## ##", "07########")),
    "France": ("33", "0", ("0N ## ## ## ##", "0N.##.##.##.##", "0N-##-##-##-##", "0N########")),
    "Spain": ("34", "", ("6## ### ###", "9## ## ## ##", "6## ## ## ##", "9########")),
    "Italy": ("39", "", ("3## ### ####", "0N ########", "02 #### ####", "3##/#######")),
    "Greece": ("30", "", ("69# ### ####", "21# ### ####", "69########")),
    "Turkey": ("90", "0", ("05## ### ## ##", "0 (5##) ### ## ##", "0212 ### ## ##")),
    "Israel": ("972", "0", ("05#-###-####", "0N-###-####", "05# ### ####")),
    "Norway": ("47", "", ("### ## ###", "## ## ## ##", "4#######")),
    "Iceland": ("354", "", ("### ####", "8## ####")),
    "Estonia": ("372", "", ("5### ####", "6## ####")),
    "Lithuania": ("370", "8", ("8 6## #####", "(8 5) ### ####", "8-6##-#####")),
    "Poland": ("48", "", ("### ### ###", "## ### ## ##", "5## ### ###")),
    "Germany": ("49", "0", ("0N## #######", "030 ########", "0151 ########", "(0N##) ######", "0N##/######",
                            "0N## - ######", "0171-#######")),
    "Netherlands": ("31", "0", ("06-########", "020 ### ####", "06 ## ## ## ##", "010-#######")),
    "United Kingdom": ("44", "0", ("07### ######", "020 #### ####", "01### ######", "(01###) ######")),
    "Croatia": ("385", "0", ("09# ### ####", "01 #### ###", "09#/###-####")),
    "Serbia": ("381", "0", ("06# ###-####", "011 ###-####", "06# ### ###")),
    "Russia": ("7", "8", ("8 (9##) ###-##-##", "8 495 ###-##-##", "8-9##-###-##-##")),
}


def _fill(pattern: str, rng: random.Random) -> str:
    return "".join(str(rng.randint(0, 9)) if ch == "#" else str(rng.randint(2, 9)) if ch == "N" else ch
                   for ch in pattern)


def international(national: str, code: str, trunk: str, rng: random.Random) -> str:
    """The number as written from abroad: the trunk prefix and the brackets around an area code dropped."""
    body = national
    if body.startswith("(") and ")" in body:
        inside, _, rest = body[1:].partition(")")
        body = inside + rest
    if trunk and body.startswith(trunk):
        body = body[len(trunk):].lstrip(" -")
    if code == "1" and body.startswith("1-"):
        body = body[2:]
    style = rng.choice(("+", "+", "+", "00", "+0"))
    if style == "+0" and trunk == "0" and national.lstrip("(").startswith(trunk):
        return f"+{code} (0){body}"
    return f"{'00' if style == '00' else '+'}{code} {body}"


def plan_numbers(seed: int) -> Callable[[], str]:
    """A draw of numbers, one country after another, national form or international half as often."""
    rng = random.Random(seed)
    countries = list(PLANS)
    turn = iter(range(10**9))

    def draw() -> str:
        code, trunk, patterns = PLANS[countries[next(turn) % len(countries)]]
        national = _fill(rng.choice(patterns), rng)
        return international(national, code, trunk, rng) if rng.random() < 1 / 3 else national

    return draw
