"""The price per H100-equivalent behind a plan's count of accelerators (the lifecycle table's
'Accelerators owned'), read from the same rows analysis.hardware.accelerator_units uses: the
year's reference chip in analysis/accelerators.csv (its price low / central / high, currency,
sources and reliability) and its dense BF16 throughput against the H100's. The price per
H100-equivalent is derived, not one datum: chip price x H100 TFLOP/s / chip TFLOP/s."""

from __future__ import annotations

from typing import Any

from moneytrail.errors import MoneytrailError


def h100e_price(data: Any, year: int, currency: str, price_year: int | None = None
                ) -> dict[str, Any] | None:
    """The price per H100-equivalent a plan of `year` in `currency` (at `price_year`, the
    plan year when None) is counted at: the chip's name, price (low / central / high) and
    currency, its TFLOP/s and the H100's, the derived price per H100-equivalent
    (`per_unit_low` / `per_unit` / `per_unit_high`, in the chip's currency), that price in the
    plan's money (`per_unit_plan`, None when the rate is missing or the currency is the
    chip's), the sources of both rows (chip first) and the chip row's reliability. None when
    the data have no reference chip for the year."""
    from moneytrail.analysis.hardware import (
        REFERENCE_CHIP,
        reference_accelerator,
        reference_chip,
    )

    try:
        chip, h100 = reference_accelerator(data, year), reference_chip(data)
    except (MoneytrailError, KeyError):
        return None
    ratio = float(h100["bf16_tflops"]) / float(chip["bf16_tflops"])
    prices = [float(chip[f"price_{k}"]) for k in ("low", "central", "high")]
    chip_currency = str(chip["currency"])
    per_plan = None
    if currency != chip_currency:
        try:   # what one unit of the plan's money buys in the chip's currency (as the count)
            factor = float(data.money.factor(currency, price_year or year, chip_currency, year))
            per_plan = prices[1] * ratio / factor if factor > 0 else None
        except MoneytrailError:
            per_plan = None
    sources = list(dict.fromkeys(s.strip() for row in (chip, h100)
                                 for s in str(row["sources"] or "").split(";") if s.strip()))
    return {"chip": str(chip["name"]), "chip_id": str(chip["id"]), "currency": chip_currency,
            "price_low": prices[0], "price": prices[1], "price_high": prices[2],
            "chip_tflops": float(chip["bf16_tflops"]), "h100_tflops": float(h100["bf16_tflops"]),
            "same_chip": str(chip["id"]) == REFERENCE_CHIP,
            "per_unit_low": prices[0] * ratio, "per_unit": prices[1] * ratio,
            "per_unit_high": prices[2] * ratio, "per_unit_plan": per_plan,
            "plan_currency": currency, "sources": sources,
            "reliability": str(chip["reliability"] or "")}


def h100e_price_text(info: dict[str, Any]) -> str:
    """The price per H100-equivalent in words, its sources as ids (a page links them, the
    briefing names them): 'Counted at about USD 14,637 per H100-equivalent (11,868 to 18,750;
    about EUR 13,5xx): ...'."""
    cur = info["currency"]
    head = (f"Counted at about {cur} {info['per_unit']:,.0f} per H100-equivalent "
            f"({info['per_unit_low']:,.0f} to {info['per_unit_high']:,.0f}")
    if info.get("per_unit_plan") is not None:
        head += f"; about {info['plan_currency']} {info['per_unit_plan']:,.0f} central"
    head += "), the accelerator spending divided by this price"
    if info["same_chip"]:
        how = (f": the {info['chip']} price, {cur} {info['price']:,.0f} central "
               f"({info['price_low']:,.0f} to {info['price_high']:,.0f})")
    else:
        how = (f": derived from the {info['chip']} price, {cur} {info['price']:,.0f} central "
               f"({info['price_low']:,.0f} to {info['price_high']:,.0f}), times "
               f"{info['h100_tflops']:,.0f} / {info['chip_tflops']:,.0f} (H100 / "
               f"{info['chip_id'].upper()} dense BF16 TFLOP/s), as one such chip counts "
               f"{info['chip_tflops'] / info['h100_tflops']:.2f} H100-equivalents")
    plan_money = (f"; the plan's {info['plan_currency']} are converted to {cur} at the "
                  "exchange rate the run uses" if info.get("per_unit_plan") is not None else "")
    return (f"{head}{how}{plan_money} (the table of accelerators, reliability "
            f"{info['reliability'] or 'not given'}).")


def run_h100e_price(ws: Any, plan: Any) -> dict[str, Any] | None:
    """h100e_price for a run's plan (a Plan, or its mapping: service.tasks.run_plan_inputs)
    on the workspace's analysis tables, with its `text` (h100e_price_text); None without
    analysis tables, a plan, or a reference chip for its year."""
    fields = plan if isinstance(plan, dict) else getattr(plan, "__dict__", {})
    if fields.get("year") is None or not fields.get("currency"):
        return None
    try:
        data = ws.analysis
        info = h100e_price(data, int(fields["year"]), str(fields["currency"]),
                           fields.get("price_year"))
    except MoneytrailError:
        return None
    return None if info is None else {**info, "text": h100e_price_text(info)}
