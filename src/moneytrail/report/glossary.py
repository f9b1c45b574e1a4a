"""Words of the run page and the briefing that readers outside economics may not know, each in
plain words, with the section of the methods (docs/methods.md) that says more. One list for the
web app and the briefing, so both explain a term alike."""

from __future__ import annotations

import re

# an id in a data note ('l_stargate_2025_01_center', 'cloud_compute'): words joined by '_'; the
# web pages (web.state.note_parts) and the briefing (briefing.content.note_words) show a known
# one by its name, a source by its title
NOTE_ID = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")

# (term, explanation, heading of the methods section that says more)
GLOSSARY: list[tuple[str, str, str]] = [
    ("HHI (Herfindahl\u2013Hirschman index)",
     "How concentrated a market is: the sum of the squares of the firms' market shares in "
     "percent, from near 0 (many small firms) to 10,000 (a single firm). The scorecard's HHI "
     "change is the largest rise or fall the plan's purchases make to this index among the "
     "markets it buys in (AI accelerators, networking, ...), in points, with the market it is "
     "in named beside it: a positive change means that market becomes more concentrated; a "
     "negative change such as \u201399 points means the plan spreads its purchases there more "
     "evenly than the market does (for example a 50 % cap on any one supplier), so it becomes "
     "less concentrated; +0 means no market's index moves (in a market where the plan sets no "
     "supplier shares it buys at market shares, a change of exactly 0). A condition on the "
     "HHI change bounds the largest rise instead.", "Analyses"),
    ("Economic profit (rent), a lower bound",
     "Profit above what the capital a firm employs costs (see WACC). The scorecard's share "
     "of the plan ending as rent is a lower bound: the capital income of aggregate sectors "
     "and of firms without the data is not split, so their rent is left out (the scorecard's "
     "note names those firms); the rent to firms already dominant is a share of the rent "
     "measured.", "Market power"),
    ("WACC (weighted average cost of capital)",
     "The yearly return that a firm's lenders and shareholders together expect on the money "
     "invested in it. Profit above WACC times the capital invested is economic profit "
     "(rent): a return beyond what the capital costs.", "Market power"),
    ("Tornado analysis",
     "A test of which assumption the result depends on most: each uncertain input is set to "
     "the low and then the high end of its range, one at a time, with all others at their "
     "central values. Each bar shows how far that moves the result; the longest bars come "
     "first, so the chart looks like a tornado.", "Uncertainty"),
    ("TCO (total cost of ownership)",
     "What the plan's compute costs over its horizon: the budget, plus the electricity bill "
     "of the hardware it owns, minus what that hardware is still worth at the end of the "
     "horizon (its residual value). It is below the budget when the residual value is "
     "larger than the electricity bill.", "Lifecycle cost and TCO"),
    ("Years the budget is spent over",
     "The number of years over which the plan says its budget is spent; when the plan does "
     "not say, the number of years the plan covers (its horizon, 5 unless the plan sets "
     "another). Jobs at one time are the FTE-years divided by these years.",
     "Jobs and footprints"),
]
