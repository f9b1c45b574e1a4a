"""ISO 3166-1 alpha-2 country codes: the officially assigned codes (249), by first letter.

A plan's `site_country` must be one of them (or `EU`, the code ISO 3166 reserves for the
European Union, which the data's grid and price tables use for the EU average): `XX` is no
country, so every task and the web app refuse it alike, whatever the data hold for it.
Whether the data have grid intensity and prices for a real country is a separate check
(`service.tasks.check_site`), made only by tasks that read the site.

Also the English names of the codes the data package's countries.csv does not name
(`country_name`, `named_code`, `with_article`), and the labels of the region codes `EU` and
`ROW` (`region_label`): the service layer names a site and a CSV's countries with them,
report.units re-exports them for the pages, the briefing and the terminal."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

ROWS = (
    "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ",
    "BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ",
    "CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ",
    "DE DJ DK DM DO DZ",
    "EC EE EG EH ER ES ET",
    "FI FJ FK FM FO FR",
    "GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY",
    "HK HM HN HR HT HU",
    "ID IE IL IM IN IO IQ IR IS IT",
    "JE JM JO JP",
    "KE KG KH KI KM KN KP KR KW KY KZ",
    "LA LB LC LI LK LR LS LT LU LV LY",
    "MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ",
    "NA NC NE NF NG NI NL NO NP NR NU NZ",
    "OM",
    "PA PE PF PG PH PK PL PM PN PR PS PT PW PY",
    "QA",
    "RE RO RS RU RW",
    "SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ",
    "TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ",
    "UA UG UM US UY UZ",
    "VA VC VE VG VI VN VU",
    "WF WS",
    "YE YT",
    "ZA ZM ZW",
)
ISO_3166 = frozenset(code for row in ROWS for code in row.split())

SITE_CODES = ISO_3166 | {"EU"}     # a site: a country, or the EU as a whole


# English short names of ISO 3166 codes, for codes the data package's countries.csv does not
# name (the ledger records deals in more countries than the value chain models). The data's own
# names come first wherever both exist (`country_name`).
ISO_COUNTRY_NAMES = {
    "AE": "United Arab Emirates", "AR": "Argentina", "AT": "Austria", "AU": "Australia",
    "BE": "Belgium", "BG": "Bulgaria", "BR": "Brazil", "CA": "Canada", "CH": "Switzerland",
    "CL": "Chile", "CN": "China", "CY": "Cyprus", "CZ": "Czech Republic", "DE": "Germany",
    "DK": "Denmark", "EE": "Estonia", "EG": "Egypt", "ES": "Spain", "FI": "Finland",
    "FR": "France", "GB": "United Kingdom", "GR": "Greece", "HR": "Croatia", "HU": "Hungary",
    "ID": "Indonesia", "IE": "Ireland", "IL": "Israel", "IN": "India", "IS": "Iceland",
    "IT": "Italy", "JP": "Japan", "KR": "South Korea", "LT": "Lithuania", "LU": "Luxembourg",
    "LV": "Latvia", "MA": "Morocco", "MT": "Malta", "MX": "Mexico", "MY": "Malaysia",
    "NL": "Netherlands", "NO": "Norway", "NZ": "New Zealand", "PH": "Philippines",
    "PL": "Poland", "PT": "Portugal", "QA": "Qatar", "RO": "Romania", "SA": "Saudi Arabia",
    "SE": "Sweden", "SG": "Singapore", "SI": "Slovenia", "SK": "Slovakia", "TH": "Thailand",
    "TR": "Türkiye", "TW": "Taiwan", "UA": "Ukraine", "US": "United States",
    "VN": "Vietnam", "ZA": "South Africa",
}


def country_name(code: Any, names: dict[str, str] | None = None) -> str:
    """A country code's name: the data's (`names`, ValueChain.country_names) first, else
    ISO_COUNTRY_NAMES, else the code itself."""
    code = str(code)
    return (names or {}).get(code) or ISO_COUNTRY_NAMES.get(code, code)


# regions that are not one country, as readers see them (data and JSON keep the codes)
REGION_LABELS = {"ROW": "Rest of the world", "EU": "EU, not split by member state"}


def region_label(code: Any, names: Mapping[str, str] | None = None) -> str:
    """A country code for readers: 'ROW' -> 'Rest of the world', 'EU' -> 'EU, not split by
    member state', else its name in `names` (the code itself without one)."""
    code = str(code)
    return REGION_LABELS.get(code) or (names or {}).get(code, code)


# Country names English writes with "the" inside a sentence ("added in the United States").
NAMES_WITH_ARTICLE = frozenset({
    "United States", "United States of America", "Netherlands", "United Kingdom",
    "United Arab Emirates", "Philippines", "Czech Republic", "Bahamas", "Gambia",
    "Maldives", "Marshall Islands", "Solomon Islands", "Comoros", "Seychelles",
    "Dominican Republic", "Central African Republic", "Republic of Korea",
    "Democratic Republic of the Congo", "Vatican City",
})


def with_article(name: Any) -> str:
    """A country's name as a sentence needs it: 'United States' -> 'the United States',
    'Rest of the world' -> 'the rest of the world', 'France' -> 'France'."""
    name = str(name)
    if name == "Rest of the world":
        return "the rest of the world"
    return f"the {name}" if name in NAMES_WITH_ARTICLE else name


def named_code(code: Any, names: dict[str, str] | None = None) -> str:
    """A country code with its name, for a label naming both: 'GB' -> 'United Kingdom (GB)',
    'DE' -> 'Germany (DE)' (`country_name`); a code nothing names is shown once ('AD'),
    never 'AD (AD)'."""
    code = str(code)
    name = country_name(code, names)
    return code if name == code else f"{name} ({code})"
