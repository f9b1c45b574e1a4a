"""The bundled data package's notes read in plain words: no note, publisher or claim text a
reader meets (on the source, deal and claims pages, in the run page's claims and in the
briefing's Sources list and "Read as") names a field or file of the package the way code does.
Data 2.5.5 says these in words in the data itself; the pages and the briefing show the notes as
stored (report.glossary no longer rewrites them on the way out)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import yaml

from moneytrail.analysis.claims_schema import default_claims_path
from moneytrail.data.package import open_package

# phrases that naming the package's fields and files in notes took up to data 2.5.4, each of
# which the pages and the briefing once rewrote into words
CODE_PHRASES = (
    "(analysis.jobs: ",
    "(it sets no spend_years, so its five-year horizon_years, the period",
    "(analysis/claims.yaml, check with spend_years: 1)",
    "(analysis/claims.yaml, the case spending the tranche over four years)",
    "valuechain/satellites.csv",
    "(via macro/fx.csv)",
    "(the plan's spend_years, else its horizon_years)",
    "can set spend_years (1 to 30",
)


def texts(value: Any, where: str) -> Iterator[tuple[str, str]]:
    """Every string in a YAML value, with where it is."""
    if isinstance(value, str):
        yield where, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from texts(item, f"{where}.{key}")
    elif isinstance(value, list):
        for number, item in enumerate(value):
            yield from texts(item, f"{where}[{number}]")


def package_texts() -> Iterator[tuple[str, str]]:
    """Every text cell of the bundled package's tables (sources, assumptions, deals, ...) and
    every text of its claims file (notes, checks' cases and descriptions)."""
    package = open_package()
    for name in package.resource_names():
        table = package.table(name)
        for column in table.columns:
            for row, cell in zip(table.get("id", table.index), table[column], strict=True):
                yield f"{name}:{row}.{column}", str(cell)
    claims = yaml.safe_load(default_claims_path().read_text(encoding="utf-8"))
    yield from texts(claims, "claims.yaml")


def test_the_package_notes_name_no_fields_or_files_as_code():
    found = [(where, phrase) for where, text in package_texts()
             for phrase in CODE_PHRASES if phrase in text]
    assert found == []


def test_the_walk_reaches_the_notes_readers_see():
    seen = dict(package_texts())
    assert seen["analysis-sources:a_ecb_fx.publisher"].startswith("European Central Bank")
    assert "four years" in seen["analysis-sources:a_assumption_stargate_tranche_four_years.note"]
    assert any(where.startswith("claims.yaml") and where.endswith(".note")
               and text.startswith("Jobs at one time") for where, text in seen.items())
