"""Claim bounds and figures in words for readers (a fresh tester read "min 1" and
"0.430 of eu-ai-gigafactories (first_invoice) to nvidia, google")."""

from __future__ import annotations

import re

from moneytrail.analysis.claims import bound_text, load_claims


def test_every_shipped_bound_reads_as_words_with_its_unit():
    checks = [c for claim in load_claims() for c in claim.checks]
    texts = {(c.computation, c.min, c.max): bound_text(c) for c in checks}
    assert all(re.match(r"(at least|at most|must be) ", t) for t in texts.values()), texts
    assert texts[("ledger.deal_sector", 1.0, None)] == "must be true"
    assert texts[("trace.share", 0.5, None)] == "at least 50 %"
    assert texts[("ledger.ratio", None, 0.25)] == "at most 25 %"
    assert texts[("trace.jobs", 100000.0, None)] == "at least 100,000 FTE"
    assert texts[("export.members_exposed", 1.0, None)] == "at least 1 EU member"
    assert texts[("efficiency.compute_ratio", None, 0.25)] == "at most 0.25 (ratio)"
