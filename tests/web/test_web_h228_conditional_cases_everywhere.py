"""A conditional claim names each case with its own verdict wherever the web app shows its
verdict (h228), in the words of /claims (the `claim_verdict` macro over analysis.verdicts.
badge_pieces): the claims table of a stored claims run (/r/<claims run>), the page of a claim
checked against a run (/claims/<claim>/check?run=<id>), and a trace run's "Claims about this
plan". They showed only "Conditional — on weak evidence": the claim's weight, the largest of
its cases', hung on the gigafactory case contradicted on 15 % weak rows."""

from __future__ import annotations

import re
from html import unescape

import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402
from runs_helpers import finished  # noqa: E402

from moneytrail.web import create_app  # noqa: E402

PLAN = "eu-ai-gigafactories"
CLAIM = "public-money-to-nvidia-and-hyperscalers"     # conditional; traces eu-ai-gigafactories
# as /claims says it (the published check: 2,000 draws, seed 1)
PUBLISHED = ("Conditional: for the gigafactories, Contradicted (15 % weak); for cloud rental, "
             "Supported \u2014 on weak evidence (100 % weak)")
# the same against a run of its own draws: the weights may differ by a point
CASES = re.compile(r"Conditional: for the gigafactories, Contradicted \(\d+ % weak\); for "
                   r"cloud rental, Supported \u2014 on weak evidence \(\d+ % weak\)")
CLAIM_WEIGHT_BADGE = ">Conditional \u2014 on weak evidence</span>"


def text_of(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split()).replace(" ,", ",") \
        .replace(" ;", ";").replace("( ", "(").replace(" )", ")").replace(" :", ":")


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    db = tmp_path_factory.mktemp("h228") / "ledger.sqlite"
    app = create_app(db=str(db), start_reference_runs=False, run_limit=(1000, 100))
    with TestClient(app, base_url="http://127.0.0.1") as test_client:
        yield test_client


@pytest.fixture(scope="module")
def claims_run(client) -> str:
    """The claims run /claims cites (its "Cite as" names the run's page)."""
    html = client.get("/claims").text
    cites = [c for c in re.findall(r'<p class="citation">.*?</p>', html, re.S)
             if "Claims of the debate" in c]
    found = re.search(r"/r/([0-9a-f]{32})", cites[0])
    assert found, cites
    return found.group(1)


@pytest.fixture(scope="module")
def run(client) -> str:
    """A run of the plan the claim traces (200 draws: enough for a verdict)."""
    return finished(client, {"reference": PLAN, "draws": 200, "seed": 1})


def test_the_claims_run_page_names_each_case(client, claims_run):
    """The claim's verdict stands once beside its checks (h246: one cell spanning them)."""
    html = client.get(f"/r/{claims_run}").text
    groups = [g for g in re.findall(r'<tbody class="claim-group">(.*?)</tbody>', html, re.S)
              if f"<code>{CLAIM}</code>" in g]
    assert len(groups) == 1 and groups[0].count("<tr>") == 2     # its two checks
    cells = re.findall(r'<td rowspan="2" class="claim-verdict-cell"[^>]*>'
                       r'(<span class="verdict-cases">.*?)<span class="claim-weight">',
                       groups[0], re.S)
    assert len(cells) == 1, groups[0][:2000]
    assert text_of(cells[0]) == PUBLISHED
    assert CLAIM_WEIGHT_BADGE not in html
    # a verdict resting on an assumption says so in its cell, linked to the assumption
    assert ('<span class="rests-on">\u2014 rests on an assumption: <a href="/sources/'
            'm_assumption_eu_same_global_market"') in html
    # the key explains the case said on weak evidence, by its own badge
    key = text_of(html[html.index('<ul class="verdict-key">'):][:4000].split("</ul>")[0])
    assert "Supported \u2014 on weak evidence" in key
    assert "Conditional \u2014 on weak evidence" not in key


def verdict_lines(html: str) -> dict[str, list[str]]:
    """The check page's verdicts, each on a line of its own (h234: they ran as one paragraph):
    each term of its <dl class="verdict-lines"> ('Verdict for this run:') -> the texts of its
    <dd>s (the verdict, then for the run's verdict its evidence weight)."""
    block = re.search(r'<dl class="verdict-lines">(.*?)</dl>', html, re.S)
    assert block, "no verdict lines on the check page"
    out = {}
    for group in re.findall(r"<div>(.*?)</div>", block.group(1), re.S):
        term = text_of(re.search(r"<dt>(.*?)</dt>", group, re.S).group(1))
        out[term] = [text_of(d) for d in re.findall(r"<dd[^>]*>(.*?)</dd>", group, re.S)]
    return out


def test_the_check_page_names_each_case_for_the_run_and_as_published(client, run):
    html = client.get(f"/claims/{CLAIM}/check", params={"run": run}).text
    lines = verdict_lines(html)
    mine, published = lines["Verdict for this run:"][0], lines[
        "As published, for the reference plan:"][0]
    assert CASES.fullmatch(mine), lines
    assert published == PUBLISHED
    # the weight of the run's verdict is a line of its own, under that verdict
    weight = lines["Verdict for this run:"][1]
    assert re.fullmatch(r"Evidence weight of this verdict \(share resting on assumption or "
                        r"weak rows; each case has its own, above: the claim's is the "
                        r"largest\): \d+ %.*", weight), weight
    assert len(lines["As published, for the reference plan:"]) == 1
    assert CLAIM_WEIGHT_BADGE not in html
    # the JSON twin has the same cases, and the line the CSV columns give
    claim = client.get(f"/api/v1/claims/{CLAIM}/check", params={"run": run}).json()["claim"]
    assert [c["said"] for c in claim["cases"]] == ["for the gigafactories", "for cloud rental"]
    assert [c["verdict"] for c in claim["cases"]] == ["contradicted", "supported"]
    assert claim["verdict_summary"].lower() == mine.lower()


