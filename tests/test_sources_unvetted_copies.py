"""Sources read on junk hosts (h217, data 2.6.1): a journalist found cited sources linking to
junk mirror sites (a Statista copy on a random tsgdht.cn subdomain, a scraper copy on
vuink.com, an FT article on a cryptocurrency site). Such an address is never a link; pages
show it as text with the primary document, so a source on a `junk` domain must name that
document in `primary_ref` (`validate` says so, one error naming file, line and field)."""

from __future__ import annotations

import shutil
from pathlib import Path

from moneytrail.data.package import open_package
from moneytrail.data.sourcing import (
    flagged_domains,
    shown_link,
    source_flags,
    sourcing_problems,
    unvetted_copy_problems,
)

MARKETS = "valuechain/sources_markets.csv"


def package_copy(tmp_path: Path) -> Path:
    bundled = Path(open_package().root)
    target = tmp_path / "package"
    shutil.copytree(bundled, target)
    return target


def test_a_source_on_a_junk_host_without_primary_ref_is_one_error_naming_file_line_field(
        tmp_path):
    root = package_copy(tmp_path)
    path = root / MARKETS
    raw = path.read_bytes()
    lines = raw.split(b"\r\n")
    index = next(i for i, line in enumerate(lines) if line.startswith(b"m_intel_gaudi_2024,"))
    ref = (b"Intel Corp., third-quarter 2024 earnings call (2024-10-31), prepared remarks of "
           b"the CEO on Gaudi revenue for 2024")
    assert ref in lines[index]
    lines[index] = lines[index].replace(ref, b"")
    path.write_bytes(b"\r\n".join(lines))

    problems = [p for p in sourcing_problems(open_package(root))
                if "junk domain" in p.message and p.field == "primary_ref"]
    assert len(problems) == 1
    found = problems[0]
    assert Path(found.file).as_posix().endswith(MARKETS)
    assert found.line == index + 1            # the header is line 1
    assert found.field == "primary_ref"
    assert "m_intel_gaudi_2024" in found.message and "vuink.com" in found.message


def test_every_source_of_the_bundled_package_on_a_junk_host_names_its_primary():
    package = open_package()
    assert unvetted_copy_problems(package) == []
    flags = source_flags(package)
    junk = set(flags.loc[flags["flag"] == "junk", "id"])
    assert {"s_eia_retail_revenue_2024", "m_intel_gaudi_2024", "m_ft_eu_electricals_2025",
            "l_msft_fy26_flatquarters_copy"} <= junk


def test_the_reported_hosts_are_listed_as_junk():
    flagged = flagged_domains(open_package())
    for host in ("tsgdht.cn", "vuink.com", "tadycrypto.com", "gokawiil.com"):
        assert flagged[host] == "junk"


def test_a_junk_address_is_text_and_a_code_host_copy_a_labelled_link():
    flagged = flagged_domains(open_package())
    junk = shown_link("https://w55e78q8w78qejyz-s-a2157.bj.tsgdht.cn/statistics/190548/x",
                      flagged)
    assert junk == {"linked": "", "kind": "junk", "domain": "tsgdht.cn",
                    "label": "copy on an unvetted site"}
    extraction = shown_link("https://github.com/imanzaf/esg-data-retrieval/blob/x/y.json",
                            flagged)
    assert extraction["linked"] == "yes" and extraction["kind"] == "code_host"
    assert extraction["label"] == "repository copy or machine extraction"
    assert shown_link("https://www.eia.gov/electricity/annual/", flagged) == {
        "linked": "yes", "kind": "", "domain": "", "label": ""}
    assert shown_link("", flagged)["linked"] == ""
