"""The deal pages and the ledger list say what the totals do with overlapping deals: every
deal with `part_of` is marked in the list (page and CSV); a deal left out of the announced
totals names on its page the deals it is left out for, and a counted deal says it is counted;
no fund's money is counted twice in a region total (bundled data)."""
from __future__ import annotations

import csv
import html
import io
import re

import pytest

pytest.importorskip("fastapi")

from fastapi.testclient import TestClient  # noqa: E402

from moneytrail.ledger.records import split_list  # noqa: E402


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    from moneytrail.web import create_app

    db = tmp_path_factory.mktemp("overlapstatements") / "ledger.sqlite"
    app = create_app(db=f"sqlite:///{db}", start_reference_runs=False)
    with TestClient(app, base_url="http://127.0.0.1") as test:
        yield test


def text_of(page: str) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))


def deals_of(client) -> list[dict]:
    return client.get("/api/v1/ledger").json()["deals"]


def test_every_deal_with_part_of_is_marked_in_the_list_and_its_csv(client):
    deals = deals_of(client)
    names = {d["id"]: d["name"] for d in deals}
    rows = {r["id"]: r for r in csv.DictReader(io.StringIO(
        client.get("/api/v1/ledger?format=csv").text))}
    parent = {d["id"]: split_list(d["part_of"]) for d in deals}

    def wholes(deal: str) -> set[str]:       # the deals it is part of, at any depth
        out, todo = set(), list(parent[deal])
        while todo:
            node = todo.pop()
            out.add(names[node])
            todo.extend(parent.get(node, []))
        return out

    with_parent = [d for d in deals if d["part_of"]]
    assert any(d["id"] == "l_openai_oracle_2025_09" for d in with_parent)
    for deal in with_parent:
        mark = rows[deal["id"]]["inside"]
        assert mark.startswith("part of "), (deal["id"], mark)
        assert any(name in mark for name in wholes(deal["id"])), (deal["id"], mark)
    text = text_of(client.get("/ledger?region=US").text)
    assert re.search(r"OpenAI-Oracle USD 300 bn compute contract \( ?part of OpenAI compute "
                     r"commitments \(~30 GW\)", text)
    assert re.search(r"OpenAI-Microsoft USD 250 bn Azure commitment \( ?part of OpenAI "
                     r"compute commitments \(~30 GW\)", text)


def test_deal_pages_say_what_the_announced_totals_do(client):
    caveats = client.get("/api/v1/ledger/totals").json()
    left = {r["deal"]: r for r in caveats["left_out"]}
    names = {d["id"]: d["name"] for d in deals_of(client)}
    announced = [d for d in deals_of(client) if d["announced_central"] is not None
                 and (d["kind"] or "pledge") == "pledge"]
    assert left and len(announced) > len(left)
    for deal in announced:
        page = client.get(f"/ledger/deals/{deal['id']}")
        text = text_of(page.text)
        section = text[text.index("In the announced totals"):][:1500]
        if deal["id"] in left:
            assert "Left out" in section, deal["id"]
            for other in left[deal["id"]]["inside"]:
                assert f"{other['relation']} {names[other['deal']]}" in section, \
                    (deal["id"], other)
        else:
            assert "Counted" in section, deal["id"]


def test_investai_is_counted_and_the_ai_continent_plan_left_out_for_it(client):
    # InvestAI's money includes the gigafactory fund that the AI Continent plan restates
    text = text_of(client.get("/ledger/deals/l_eu_investai_2025_02").text)
    section = text[text.index("In the announced totals"):][:800]
    assert "Counted" in section
    assert "EU AI Continent Action Plan (overlaps it, through a deal inside one of them)" \
        in section
    totals = text_of(client.get("/ledger/totals").text)
    table = totals[totals.index("Deals left out as inside others"):]
    assert re.search(r"EU AI Continent Action Plan European Union [^;]*? EUR 20\.00 bn "
                     r"overlaps InvestAI \(through a deal inside one of them\)", table)


def test_no_fund_is_counted_twice_in_a_region_total(client):
    """For every deal F with an announced amount, at most one deal counted in F's region
    total shares F's money: is F, holds F (F is part of it, at any depth) or declares an
    overlap with F or with a part of F (itself or through its own parts), as the estimates of
    need are counted too or not. Two counted deals sharing one fund's money would count it
    twice."""
    deals = deals_of(client)
    parts: dict[str, list[str]] = {}
    for d in deals:
        for whole in split_list(d["part_of"]):
            parts.setdefault(whole, []).append(d["id"])
    declared = {d["id"]: split_list(d["overlaps"]) for d in deals}

    def down(deal: str) -> set[str]:
        out, todo = {deal}, list(parts.get(deal, []))
        while todo:
            node = todo.pop()
            if node not in out:
                out.add(node)
                todo.extend(parts.get(node, []))
        return out

    def shares(holder: str, fund: str) -> bool:
        mine, theirs = down(holder), down(fund)
        return bool(mine & theirs) or any(o in theirs for m in mine for o in declared[m])

    funds = [d for d in deals if d["announced_central"] is not None]
    for needs in ("no", "yes"):
        view = client.get(f"/api/v1/ledger/totals?needs={needs}").json()
        left = {r["deal"] for r in view["left_out"]}
        claimed = [d for d in funds
                   if needs == "yes" or (d["kind"] or "pledge") == "pledge"]
        for fund in funds:
            counted = [d["id"] for d in claimed if d["id"] not in left
                       and d["region"] == fund["region"] and shares(d["id"], fund["id"])]
            assert len(counted) <= 1, (needs, fund["id"], counted)
