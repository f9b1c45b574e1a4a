"""House style for firm names: moneytrail writes each firm one way wherever it names it itself.

The rule (docs/data-format.md, "Names of firms"): entity names in `entities.csv` are the display
names, and every label, headline group, note, template and document of moneytrail spells a firm
as its display name does (Nvidia, as the press writes it, not NVIDIA). Citations keep the
spelling of what they cite: a source's `title` (the published headline), `url` and
`primary_ref` (the issuer's legal name, "NVIDIA Corp., Form 10-K ...", wherever it is written)
are not checked. Ids are lower case (`nvidia`) and not checked either.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "moneytrail" / "data" / "package"
CITATIONS = {"title", "url", "primary_ref"}


def display_names() -> dict[str, str]:
    with (PACKAGE / "valuechain" / "entities.csv").open(encoding="utf-8", newline="") as f:
        return {row["id"]: row["name"] for row in csv.DictReader(f)}


def own_texts() -> list[tuple[str, str]]:
    """(where, text) for every piece of text moneytrail writes itself."""
    out = []
    for path in sorted(PACKAGE.rglob("*.csv")):
        with path.open(encoding="utf-8", newline="") as f:
            for line, row in enumerate(csv.DictReader(f), start=2):
                for column, cell in row.items():
                    if column not in CITATIONS and cell:
                        out.append((f"{path.relative_to(ROOT)}:{line} {column}", cell))
    for pattern in ("src/moneytrail/**/*.py", "src/moneytrail/**/*.html", "src/moneytrail/**/*.js",
                    "src/moneytrail/**/*.yaml", "scenarios/*.yaml", "docs/*.md", "README.md"):
        for path in sorted(ROOT.glob(pattern)):
            for line, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                out.append((f"{path.relative_to(ROOT)}:{line}", text))
    return out


def spellings(name: str, texts: list[tuple[str, str]]) -> dict[str, list[str]]:
    """Every other capitalisation of `name` written as a word in `texts`, with where."""
    # a legal name ("NVIDIA Corp.") cites the issuer as it registered itself, and a spelling
    # in backticks is mentioned, not used (as in the style rule): neither is checked
    word = re.compile(r"(?<![\w/.`-])" + re.escape(name) + r"(?![\w/-]| Corp)", re.IGNORECASE)
    found: dict[str, list[str]] = {}
    for where, text in texts:
        for match in word.finditer(text):
            written = match.group(0)
            if written != name and written != written.lower():      # ids are lower case
                found.setdefault(written, []).append(where)
    return found


def test_every_firm_is_written_as_its_display_name():
    texts = own_texts()
    assert len(texts) > 10_000                                     # the scan reads the repo
    names = {n for n in display_names().values() if len(n) >= 3 and n != n.lower()}
    wrong = {name: spellings(name, texts) for name in sorted(names)}
    wrong = {name: found for name, found in wrong.items() if found}
    assert wrong == {}, {name: {w: places[:3] for w, places in found.items()}
                         for name, found in wrong.items()}


def test_headline_groups_and_group_labels_use_the_display_name():
    from moneytrail.engine.dimensions import HEADLINES
    from moneytrail.groups import group_titles

    nvidia = display_names()["nvidia"]
    assert nvidia == "Nvidia"                                      # the house style
    assert nvidia in [label for label, _ in HEADLINES]
    assert nvidia in group_titles()["us_tech_giants"]


@pytest.mark.parametrize("written", ["NVIDIA", "nVidia"])
def test_the_check_would_catch_another_spelling(written):
    found = spellings("Nvidia", [("a label", f"US tech giants (incl. {written})"),
                                 ("an id", "nvidia,2024,revenue"),
                                 ("a url", "https://example.org/nvidia-results"),
                                 ("a legal name", "NVIDIA Corp., Form 10-K"),
                                 ("a mention", "the firm styles itself `NVIDIA`")])
    assert found == {written: ["a label"]}
