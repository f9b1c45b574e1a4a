"""A claims run's page (/r/<claims run>) showed all ~37 stored columns of its one table, so
each of its 18 rows was hundreds of pixels tall and the page 24,000 px tall at 1280 px (h246).
Its table now reads as the claims page does: each claim once, beside its checks (what is
checked, the figure as median with its 90 % interval, the bound, P(holds), the check's
verdict) and the claim's verdict badge with its evidence weight; one line under it says the
downloads hold all the columns. The downloads and the API are unchanged; a claims run stored
before some columns still renders. The run's "claims file" fact wraps at its slash, not
mid-word ("claims.ya / ml")."""

from __future__ import annotations

import csv
import io
import re
from html import unescape

import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402

from moneytrail.web import create_app  # noqa: E402

HEADERS = ["Claim", "Check", "Figure: median (90 % interval)", "Bound", "P(holds)",
           "Check verdict", "Claim's verdict and evidence weight"]
OLD_RUN = "00d0c1a1" * 4


def text_of(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    db = tmp_path_factory.mktemp("h246") / "ledger.sqlite"
    app = create_app(db=str(db), start_reference_runs=False, run_limit=(1000, 100))
    with TestClient(app, base_url="http://127.0.0.1") as test_client:
        yield test_client


@pytest.fixture(scope="module")
def claims_run(client) -> str:
    """The claims run /claims cites (its "Cite as" names the run's page)."""
    html = client.get("/claims").text
    found = re.search(r"/r/([0-9a-f]{32})", "".join(
        c for c in re.findall(r'<p class="citation">.*?</p>', html, re.S)
        if "Claims of the debate" in c))
    assert found
    return found.group(1)


def claims_section(html: str) -> str:
    start = html.index('id="claims-h"')
    return html[start:html.index("</section>", start)]


def heads(section: str) -> list[str]:
    thead = re.search(r"<thead>(.*?)</thead>", section, re.S).group(1)
    return [text_of(h) for h in re.findall(r"<th[^>]*>(.*?)</th>", thead, re.S)]


def test_the_claims_run_table_shows_what_was_checked_and_found(client, claims_run):
    section = claims_section(client.get(f"/r/{claims_run}").text)
    assert heads(section) == HEADERS
    table = re.search(r"<table.*?</table>", section, re.S).group(0)
    for left_out in ("rests_on_why", "weight_reads", "weight_leaves_out", "sources",
                     "claimed_by", "combine", "verdict_text", "note"):
        assert left_out.replace("_", " ") not in " ".join(heads(section)).lower()
    rows = client.get(f"/api/v1/runs/{claims_run}", params={"format": "json",
                                                            "table": "claims"}).json()["rows"]
    shown = unescape(table)
    for left_out in ("rests_on_why", "weight_reads", "claimed_by", "note"):
        said = [r[left_out] for r in rows if r[left_out]]
        assert said and not any(s in shown for s in said), left_out
    claims = list(dict.fromkeys(r["claim"] for r in rows))
    groups = re.findall(r'<tbody class="claim-group">(.*?)</tbody>', table, re.S)
    assert len(groups) == len(claims)          # each claim once, its checks beside it
    for claim, group in zip(claims, groups, strict=True):
        mine = [r for r in rows if r["claim"] == claim]
        assert group.count("<tr>") == len(mine)
        assert group.count(f"<code>{claim}</code>") == 1
        assert group.count('class="claim-verdict-cell"') == 1
        assert unescape(mine[0]["text"]) in unescape(group)
    # a check with spread: its median and 90 % interval as run pages print them
    jobs = next(r for r in rows if r["claim"] == "stargate-over-100000-us-jobs")
    first = re.findall(r"<tr>.*?</tr>", groups[claims.index(jobs["claim"])], re.S)[0]
    figure = text_of(re.search(r'<td class="figure-cell"[^>]*>(.*?)</td>', first,
                               re.S).group(1))
    assert figure.startswith("200.3 k FTE (162.5–243.6 k FTE)"), figure
    said = text_of(re.search(r'<td rowspan="2" class="claim-verdict-cell"[^>]*>(.*?)</td>',
                             first, re.S).group(1))
    assert said.startswith("Conditional") and "for spending in 0.8 years" in said, said
    assert "evidence weight:" in said


def test_the_line_under_it_names_every_column_the_downloads_hold(client, claims_run):
    section = claims_section(client.get(f"/r/{claims_run}").text)
    csv_text = client.get(f"/api/v1/runs/{claims_run}",
                          params={"format": "csv", "table": "claims"}).text
    header = next(csv.reader(io.StringIO(csv_text)))
    for column in ("rests_on_why", "weight_reads", "sources", "claimed_by", "verdict_text",
                   "weak_basis", "verdict_summary", "p5", "p95", "figure"):
        assert column in header
    json_rows = client.get(f"/api/v1/runs/{claims_run}",
                           params={"format": "json", "table": "claims"}).json()["rows"]
    assert list(json_rows[0]) == header
    note = re.search(r'<p class="note verdict-copies">(.*?)</p>', section, re.S).group(1)
    assert text_of(note).startswith(f"The downloads hold all {len(header)} columns")
    assert '?format=csv&amp;table=claims"' in note and '?format=json&amp;table=claims"' in note


def test_an_older_claims_run_without_some_columns_still_renders(client):
    """A claims run stored before bound_text, when, unit, the intervals and the claim's
    weight: its page answers, each check with dashes where a column is missing."""
    from moneytrail.service.result import Column, Provenance, Result, Table

    columns = ("claim", "text", "check", "bound", "figure", "p50", "p_holds",
               "check_verdict", "verdict", "note")
    table = Table(name="claims", title="Claims checked", index=(),
                  columns=tuple(Column(c, "share" if c in ("p50", "p_holds") else "text")
                                for c in columns),
                  rows=(("c-old", "An old claim.", "a share", "min 0.5", "51 % of it", 0.51,
                         0.7, "uncertain", "uncertain", "a note"),
                        ("c-old", "An old claim.", "another share", "max 0.9", "80 %", 0.8,
                         0.95, "supported", "uncertain", "a note")))
    result = Result(run_id=OLD_RUN, kind="claims", title="Claims checked, an old run",
                    provenance=Provenance(inputs={}, code_version="0.1.0",
                                          data_version="1.0.0", data_hash="abc",
                                          created="2025-01-02T03:04:05+00:00", seed=1,
                                          draws=100, sources=()),
                    tables={"claims": table}, facts={"claims_file": "analysis/claims.yaml"})
    store = client.app.state.jobs.store
    store.start(OLD_RUN, kind="claims", label=result.title, inputs={}, data_version="1.0.0",
                data_hash="abc", total=1)
    store.finish(result)
    response = client.get(f"/r/{OLD_RUN}")
    assert response.status_code == 200
    section = claims_section(response.text)
    assert heads(section) == HEADERS
    assert section.count('<tbody class="claim-group">') == 1 and section.count("<tr>") == 3
    assert "min 0.5" in section and "51 % of it" in section
    note = text_of(re.search(r'<p class="note verdict-copies">(.*?)</p>', section,
                             re.S).group(1))
    assert note.startswith("The downloads hold all 10 columns")
    assert "data words" not in note       # no verdict copies in so old a run
    assert "analysis/<wbr>claims.yaml" in response.text


def test_the_claims_file_fact_wraps_at_its_slash(client, claims_run):
    html = client.get(f"/r/{claims_run}").text
    facts = re.search(r'<dl class="facts">(.*?)</dl>', html, re.S).group(1)
    assert "analysis/<wbr>claims.yaml" in facts


def test_slash_breaks_escapes_and_reads_the_same():
    from moneytrail.web.format import slash_breaks

    assert str(slash_breaks("a <b>/c")) == "a &lt;b&gt;/<wbr>c"
    assert re.sub(r"<[^>]+>", "", str(slash_breaks("x/y/z"))) == "x/y/z"
