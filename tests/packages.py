"""Write small data packages for tests, in the bundled package's format."""

from __future__ import annotations

import csv
import json
import shutil
from collections.abc import Iterator
from pathlib import Path

from moneytrail.data.package import bundled_path

VALUECHAIN = {
    "valuechain-sources-test": ("valuechain/sources_test.csv", "sources"),
    "valuechain-countries": ("valuechain/countries.csv", "countries"),
    "valuechain-entities": ("valuechain/entities.csv", "entities"),
    "valuechain-categories": ("valuechain/categories.csv", "categories"),
    "valuechain-markets": ("valuechain/markets.csv", "markets"),
    "valuechain-cost-structures": ("valuechain/cost_structures.csv", "cost_structures"),
}
HEADERS = {
    "sources": ["id", "publisher", "title", "url", "published", "accessed", "reliability",
                "note", "primary_ref", "title_lang"],
    "countries": ["code", "name", "eu_member", "note"],
    "entities": ["id", "name", "kind", "owner_country", "groups", "description", "sources",
                 "note"],
    "categories": ["id", "name", "description"],
    "markets": ["category", "buyer_region", "year", "supplier", "low", "central", "high",
                "sources", "reliability", "note"],
    "cost_structures": ["entity", "year", "kind", "counterpart", "low", "central", "high",
                        "sources", "reliability", "note"],
}


def write_csv(path: Path, header: list[str], rows: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=header)
        writer.writeheader()
        for row in rows:
            writer.writerow({k: row.get(k, "") for k in header})


def write_package(root: Path, tables: dict[str, list[dict]], version: str = "test") -> Path:
    root.mkdir(parents=True, exist_ok=True)
    shutil.copytree(bundled_path() / "schemas", root / "schemas", dirs_exist_ok=True)
    resources = []
    for name, (path, kind) in VALUECHAIN.items():
        write_csv(root / path, HEADERS[kind], tables.get(kind, []))
        resources.append({"name": name, "path": path, "profile": "tabular-data-resource",
                          "schema": f"schemas/{kind}.json"})
    descriptor = {"name": "test-package", "version": version, "resources": resources}
    (root / "datapackage.json").write_text(json.dumps(descriptor, indent=1))
    return root


SRC = {"sources": "mb", "reliability": "official"}


def miller_blair_tables(*, spread: float = 0.0) -> dict[str, list[dict]]:
    """Miller & Blair (2009, section 2.3) two-sector economy as a data package.

    A = [[0.15, 0.25], [0.20, 0.05]]; value added 0.65 and 0.70 of output, split here into
    labour / capital / tax for the attribution tests. `spread` widens every interval.
    """
    def row(**kw):
        c = kw.pop("central")
        return {**SRC, **kw, "low": max(0.0, c - spread), "central": c,
                "high": min(1.0, c + spread)}

    costs = []
    for year in (2024, 2025):
        costs += [
            row(entity="agriculture", year=year, kind="input", counterpart="agriculture",
                central=0.15),
            row(entity="agriculture", year=year, kind="input", counterpart="manufacturing",
                central=0.20),
            row(entity="agriculture", year=year, kind="labour", counterpart="DE", central=0.40),
            row(entity="agriculture", year=year, kind="capital", counterpart="DE",
                central=0.20),
            row(entity="agriculture", year=year, kind="tax", counterpart="DE", central=0.05),
            row(entity="manufacturing", year=year, kind="input", counterpart="agriculture",
                central=0.25),
            row(entity="manufacturing", year=year, kind="input", counterpart="manufacturing",
                central=0.05),
            row(entity="manufacturing", year=year, kind="labour", counterpart="US",
                central=0.30),
            row(entity="manufacturing", year=year, kind="capital", counterpart="US",
                central=0.30),
            row(entity="manufacturing", year=year, kind="tax", counterpart="US", central=0.10),
        ]
    markets = []
    for year in (2024, 2025):
        for region in ("EU", "US"):
            markets += [
                row(category="food", buyer_region=region, year=year, supplier="agriculture",
                    central=1.0),
                row(category="goods", buyer_region=region, year=year, supplier="manufacturing",
                    central=1.0),
            ]
    return {
        "sources": [{"id": "mb", "publisher": "Cambridge University Press",
                     "title": "Miller and Blair, Input-Output Analysis, 2nd ed., section 2.3",
                     "url": "https://doi.org/10.1017/CBO9780511626982", "published": "2009",
                     "accessed": "2026-11-26", "reliability": "official",
                     "primary_ref": "Miller and Blair (2009), section 2.3"}],
        "countries": [{"code": "DE", "name": "Germany", "eu_member": "true"},
                      {"code": "US", "name": "United States", "eu_member": "false"}],
        "entities": [{"id": "agriculture", "name": "Agriculture", "kind": "sector",
                      "owner_country": "DE", "groups": "primary"},
                     {"id": "manufacturing", "name": "Manufacturing", "kind": "firm",
                      "owner_country": "US", "groups": "industry;us_big_tech"}],
        "categories": [{"id": "food", "name": "Food", "description": "farm output"},
                       {"id": "goods", "name": "Goods", "description": "manufactures"}],
        "markets": markets,
        "cost_structures": costs,
    }


def miller_blair_plan(**overrides) -> dict:
    plan = {"id": "mb", "title": "Miller-Blair demand", "year": 2025, "currency": "EUR",
            "buyer_region": "EU", "budget": {"amount": 2050.0},
            "spend": {"food": 600 / 2050, "goods": 1450 / 2050}, "draws": 200, "seed": 3}
    plan.update(overrides)
    return plan


def fresh_postgres(base: str, prefix: str = "mt_test") -> Iterator[str]:
    """A URL of the PostgreSQL at `base` on a new, empty schema, dropped afterwards. Use with
    `yield from` in a fixture."""
    from moneytrail.ledger.connection import scratch_schema

    with scratch_schema(base, prefix) as url:
        yield url
