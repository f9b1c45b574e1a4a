"""The capital rows of the European clouds (issue 15): golden checks against the published
figures they were read from, the consistency of their ratios, and the split they make possible
(the efficiency-first plan's rent share is no longer computed without its EU clouds, and the
output names the firms still left unsplit)."""

from __future__ import annotations

import numpy as np
import pytest

import moneytrail as mt
from moneytrail.analysis.market_power import capital_table, split_rents, unsplit_firms

FX_2024 = 1.08238          # ECB 2024 mean, USD per EUR (macro/fx.csv)
EU_CLOUDS = ("ovhcloud", "ionos", "deutsche_telekom", "scaleway")
EFFICIENCY = "efficiency-first-eu"


@pytest.fixture(scope="module")
def capital(data):
    table = capital_table(data)
    return table[table["year"] == 2024].set_index(["entity", "measure"])


def test_telekom_rows_reproduce_its_published_roce(capital, data):
    """Deutsche Telekom's 2024 ROCE table: NOPAT 21,421 = NOP 28,811 x (1 - 25.7 %) on
    average net operating assets of EUR 253,122 M gives the published ROCE of 8.5 %."""
    assert float(data.convert(1.0, "EUR", "USD", 2024)) == pytest.approx(FX_2024, abs=1e-5)
    noa = capital.loc[("deutsche_telekom", "invested_capital")]
    assert noa["central"] / FX_2024 == pytest.approx(253_122, abs=1)
    assert (noa["low"] / FX_2024, noa["high"] / FX_2024) == pytest.approx((245_520, 265_516),
                                                                            abs=1)
    tax = capital.loc[("deutsche_telekom", "income_tax_rate"), "central"]
    assert 28_811 * (1 - tax) == pytest.approx(21_421, abs=10)
    assert round(100 * 28_811 * (1 - tax) / 253_122, 1) == 8.5
    ebit = capital.loc[("deutsche_telekom", "operating_income"), "central"]
    assert ebit / FX_2024 == pytest.approx(26_277, abs=1)


def test_ovhcloud_and_ionos_rows_are_hand_computed(capital):
    # OVHcloud fiscal 2024 (EUR M): net debt 973.8 + equity 1,172 / 2.98 = 1,367.1 on revenue
    # 993.05; EBIT 5.8 (H1) + 19.9 (H2) = 25.7
    ovh = capital.loc["ovhcloud"]
    assert ovh.loc["invested_capital_per_revenue", "central"] == pytest.approx(
        (973.783 + 1_172 / 2.98) / 993.05, abs=1e-4)
    assert ovh.loc["operating_income", "central"] / FX_2024 == pytest.approx(25.7, abs=0.05)
    # IONOS 2024 (EUR M): equity 3,042 / 19.16 = 158.8, debt 6.84 x 158.8 = 1,086.0,
    # 1,244.8 / 1,560 = 0.798; tax 74.14 / 243.81 = 30.4 %
    ionos = capital.loc["ionos"]
    equity = 3_042 / 19.16
    assert ionos.loc["invested_capital_per_revenue", "central"] == pytest.approx(
        equity * 7.84 / 1_560, abs=1e-4)
    assert ionos.loc["income_tax_rate", "central"] == pytest.approx(0.3041, abs=1e-4)
    for firm in ("ovhcloud", "ionos"):        # ratio x revenue = invested capital (USD)
        rows = capital.loc[firm]
        assert rows.loc["invested_capital", "central"] == pytest.approx(
            rows.loc["invested_capital_per_revenue", "central"]
            * rows.loc["revenue", "central"], rel=2e-3)


def test_every_new_row_is_sourced_and_scaleway_is_labelled_a_proxy(capital):
    for firm in EU_CLOUDS:
        row = capital.loc[(firm, "invested_capital_per_revenue")]
        assert row["low"] <= row["central"] <= row["high"] and row["sources"] and row["note"]
    scaleway = capital.loc[("scaleway", "invested_capital_per_revenue")]
    assert scaleway["reliability"] == "assumption"
    assert scaleway["central"] == capital.loc[("ovhcloud", "invested_capital_per_revenue"),
                                              "central"]


def test_the_efficiency_plan_splits_its_eu_clouds_and_names_what_is_left(reference, data):
    split = split_rents(reference[EFFICIENCY], data)
    for firm in EU_CLOUDS:
        assert split.basis.loc[firm, "method"] == "wacc x invested capital per revenue"
    left = unsplit_firms(split)
    assert not set(EU_CLOUDS) & set(left.index)
    assert {"mistral_ai", "nebius", "sap"} <= set(left.index)     # no balance sheet read
    assert 0 < left["share_of_capital"].sum() < 0.1
    share = split.share()
    assert np.nanmedian(share) > 0.03 and np.all(np.isfinite(share))


def test_analyse_names_the_unsplit_firms_in_its_note(tmp_path):
    import json
    import subprocess
    import sys

    path = next(p for p in mt.reference_scenarios() if p.stem == EFFICIENCY)
    out = subprocess.run([sys.executable, "-m", "moneytrail.cli", "analyse", str(path), "--what",
                          "market_power", "--draws", "100", "--format", "json"],
                         capture_output=True, text=True, timeout=900)
    assert out.returncode == 0, out.stderr
    note = json.loads(out.stdout)["tables"]["market_power"]["note"]
    assert "Not split for lack of data" in note and "Mistral AI" in note   # by name
    assert "mistral_ai" not in note
    assert "OVHcloud" not in note and "lower bound" in note
