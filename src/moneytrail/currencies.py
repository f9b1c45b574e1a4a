"""Which units are money: the one currency rule of the service, the reports and the web pages.

A unit is money when it is an ISO 4217 currency code (CURRENCY_CODES) or a figure per million
of one ('FTE per JPY million'). Other units of three capital letters are not money ('FTE',
'CO2'). The service uses the rule when it writes a table's unit columns (service.result);
report.units re-exports it for the formatters and templates.
"""

from __future__ import annotations

import re

PER_MILLION = re.compile(r"^(?P<what>.+) per (?P<currency>[A-Z]{3}) million$")

# the ISO 4217 codes of currencies in use (not of funds, metals or special drawing rights);
# the bundled data's (macro/fx.csv, scenarios.reference.bundled_currencies) are among them
CURRENT = """
    AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN
    BWP BYN BZD CAD CDF CHF CLP CNY COP CRC CUC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR
    FJD FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD
    JPY KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT
    MOP MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG
    QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SLL SOS SRD SSP STN SVC SYP SZL THB
    TJS TMT TND TOP TRY TTD TWD TZS UAH UGX USD UYU UZS VED VES VND VUV WST XAF XCD XCG XOF
    XPF YER ZAR ZMW ZWG
    """
# ISO 4217 codes of currencies since replaced, which an FX table of past years may still
# hold: those the euro replaced (ATS ... SKK), and old units of currencies redenominated or
# renamed (TRL before TRY, ROL before RON, ZMK before ZMW, ...)
REPLACED = """
    ATS BEF CYP DEM EEK ESP FIM FRF GRD HRK IEP ITL LTL LUF LVL MTL NLG PTE SIT SKK
    AZM BGL BYR CSD GHC MGF MRO MZM ROL RUR SDD SRG STD TMM TRL VEB VEF YUM ZMK ZWD ZWL
    ZWN ZWR
    """
CURRENCY_CODES = frozenset(CURRENT.split()) | frozenset(REPLACED.split())


def is_money(unit: str) -> bool:
    """Whether a unit is money at a plan's prices: a currency code ('EUR', one of
    CURRENCY_CODES) or a figure per million of one ('FTE per JPY million'). Other units of
    three capitals are not ('FTE', 'CO2')."""
    per = PER_MILLION.match(unit)
    return (per["currency"] if per else unit) in CURRENCY_CODES


def is_currency(unit: str) -> bool:
    """Whether a unit is an amount of money itself: a currency code ('EUR'), not a figure
    per million of one."""
    return unit in CURRENCY_CODES