def test_the_run_page_claims_about_the_plan_name_each_case(client, run):
    html = client.get(f"/r/{run}").text
    article = re.search(rf'<article class="claim" aria-labelledby="claim-{CLAIM}-h">.*?'
                        r"</article>", html, re.S)
    assert article, "no claim article on the run page"
    line = text_of(re.search(r"<p>Verdict:.*?</p>", article.group(0), re.S).group(0))
    assert CASES.match(line.removeprefix("Verdict: ")), line
    assert CLAIM_WEIGHT_BADGE not in html


def test_the_badge_escapes_the_claims_file_words():
    """A case's name and an assumption's words are data: escaped, never markup."""
    from moneytrail.web.app import templates

    claim = {"verdict": "conditional", "weight": {"claim_assumption_or_weak_p50": 1.0},
             "cases": [{"verdict": "supported", "weight": 0.1, "weak": False,
                        "said": "for <b>sites</b>", "basis": "10 % weak",
                        "rests": [{"source": "m_x\"><script>", "says": "<i>guess</i>"}]},
                       {"verdict": "contradicted", "weight": 0.2, "weak": False,
                        "said": "for cloud", "basis": "20 % weak", "rests": []}],
             "rests": []}
    html = str(templates().get_template("macros.html").module.claim_verdict(claim))  # type: ignore[attr-defined]
    assert "<b>" not in html and "<i>" not in html and "<script>" not in html
    assert "for &lt;b&gt;sites&lt;/b&gt;" in html and "&lt;i&gt;guess&lt;/i&gt;" in html
    assert text_of(html) == ("Conditional: for <b>sites</b>, Supported (10 % weak), rests on "
                             "an assumption: <i>guess</i>; for cloud, Contradicted (20 % weak)")


def test_the_not_applicable_check_page_gives_each_verdict_its_own_line(client, run):
    """A claim about another plan: the run's "not applicable" and the published verdict are
    each a line of their own too (h234), neither run into the other."""
    html = client.get("/claims/stargate-over-100000-us-jobs/check", params={"run": run}).text
    lines = verdict_lines(html)
    assert lines["Verdict for this run:"] == ["Not applicable (the claim is not about this plan)"]
    published = lines["As published, for the plan the claim is about:"]
    assert len(published) == 1 and published[0].startswith("Conditional: for spending in 0.8")


def test_the_claims_run_page_says_each_verdict_once(client, claims_run):
    """The stored columns that say the claim's verdict again in data words (`weak_basis`,
    `verdict_label`, `verdict_summary`) stood beside its badge: the page leaves them out and
    says the downloads have them (h234); the downloads keep them, unchanged."""
    html = client.get(f"/r/{claims_run}").text
    head = text_of(re.search(r"<thead>(.*?)</thead>", html, re.S).group(1)).lower()
    for copy in ("weak basis", "verdict label", "verdict summary"):
        assert copy not in head, head
    assert "claim's verdict" in head and "check verdict" in head
    for group in [g for g in re.findall(r'<tbody class="claim-group">(.*?)</tbody>', html,
                                        re.S) if f"<code>{CLAIM}</code>" in g]:
        said = text_of(group).lower()
        assert said.count("for the gigafactories") == 1, said
        assert said.count("on weak evidence") == 1, said
    note = text_of(re.search(r'<p class="note verdict-copies">.*?</p>', html, re.S).group(0))
    assert note.endswith("(weak_basis, verdict_label, verdict_summary).")
    csv = client.get(f"/api/v1/runs/{claims_run}", params={"format": "csv",
                                                           "table": "claims"}).text
    header = csv.splitlines()[0].split(",")
    assert {"weak_basis", "verdict_label", "verdict_summary"} <= set(header)
    assert PUBLISHED.lower() in csv.lower()          # the stored verdict_summary


def test_the_claims_run_table_wraps_its_text_columns(client, claims_run):
    """Every column of a run table was a figure's column (`num`: right-aligned, one line), so
    the claims run's text (claim, notes, source ids) made its table ~52,000 px wide at 1280
    px. Its table now shows the claims page's columns only (h246): the claim and the check
    in words wrap; P(holds) is a figure's column."""
    html = client.get(f"/r/{claims_run}").text
    table = re.search(r'<table class="claims-run">.*?</table>',
                      html[html.index('id="claims-h"'):], re.S).group(0)
    heads = {name: cls for cls, name in re.findall(
        r'<th scope="col"(?: class="(\w+)")?>([^<]+)</th>', table)}
    assert set(heads) >= {"Claim", "Check", "P(holds)"}, heads
    assert heads["P(holds)"] == "num" and heads["Check"] != "num" and heads["Claim"] != "num"
    assert '<td class="check-cell"' in table and '<td class="num"' in table
