"""Data 2.6.6: the World Bank GDP source names the World Bank series first and the GitHub
copy it is read in second; its label, figures and primary reference are unchanged."""

from __future__ import annotations

from moneytrail.data.package import open_package
from moneytrail.data.sourcing import all_sources, sourcing_problems


def test_the_package_is_2_6_6_and_its_sourcing_rules_pass():
    package = open_package()
    assert package.version == "2.6.6"
    assert sourcing_problems(package) == []


def test_gdp_source_names_the_series_then_the_copy():
    gdp = all_sources(open_package()).set_index("id").loc["x_wb_gdp_2024"]
    publisher = str(gdp["publisher"])
    assert publisher.startswith("World Bank (WDI)")
    assert publisher.endswith("in a GitHub copy (Famimot/AMIS_Normalization_Tool)")
    assert gdp["reliability"] == "estimate"          # still read in a copy, not at the Bank
    assert "NY.GDP.MKTP.CD" in str(gdp["primary_ref"])
    assert "github.com/Famimot/AMIS_Normalization_Tool" in str(gdp["url"])
