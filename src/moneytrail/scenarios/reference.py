"""The reference plans shipped with moneytrail."""

from __future__ import annotations

import math
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

ORDER = ("stargate-style-us", "eu-ai-gigafactories", "efficiency-first-eu")


def reference_dir() -> Path:
    return Path(str(resources.files("moneytrail") / "scenarios" / "reference"))


def reference_scenarios() -> list[Path]:
    """Paths of the bundled reference scenario files, in presentation order."""
    paths = {p.stem: p for p in reference_dir().glob("*.yaml")}
    return [paths[k] for k in ORDER if k in paths] + sorted(
        p for k, p in paths.items() if k not in ORDER)


def words(text: Any) -> str:
    """A text with its runs of white space as one space (YAML folds a description's lines)."""
    return " ".join(str(text or "").split())


@lru_cache(maxsize=1)
def reference_texts() -> tuple[dict[str, Any], ...]:
    """Each reference plan's id, title, description (white space folded), budget amount and
    currency, as its YAML file writes them."""
    from moneytrail.errors import ScenarioError
    from moneytrail.scenarios import yamlio

    out = []
    for path in reference_scenarios():
        data = yamlio.read_yaml(path, ScenarioError, what="scenario file")
        budget = data.get("budget")
        amount = budget.get("amount") if isinstance(budget, dict) else budget
        out.append({"id": str(data.get("id")), "title": words(data.get("title")),
                    "description": words(data.get("description")), "amount": amount,
                    "currency": str(data.get("currency") or "")})
    return tuple(out)


def inherited_text(title: Any, description: Any, amount: Any, currency: Any
                   ) -> dict[str, Any] | None:
    """The reference plan whose title or description a plan still carries unchanged while
    its budget (amount or currency) is another: that reference's `id`, `title`, `amount`,
    `currency` and `fields` (the carried ones, 'title' and/or 'description'); None when the
    plan carries no reference plan's text or keeps that plan's budget. The builder starts a
    draft from a reference plan's text; a text written for EUR 20 bn misdescribes EUR 10 bn,
    so the builder, the run page and the briefing say where the text came from."""
    for ref in reference_texts():
        fields = [name for name, given in (("title", title), ("description", description))
                  if ref[name] and words(given) == ref[name]]
        if not fields:
            continue
        same = isinstance(amount, int | float) and isinstance(ref["amount"], int | float) \
            and math.isclose(float(amount), float(ref["amount"]), rel_tol=1e-9) \
            and str(currency or "") == ref["currency"]
        return None if same else {**ref, "fields": fields}
    return None
