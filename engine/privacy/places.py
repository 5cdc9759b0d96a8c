"""Names of countries and of the states and regions of a few federations, in English.

A country or a state named on its own ("shipped from Germany", "our office in Bavaria") says nothing
about a person, so the default entity policy does not redact it: the detector retypes such a place
from LOCATION to ``COUNTRY_OR_REGION`` (policy "ignore" unless a compliance officer changes it), and
never lets one pass as a PERSON. Written out here from general knowledge; compared ignoring case.
"""

from __future__ import annotations

COUNTRIES = frozenset(s.casefold() for s in (
    "Afghanistan", "Albania", "Algeria", "Andorra", "Angola", "Antigua and Barbuda", "Argentina", "Armenia",
    "Australia", "Austria", "Azerbaijan", "Bahamas", "Bahrain", "Bangladesh", "Barbados", "Belarus", "Belgium",
    "Belize", "Benin", "Bhutan", "Bolivia", "Bosnia and Herzegovina", "Botswana", "Brazil", "Brunei", "Bulgaria",
    "Burkina Faso", "Burundi", "Cambodia", "Cameroon", "Canada", "Cape Verde", "Central African Republic", "Chad",
    "Chile", "China", "Colombia", "Comoros", "Congo", "Costa Rica", "Croatia", "Cuba", "Cyprus", "Czechia",
    "Czech Republic", "Denmark", "Djibouti", "Dominica", "Dominican Republic", "Ecuador", "Egypt", "El Salvador",
    "Equatorial Guinea", "Eritrea", "Estonia", "Eswatini", "Ethiopia", "Fiji", "Finland", "France", "Gabon",
    "Gambia", "Georgia", "Germany", "Ghana", "Greece", "Grenada", "Guatemala", "Guinea", "Guinea-Bissau", "Guyana",
    "Haiti", "Honduras", "Hungary", "Iceland", "India", "Indonesia", "Iran", "Iraq", "Ireland", "Israel", "Italy",
    "Ivory Coast", "Jamaica", "Japan", "Jordan", "Kazakhstan", "Kenya", "Kiribati", "Kosovo", "Kuwait", "Kyrgyzstan",
    "Laos", "Latvia", "Lebanon", "Lesotho", "Liberia", "Libya", "Liechtenstein", "Lithuania", "Luxembourg",
    "Madagascar", "Malawi", "Malaysia", "Maldives", "Mali", "Malta", "Marshall Islands", "Mauritania", "Mauritius",
    "Mexico", "Micronesia", "Moldova", "Monaco", "Mongolia", "Montenegro", "Morocco", "Mozambique", "Myanmar",
    "Namibia", "Nauru", "Nepal", "Netherlands", "the Netherlands", "New Zealand", "Nicaragua", "Niger", "Nigeria",
    "North Korea", "North Macedonia", "Norway", "Oman", "Pakistan", "Palau", "Palestine", "Panama",
    "Papua New Guinea", "Paraguay", "Peru", "Philippines", "Poland", "Portugal", "Qatar", "Romania", "Russia",
    "Rwanda", "Saint Kitts and Nevis", "Saint Lucia", "Saint Vincent and the Grenadines", "Samoa", "San Marino",
    "Sao Tome and Principe", "Saudi Arabia", "Senegal", "Serbia", "Seychelles", "Sierra Leone", "Singapore",
    "Slovakia", "Slovenia", "Solomon Islands", "Somalia", "South Africa", "South Korea", "Korea", "South Sudan",
    "Spain", "Sri Lanka", "Sudan", "Suriname", "Sweden", "Switzerland", "Syria", "Taiwan", "Tajikistan", "Tanzania",
    "Thailand", "Timor-Leste", "Togo", "Tonga", "Trinidad and Tobago", "Tunisia", "Turkey", "Türkiye",
    "Turkmenistan", "Tuvalu", "Uganda", "Ukraine", "United Arab Emirates", "UAE", "United Kingdom", "UK",
    "Great Britain", "Britain", "England", "Scotland", "Wales", "Northern Ireland", "United States",
    "United States of America", "USA", "US", "U.S.", "America", "Uruguay", "Uzbekistan", "Vanuatu", "Vatican City",
    "Venezuela", "Vietnam", "Yemen", "Zambia", "Zimbabwe", "Hong Kong", "Macau", "Puerto Rico", "Greenland",
    "Faroe Islands", "Gibraltar", "Bermuda", "Aruba", "Curaçao", "French Guiana", "Guiana", "Guadeloupe",
    "Martinique", "Réunion", "New Caledonia", "French Polynesia", "Saint Martin", "Saint Barthelemy", "Guam",
    "American Samoa", "Cayman Islands", "British Virgin Islands", "Anguilla", "Montserrat", "Falkland Islands",
    "Western Sahara", "Europe", "Asia", "Africa", "North America", "South America", "Latin America", "Oceania",
    "Scandinavia", "the EU", "EU", "European Union",
))

REGIONS = frozenset(s.casefold() for s in (
    # US states
    "Alabama", "Alaska", "Arizona", "Arkansas", "California", "Colorado", "Connecticut", "Delaware", "Florida",
    "Hawaii", "Idaho", "Illinois", "Indiana", "Iowa", "Kansas", "Kentucky", "Louisiana", "Maine", "Maryland",
    "Massachusetts", "Michigan", "Minnesota", "Mississippi", "Missouri", "Montana", "Nebraska", "Nevada",
    "New Hampshire", "New Jersey", "New Mexico", "New York State", "North Carolina", "North Dakota", "Ohio",
    "Oklahoma", "Oregon", "Pennsylvania", "Rhode Island", "South Carolina", "South Dakota", "Tennessee", "Texas",
    "Utah", "Vermont", "Virginia", "Washington State", "West Virginia", "Wisconsin", "Wyoming",
    # Canadian provinces, Australian states
    "Alberta", "British Columbia", "Manitoba", "New Brunswick", "Newfoundland", "Nova Scotia", "Ontario", "Quebec",
    "Saskatchewan", "Yukon", "New South Wales", "Queensland", "Victoria", "Tasmania", "Western Australia",
    # German, Austrian, Swiss states; a few large European regions
    "Bavaria", "Bayern", "Baden-Württemberg", "Saxony", "Sachsen", "Hesse", "Hessen", "Thuringia", "Thüringen",
    "Brandenburg", "Lower Saxony", "Niedersachsen", "North Rhine-Westphalia", "Nordrhein-Westfalen",
    "Rhineland-Palatinate", "Rheinland-Pfalz", "Saarland", "Schleswig-Holstein", "Mecklenburg-Vorpommern",
    "Saxony-Anhalt", "Sachsen-Anhalt", "Tyrol", "Tirol", "Styria", "Steiermark", "Carinthia", "Kärnten",
    "Upper Austria", "Lower Austria", "Vorarlberg", "Salzburg State", "Catalonia", "Andalusia", "Galicia",
    "Basque Country", "Castile", "Tuscany", "Lombardy", "Sicily", "Sardinia", "Piedmont", "Bavarian",
    "Normandy", "Brittany", "Provence", "Alsace", "Burgundy", "Flanders", "Wallonia", "Bohemia", "Moravia",
    "Silesia", "Lapland", "Transylvania", "Siberia",
))


def is_country_or_region(value: str) -> bool:
    name = " ".join(value.split()).strip(".,;:").casefold()
    if name.startswith("the "):
        name = name[4:]
    return name in COUNTRIES or name in REGIONS or f"the {name}" in COUNTRIES
