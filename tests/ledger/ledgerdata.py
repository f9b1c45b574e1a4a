"""A small ledger data package with hand-checkable numbers, written by the tests themselves.

Macro series are round on purpose: USD 1.25/EUR (2023) and 1.10 (2024), GBP 0.85 and 0.80;
HICP 100 -> 110 and US CPI 200 -> 210 from 2023 to 2024.
"""

from __future__ import annotations

import copy
import csv
import json
import shutil
from pathlib import Path

from moneytrail.data.package import bundled_path
from moneytrail.ledger.records import KINDS, MACRO_SOURCES

URL = "https://example.org/"


def source(id_: str, **extra) -> dict:
    return {"id": id_, "publisher": "Test", "title": f"Source {id_}", "url": URL + id_,
            "published": "2026-01-01", "accessed": "2026-01-01", "reliability": "official",
            "note": "", "primary_ref": f"Test agency, document {id_}, table 1", **extra}


def deal(id_: str, region: str, sector: str, purpose: str, announced: str, part_of: str = "",
         **extra) -> dict:
    return {"id": id_, "name": f"Deal {id_}", "kind": "pledge", "region": region, "sector": sector,
            "purpose": purpose, "announcer": "Someone", "announced": announced,
            "horizon_end": "2030", "part_of": part_of, "description": "A test deal",
            "sources": "s_a", "note": "", **extra}


def claim(ref: str, deal_: str, stage: str, central: float, currency: str, price_year: int,
          as_of: str, *, low: float | None = None, high: float | None = None,
          supersedes: str = "", source_: str = "s_a", note: str = "") -> dict:
    return {"ref": ref, "deal": deal_, "stage": stage,
            "low": central if low is None else low, "central": central,
            "high": central if high is None else high, "currency": currency,
            "price_year": price_year, "as_of": as_of, "source": source_,
            "supersedes": supersedes, "note": note}


BN = 1e9
TABLES: dict[str, list[dict]] = {
    "ledger-sources": [source("s_a"), source("s_b", reliability="analyst", note="a, \"quoted\"")],
    "macro-sources": [source("m_fx"), source("m_defl"), source("m_pop"), source("m_gdp")],
    "ledger-deals": [
        deal("d_eu", "EU", "public", "compute", "2024-02-01"),
        deal("d_eu_part", "EU", "public", "compute", "2024-03", part_of="d_eu"),
        deal("d_us", "US", "private", "infrastructure", "2023-06-01", sources="s_a;s_b"),
        deal("d_gb", "GB", "mixed", "research", "2024-01"),
    ],
    "ledger-claims": [
        claim("eu_ann", "d_eu", "announced", 100 * BN, "EUR", 2024, "2024-02-01"),
        claim("eu_ann_raise", "d_eu", "announced", 120 * BN, "EUR", 2024, "2024-09",
              low=110 * BN, high=130 * BN, supersedes="eu_ann"),
        claim("eu_com", "d_eu", "committed", 40 * BN, "EUR", 2024, "2024-10-01", low=30 * BN,
              high=50 * BN),
        claim("eu_dis", "d_eu", "disbursed", 10 * BN, "EUR", 2023, "2024-12-31"),
        claim("eu_part_ann", "d_eu_part", "announced", 20 * BN, "EUR", 2024, "2024-03"),
        claim("eu_part_com", "d_eu_part", "committed", 5 * BN, "EUR", 2024, "2024-04"),
        claim("us_ann", "d_us", "announced", 50 * BN, "USD", 2023, "2023-06-01"),
        claim("us_com", "d_us", "committed", 25 * BN, "USD", 2024, "2024-01", source_="s_b"),
        claim("us_com_low", "d_us", "committed", 20 * BN, "USD", 2024, "2024-01",
              source_="s_b", note="conflicting report, same date, equally reliable source"),
        claim("gb_ann", "d_gb", "announced", 8 * BN, "GBP", 2024, "2024-01-15"),
    ],
    "macro-fx": [
        {"year": 2023, "currency": "USD", "units_per_eur": 1.25, "source": "m_fx"},
        {"year": 2024, "currency": "USD", "units_per_eur": 1.1, "source": "m_fx"},
        {"year": 2023, "currency": "GBP", "units_per_eur": 0.85, "source": "m_fx"},
        {"year": 2024, "currency": "GBP", "units_per_eur": 0.8, "source": "m_fx"},
    ],
    "macro-deflators": [
        {"series": "hicp_ea", "year": 2023, "index": 100, "base": "2023=100",
         "source": "m_defl"},
        {"series": "hicp_ea", "year": 2024, "index": 110, "base": "2023=100",
         "source": "m_defl"},
        {"series": "cpi_us", "year": 2023, "index": 200, "base": "x", "source": "m_defl"},
        {"series": "cpi_us", "year": 2024, "index": 210, "base": "x", "source": "m_defl"},
    ],
    "macro-population": [
        {"country": "EU", "year": 2023, "value": 400e6, "source": "m_pop"},
        {"country": "EU", "year": 2024, "value": 400e6, "source": "m_pop"},
        {"country": "US", "year": 2024, "value": 300e6, "source": "m_pop"},
        {"country": "GB", "year": 2024, "value": 50e6, "source": "m_pop"},
    ],
    "macro-gdp": [
        {"country": "EU", "year": 2024, "value": 17.6e12, "currency": "USD", "source": "m_gdp"},
        {"country": "US", "year": 2024, "value": 29.7e12, "currency": "USD", "source": "m_gdp"},
    ],
}


def kind_of(resource: str):
    if resource == "macro-sources":
        return MACRO_SOURCES
    return next(k for k in KINDS.values() if k.resource == resource)


def tables(**changes) -> dict[str, list[dict]]:
    """A deep copy of the fixture tables, with whole resources replaced by keyword."""
    out = copy.deepcopy(TABLES)
    for name, rows in changes.items():
        out[name.replace("_", "-")] = rows
    return out


def write_ledger_package(root: Path, data: dict[str, list[dict]] | None = None,
                         version: str = "test-1") -> Path:
    """A Frictionless package folder with the ledger and macro resources only."""
    data = TABLES if data is None else data
    root.mkdir(parents=True, exist_ok=True)
    resources = []
    for name, rows in data.items():
        kind = kind_of(name)
        path = root / kind.path
        path.parent.mkdir(parents=True, exist_ok=True)
        header = list(kind.columns)
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=header, lineterminator="\n")
            writer.writeheader()
            for row in rows:
                writer.writerow({k: fmt(row.get(k, "")) for k in header})
        schema = f"schemas/{'sources' if 'sources' in name else Path(kind.path).stem}.json"
        (root / "schemas").mkdir(exist_ok=True)
        shutil.copyfile(bundled_path() / schema, root / schema)
        resources.append({"name": name, "path": kind.path, "profile": "tabular-data-resource",
                          "format": "csv", "encoding": "utf-8", "schema": schema})
    descriptor = {"name": "ledger-test", "version": version, "resources": resources}
    (root / "datapackage.json").write_text(json.dumps(descriptor, indent=1), encoding="utf-8")
    return root


def fmt(value: object) -> str:
    if isinstance(value, float) and value == int(value):
        return str(int(value))
    return str(value)


def read_csv_rows(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))
