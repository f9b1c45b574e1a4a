"""A plan's inputs in words, for the run page, the compare page and the briefing: the
suppliers a plan sets itself (its `procurement` shares), which of its figures are the user's
own (set in the plan builder: no source; the plan file labels them assumption, pages and
reports call them the plan's own inputs) and what differs between the plans of a
comparison. Plans are read as mappings (a run's `provenance.inputs["plan"]`)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from moneytrail.report.units import MISSING, counted, draws_text, finite, money, percent

# a share the user set in the plan builder (web.builder.own_row): no source, this label, and a
# note starting with USER_NOTE (scenarios.schema.is_user_input)
from moneytrail.scenarios.schema import USER_NOTE, USER_RELIABILITY, is_user_input  # noqa: F401

OWN_FIGURE = "your own figure"
# how a table's reliability column labels such a share: its own class, as the evidence weight
# counts it (engine.evidence.OWN, report.evidence.OWN_INPUT_WORDS), never "assumption" (the
# label the plan file stores for it)
OWN_FIGURE_LABEL = "your own figure (the plan's own input, not sourced)"
# beside an evidence weight: the plan's own inputs are their own class (engine.evidence.OWN),
# not in the share resting on assumption or weak rows
OWN_FIGURES_NOTE = "does not count your own figures, the plan's own inputs"
OWN_FIGURES_WHY = ("Shares typed in the plan builder are the plan's own inputs, set by whoever "
                   "built the plan; the tool does not source them: they are not counted as "
                   "assumption or weak rows (the run page gives the share resting on them).")

Namer = Callable[[str], str]


def item_of(value: Any) -> dict[str, Any]:
    """A share of a plan as a mapping ({'central': ...}): a bare number is its central."""
    if isinstance(value, Mapping):
        return dict(value)
    return {"central": value}


def is_own(item: Mapping[str, Any]) -> bool:
    """Whether a share (or the budget) is the user's own figure from the plan builder."""
    return is_user_input(item.get("source"), item.get("reliability"), item.get("note"))


def is_own_budget(budget: Any) -> bool:
    """Whether a plan's budget is the user's own (the builder drops its source and says so in
    its note; a budget has no reliability label)."""
    return isinstance(budget, Mapping) and not budget.get("source") \
        and str(budget.get("note") or "").startswith(USER_NOTE)


def bounds(item: Mapping[str, Any]) -> tuple[Any, Any, Any]:
    """(low, central, high) of a share; a missing end is the central value."""
    central = item.get("central")
    low = central if item.get("low") is None else item.get("low")
    high = central if item.get("high") is None else item.get("high")
    return low, central, high


def central_of(value: Any) -> float:
    central = item_of(value).get("central")
    return float(central) if isinstance(central, int | float) and finite(central) else 0.0


def share_text(item: Mapping[str, Any]) -> str:
    """'60.0 %' or '39.0 % (30.0 % to 46.0 %)'."""
    low, central, high = bounds(item)
    if low == central == high:
        return percent(central)
    return f"{percent(central)} ({percent(low)} to {percent(high)})"


def procurement_rows(plan: Mapping[str, Any] | None, category: Namer, supplier: Namer
                     ) -> list[dict[str, Any]]:
    """The suppliers a plan sets itself, one row per category and supplier (categories and
    the largest share first within a category): names, low/central/high share of the
    category, source, reliability, note and `own` (the user's own figure)."""
    stated = (plan or {}).get("procurement")
    rows = []
    for cat, shares in sorted((stated or {}).items() if isinstance(stated, Mapping) else []):
        if not isinstance(shares, Mapping):
            continue
        ordered = sorted(shares.items(),           # the largest share first, then by name
                         key=lambda kv: (-central_of(kv[1]), kv[0]))
        for firm, value in ordered:
            item = item_of(value)
            low, central, high = bounds(item)
            rows.append({"category": cat, "category_label": category(cat),
                         "supplier": firm, "supplier_label": supplier(firm),
                         "low": low, "central": central, "high": high,
                         "source": str(item.get("source") or ""),
                         "reliability": str(item.get("reliability") or ""),
                         "note": str(item.get("note") or ""), "own": is_own(item)})
    return rows


