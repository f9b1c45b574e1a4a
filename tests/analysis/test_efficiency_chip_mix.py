"""The budget per training run counts the plan's chip mix (a tester's finding): it counted all
the accelerator spending at the year's reference chip (the Nvidia GB200 for 2025), so a plan
buying AMD chips made the same compute as one buying Nvidia. Now each accelerator supplier's
spending is counted at its own chip's sourced price and throughput (analysis/accelerators.csv
`supplier`); a supplier with no chip in the data (Broadcom, Marvell, Intel) stays at the
reference chip, and the notes say so (docs/methods.md, 'Lifecycle and efficiency')."""

import numpy as np
import pytest
from analysis_plans import make_plan

import moneytrail as mt
from moneytrail.analysis.efficiency import efficiency, efficiency_draws
from moneytrail.analysis.hardware import accelerator_units
from moneytrail.analysis.purchases import plan_purchases


def bought_from(supplier: str):
    return make_plan(spend_years=1, procurement={"accelerators": {supplier: 1.0}})


def owned_units(model, data, plan):
    result = mt.trace(plan, model, keep_draws=True)
    return efficiency_draws(result, data)["compute_flop"], result


def table(data, supplier: str):
    rows = data["accelerators"]
    return rows[rows["supplier"] == supplier]


def test_amd_chips_count_at_the_mi300x_not_the_gb200(model, data):
    """The same money buys MI300X units at the MI300X's price and throughput: per EUR about
    (1,307 / 15,000) / (2,500 / 37,000) = 1.29 times the GB200's compute (central figures;
    the draws differ by the two chips' price intervals)."""
    amd, _ = owned_units(model, data, bought_from("amd"))
    nvidia, _ = owned_units(model, data, bought_from("nvidia"))
    mi300x, gb200 = table(data, "amd").iloc[0], table(data, "nvidia")
    gb200 = gb200[gb200["id"] == "gb200"].iloc[0]
    central = ((mi300x["bf16_tflops"] / mi300x["price_central"])
               / (gb200["bf16_tflops"] / gb200["price_central"]))
    assert central == pytest.approx(1.29, abs=0.01)
    ratio = float(np.median(amd) / np.median(nvidia))
    assert ratio == pytest.approx(central, rel=0.15)
    assert not np.allclose(amd, nvidia)


def test_an_all_nvidia_plan_counts_what_it_did(model, data):
    """Bought from Nvidia alone, the mix is the reference chip: the same compute as
    accelerator_units (the lifecycle's count) gives, draw for draw."""
    plan = bought_from("nvidia")
    result = mt.trace(plan, model, keep_draws=True)
    units, _ = accelerator_units(result, plan_purchases(result), data)
    mixed = efficiency_draws(result, data)
    owned = mixed["compute_flop"] - mixed["compute_flop_rented"]
    assert owned / units == pytest.approx(
        mixed["compute_flop"] / units, rel=1e-12)
    from moneytrail.analysis.hardware import chip_mix_units

    assert chip_mix_units(result, plan_purchases(result), data) == pytest.approx(units,
                                                                                 rel=1e-12)
    # a supplier without a chip of its own in the data counts at the reference chip too
    broadcom = efficiency_draws(mt.trace(make_plan(
        spend_years=1, buyer_region="US", procurement={"accelerators": {"broadcom": 1.0}}),
        model, keep_draws=True), data)["compute_flop"]
    nvidia_us = efficiency_draws(mt.trace(make_plan(
        spend_years=1, buyer_region="US", procurement={"accelerators": {"nvidia": 1.0}}),
        model, keep_draws=True), data)["compute_flop"]
    assert broadcom == pytest.approx(nvidia_us, rel=1e-12)


def test_the_market_mix_counts_more_units_than_all_gb200(model, data):
    """The EU market mix (AMD about 4 % of accelerators, its MI300X about 1.29 times the
    GB200's compute per euro) makes about 1 % more H100-equivalents than counting every
    chip as a GB200, so about 1 % fewer euros per training run."""
    from moneytrail.analysis.hardware import chip_mix_units

    result = mt.trace(make_plan(spend_years=1), model, keep_draws=True)
    purchases = plan_purchases(result)
    reference, _ = accelerator_units(result, purchases, data)
    ratio = float(np.median(chip_mix_units(result, purchases, data) / reference))
    assert 1.002 < ratio < 1.03


def test_the_note_names_the_mix_and_the_chips_the_data_lack(model, data):
    eu = efficiency(mt.trace(make_plan(spend_years=1), model, keep_draws=True), data)
    note = eu.attrs["note"]
    assert "Chip mix" in note and "Advanced Micro Devices" in note
    assert "as the AMD Instinct MI300X (its only chip in the data, not one of 2025)" in note
    assert "as the Nvidia GB200" in note
    assert "No chip of Intel in the data" in note
    us = efficiency(mt.trace(make_plan(spend_years=1, buyer_region="US"), model,
                             keep_draws=True), data)
    assert "No chip of Intel, Broadcom, Marvell in the data" in us.attrs["note"] or \
        all(name in us.attrs["note"] for name in ("Broadcom", "Marvell", "Intel"))
    assert "counted as the Nvidia GB200" in us.attrs["note"]
