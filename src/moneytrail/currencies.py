"""Which units are money: the one currency rule of the service, the reports and the web pages.

A unit is money when it is an ISO 4217 currency code (CURRENCY_CODES) or a figure per million
of one ('FTE per JPY million'). Other units of three capital letters are not money ('FTE',
'CO2'). The service uses the rule when it writes a table's unit columns (service.result);
report.units re-exports it for the formatters and templates.
"""

from __future__ import annotations

import re

PER_MILLION = re.compile(r"^(?P<what>.+) per (?P<currency>[A-Z]{3}) million$")

# The source: ISO 4217 list one (current currency & funds), as published by SIX, the
# standard's maintenance agency. CHECKED says what the list was checked against: the file
# itself could not be fetched when it was, so its edition (the file's `Pblshd` date) is not
# confirmed. Copies of the 2024-06-25 and 2025-05-12 editions and a report of the
# 2026-01-01 one (178 codes: Bulgaria's BGN replaced by the euro) agree with CURRENT plus the
# funds, metals and units of account it leaves out.
SOURCE = ("https://www.six-group.com/dam/download/financial-information/data-center/"
          "iso-currrency/lists/list-one.xml")
CHECKED = f"checked against {SOURCE} on 2026-12-02, edition not confirmed"

# the ISO 4217 codes of currencies in use (not of funds, metals, units of account or special
# drawing rights); the bundled data's (macro/fx.csv, scenarios.reference.bundled_currencies)
# are among them or among REPLACED
CURRENT = """
    AED AFN ALL AMD AOA ARS AUD AWG AZN BAM BBD BDT BHD BIF BMD BND BOB BRL BSD BTN
    BWP BYN BZD CAD CDF CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR
    FJD FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD
    JPY KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT
    MOP MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG
    QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB
    TJS TMT TND TOP TRY TTD TWD TZS UAH UGX USD UYU UZS VED VES VND VUV WST XAF XCD XCG XOF
    XPF YER ZAR ZMW ZWG
    """
# ISO 4217 codes of currencies since replaced (ISO 4217 list three), which an FX table of
# past years may still hold: those the euro replaced (ATS ... SKK, HRK in 2023, BGN in 2026),
# old units of currencies redenominated or renamed (TRL before TRY, ROL before RON, ZMK
# before ZMW, SLL before SLE, VEF before VES, ZWL before ZWG, ...), the Netherlands Antillean
# guilder (ANG, now XCG) and Cuba's convertible peso (CUC)
REPLACED = """
    ATS BEF BGN CYP DEM EEK ESP FIM FRF GRD HRK IEP ITL LTL LUF LVL MTL NLG PTE SIT SKK
    ANG AZM BGL BYR CSD CUC GHC MGF MRO MZM ROL RUR SDD SLL SRG STD TMM TRL VEB VEF YUM ZMK
    ZWD ZWL ZWN ZWR
    """
CURRENT_CODES = frozenset(CURRENT.split())
CURRENCY_CODES = CURRENT_CODES | frozenset(REPLACED.split())


def is_money(unit: str) -> bool:
    """Whether a unit is money at a plan's prices: a currency code ('EUR', one of
    CURRENCY_CODES) or a figure per million of one ('FTE per JPY million'). Other units of
    three capitals are not ('FTE', 'CO2')."""
    per = PER_MILLION.match(unit)
    return (per["currency"] if per else unit) in CURRENCY_CODES


def money_currency(unit: str) -> str | None:
    """The currency a money unit is in: the code itself ('EUR') or the currency of a figure
    per million of one ('FTE-years per EUR million' -> 'EUR': its millions are that
    currency's, at a price year like any amount's); None for any other unit."""
    per = PER_MILLION.match(unit)
    code = per["currency"] if per else unit
    return code if code in CURRENCY_CODES else None


def is_currency(unit: str) -> bool:
    """Whether a unit is an amount of money itself: a currency code ('EUR'), not a figure
    per million of one."""
    return unit in CURRENCY_CODES


def not_a_currency(code: str) -> str:
    """The one-line reason a three-letter code is refused as a currency ('ABC is not an
    ISO 4217 currency code'), for the readers of amounts and the ledger's rules."""
    return f"{code} is not an ISO 4217 currency code"