def procurement_parts(plan: Mapping[str, Any] | None, category: Namer, supplier: Namer
                      ) -> list[str]:
    """The plan's own supplier split in words, one item per category: ['accelerators: Nvidia
    60.0 %, AMD 40.0 % (your own figures, the plan's own inputs)', ...]; [] when it sets none."""
    rows = procurement_rows(plan, category, supplier)
    parts = []
    for cat in dict.fromkeys(r["category"] for r in rows):
        mine = [r for r in rows if r["category"] == cat]
        firms = ", ".join(f"{r['supplier_label']} {share_text(r)}" for r in mine)
        own = all(r["own"] for r in mine)
        parts.append(f"{mine[0]['category_label']}: {firms}"
                     + (" (your own figures, the plan's own inputs)" if own else ""))
    return parts


def procurement_text(plan: Mapping[str, Any] | None, category: Namer, supplier: Namer) -> str:
    """`procurement_parts` as one sentence part ('; ' between categories); '' when none."""
    return "; ".join(procurement_parts(plan, category, supplier))


def own_figures(plan: Mapping[str, Any] | None, category: Namer) -> list[str]:
    """The plan's shares that are the user's own figures, in words ('the share of
    accelerators', 'the suppliers of accelerators'): what the evidence weight counts as the
    plan's own inputs, not as assumption or weak rows, because the user set them."""
    plan = plan or {}
    spend = plan.get("spend")
    out = [f"the share of {category(cat)}"
           for cat, value in sorted((spend or {}).items() if isinstance(spend, Mapping) else [])
           if is_own(item_of(value))]
    stated = plan.get("procurement")
    for cat, shares in sorted((stated or {}).items() if isinstance(stated, Mapping) else []):
        if isinstance(shares, Mapping) and any(is_own(item_of(v)) for v in shares.values()):
            out.append(f"the suppliers of {category(cat)}")
    return out


def own_figures_note(plan: Mapping[str, Any] | None, category: Namer) -> str:
    """"does not count your own figures, the plan's own inputs: the suppliers of
    accelerators"; '' when the plan has none: said beside a plan's evidence weight, so a
    reader knows which of the plan's figures the share on assumption or weak rows leaves
    out (the user's own, which the tool does not source)."""
    mine = own_figures(plan, category)
    return f"{OWN_FIGURES_NOTE}: {', '.join(mine)}" if mine else ""


def budget_text(plan: Mapping[str, Any]) -> str:
    budget = plan.get("budget")
    item = budget if isinstance(budget, Mapping) else {}
    text = money(item.get("amount"), str(plan.get("currency") or ""))
    return f"{text}, {OWN_FIGURE}" if is_own_budget(item) else text


def budgets_differ_note(budgets: Sequence[tuple[Any, str]], where: str) -> str:
    """What a comparison says when its plans' budgets differ (`budgets`: per plan its amount
    and currency): totals grow with the budget, so compare shares and figures per million;
    `where` says where each total's figure per million of budget is shown. '' when the
    budgets are alike (one currency, amounts within rounding noise)."""
    from moneytrail.report.units import difference_value

    if len({currency for _, currency in budgets}) == 1 and all(
            difference_value(budgets[0][0], amount, currency) == 0
            for amount, currency in budgets[1:]):
        return ""
    amounts = " vs ".join(money(amount, currency) for amount, currency in budgets)
    return (f"The plans' budgets differ ({amounts}): totals such as jobs and CO2 grow with "
            "the budget, so part of a total's difference comes from the budget alone. Compare "
            f"the shares, the figures per million spent and each total per million of budget "
            f"({where}).")


def withheld_difference_reason(price_years: Sequence[Any]) -> str:
    """Why a comparison of two plans leaves the difference of their money (amounts, figures
    per million) out: '... the plans' money is at different price years (2020, 2025)'; ''
    when the plans share a price year. Plans in different currencies are compared in EUR
    (each converted at its plan's price year, service.tasks.common_unit_note), so their
    money is subtracted in EUR: a currency is no reason to leave it out. The compare page's
    `difference_reason` (its JSON and CSV) and the comparison briefing's difference column
    say it alike."""
    if len({str(year) for year in price_years}) > 1:
        return ("not subtracted: the plans' money is at different price years "
                f"({', '.join(str(year) for year in price_years)})")
    return ""


def conditions_key(plan: Mapping[str, Any]) -> list[Any]:
    stated = plan.get("conditions")
    return list(stated) if isinstance(stated, list) else []


def plan_labels(count: int) -> list[str]:
    """The short names of a comparison's plans, in the order listed ('Plan 1', 'Plan 2'):
    what the compare page's cards and the lists of what differs call each plan, under a key
    that gives its title (a sentence naming both full titles ran over two lines)."""
    return [f"Plan {k + 1}" for k in range(count)]


def input_differences(plans: Sequence[Mapping[str, Any]], titles: list[str],
                      runs: Sequence[tuple[int | None, int | None]], category: Namer,
                      supplier: Namer, *, labels: Sequence[str] | None = None
                      ) -> tuple[list[str], list[str]]:
    """What differs between the plans of a comparison, in words: (one sentence per input
    that differs, the inputs that are the same in all). Inputs: budget, spending shares,
    suppliers (procurement), conditions, draws and seed (`runs`: per plan its run's draws
    and seed), and year, currency, buyer region and years of spending. Each plan is named by
    its quoted title, or by `labels` as they are (plan_labels: 'Plan 1', which a key above
    the list spells out, on the compare page and in the comparison briefing).
    `compared_inputs` and `named_differences` in one."""
    found, same = compared_inputs(plans, runs, category, supplier)
    return named_differences(found, titles, labels=labels), same


def named_differences(found: list[tuple[str, list[str]]], titles: Sequence[str], *,
                      labels: Sequence[str] | None = None) -> list[str]:
    """The differences `compared_inputs` found as sentences, each plan named by its quoted
    title or by `labels` as they are: 'Budget: EUR 20 bn in “A”; EUR 10 bn in “B”.'"""
    named = list(labels) if labels is not None else [f"\u201c{t}\u201d" for t in titles]
    return [head + "; ".join(f"{text} in {name}"
                             for text, name in zip(texts, named, strict=True)) + "."
            for head, texts in found]


def compared_inputs(plans: Sequence[Mapping[str, Any]],
                    runs: Sequence[tuple[int | None, int | None]], category: Namer,
                    supplier: Namer) -> tuple[list[tuple[str, list[str]]], list[str]]:
    """What differs between the plans of a comparison (input_differences), before the plans
    are named: (per input that differs, its head ('Budget: ') and its text per plan; the
    inputs that are the same in all)."""
    differ: list[tuple[str, list[str]]] = []
    same: list[str] = []

    budgets = [(p.get("currency"), item_of(p.get("budget")).get("amount")) for p in plans]
    if len(set(budgets)) > 1:
        differ.append(("Budget: ", [budget_text(p) for p in plans]))
    else:
        same.append("budget")
    spends = [{c: bounds(item_of(v)) for c, v in (p.get("spend") or {}).items()}
              for p in plans]
    cats = sorted({c for s in spends for c in s})
    changed = [c for c in cats if len({s.get(c) for s in spends}) > 1]
    if changed:
        for cat in changed:
            texts = [share_text(item_of(p["spend"][cat])) if cat in (p.get("spend") or {})
                     else "not bought" for p in plans]
            differ.append((f"Share of the budget for {category(cat)}: ", texts))
    else:
        same.append("spending shares")
    procs = [procurement_text(p, category, supplier) for p in plans]
    if len(set(procs)) > 1:
        differ.append(("Suppliers set by the plan: ",
                       [t or "none (the buyer region's market shares)" for t in procs]))
    else:
        same.append("suppliers" if procs[0] else
                    "suppliers (none set: the buyer region's market shares)")
    conditions = [conditions_key(p) for p in plans]
    if any(c != conditions[0] for c in conditions):
        differ.append(("Conditions: ", [counted(len(c), "condition")
                                        if c else "none" for c in conditions]))
    else:
        same.append("conditions")
    others = [("year", "year"), ("currency", "currency"), ("buyer_region", "buyer region"),
              ("horizon_years", "horizon (years of use)"),
              ("spend_years", "years of spending"), ("site_country", "site country"),
              ("renewable_share", "renewable share of electricity"),
              ("as_of", "as-of date (export rules)")]
    for key, words in others:
        values = [p.get(key) for p in plans]
        if len({str(v) for v in values}) > 1:
            differ.append((f"{words[:1].upper()}{words[1:]}: ",
                           [MISSING if v is None else share_text(item_of(v))
                            if isinstance(v, Mapping) else str(v) for v in values]))
    if len(set(runs)) > 1:
        differ.append(("Draws and seed: ", [f"{draws_text(d, 'draw')}, seed {s}" for d, s in runs]))
    else:
        same.append("draws and seed")
    return differ, same
