"""Jobs of firms anchored on their filings (employees per revenue), by hand on the Miller &
Blair economy, and the anchored rows' conservation as a property of the footprint engine."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import moneytrail as mt
from moneytrail.analysis.jobs import AVERAGES, FILINGS, implied_pay, jobs_account
from moneytrail.data.footprints import FootprintTables
from moneytrail.engine import streams
from moneytrail.engine.demand import demand_sampler
from moneytrail.engine.footprint import (
    Account,
    Anchors,
    OutputDraws,
    account_draws,
    flow_rows,
    trace_footprint,
)
from moneytrail.engine.sampling import PertSampler
from moneytrail.ledger.money import Converter
from packages import miller_blair_plan, miller_blair_tables, write_package

# (I - A) x = f with A = [[.15, .25], [.2, .05]] and f = (600, 1450) EUR million
DET = 0.85 * 0.95 - 0.25 * 0.2
X_AGR = (0.95 * 600 + 0.25 * 1450) / DET * 1e6
X_MAN = (0.2 * 600 + 0.85 * 1450) / DET * 1e6
USD_PER_EUR = 1.08
PAY = {"US": 60_000.0, "MX": 15_000.0, "DE": 50_000.0}     # compensation per FTE (fixture)
CURRENCY = {"US": "USD", "MX": "USD", "DE": "EUR"}
EMPLOYEES = (4.0, 5.0, 7.0)           # manufacturing: FTE per USD million (low, central, high)
DRAWS, SEED = 300, 5


def money() -> Converter:
    fx = [{"currency": "USD", "year": y, "units_per_eur": USD_PER_EUR} for y in (2024, 2025)]
    return Converter.from_records(fx, [])


def fixture_tables() -> FootprintTables:
    """Made-up test tables: exact pay per country (low = central = high) so the country
    split can be computed by hand; an employees row for the firm (manufacturing) and one
    for the sector (agriculture), which must not be anchored."""
    comp = pd.DataFrame({"country": list(PAY), "industry": "TOTAL", "year": 2024,
                         "low": list(PAY.values()), "central": list(PAY.values()),
                         "high": list(PAY.values()), "currency": [CURRENCY[c] for c in PAY],
                         "sources": "fixture", "reliability": "estimate"})
    satellites = pd.DataFrame({
        "entity": ["manufacturing", "agriculture"], "year": 2024,
        "account": "employees", "low": [EMPLOYEES[0], 1.0], "central": [EMPLOYEES[1], 2.0],
        "high": [EMPLOYEES[2], 3.0], "unit": "FTE per USD million", "sources": "fixture",
        "reliability": "filing"})
    return FootprintTables.from_frames(compensation=comp, satellites=satellites)


@pytest.fixture(scope="module")
def traced(tmp_path_factory):
    """Miller & Blair at central values, manufacturing (a firm) paying wages in the US (0.20
    of output) and Mexico (0.10), agriculture (a sector) in Germany (0.40)."""
    tables = miller_blair_tables()
    tables["countries"].append({"code": "MX", "name": "Mexico", "eu_member": "false"})
    for row in list(tables["cost_structures"]):
        if row["entity"] == "manufacturing" and row["kind"] == "labour":
            row.update(low=0.20, central=0.20, high=0.20)
            tables["cost_structures"].append({**row, "counterpart": "MX", "low": 0.10,
                                              "central": 0.10, "high": 0.10})
    model = mt.load_model(2025, path=write_package(tmp_path_factory.mktemp("jobs"), tables))
    plan = mt.parse_scenario(miller_blair_plan(budget={"amount": 2.05e9}))
    return mt.trace(plan, model, draws=DRAWS, seed=SEED, keep_draws=True)


def employees_draws() -> np.ndarray:
    sampler = PertSampler([EMPLOYEES[0]], [EMPLOYEES[1]], [EMPLOYEES[2]], lower=0.0)
    return np.concatenate([sampler.draw(streams.rng(SEED, "jobs_employees", 0, b), size)
                           for b, size in streams.blocks(DRAWS)])[:, 0]


def test_anchored_firm_by_hand(traced):
    """The firm's FTE = its output x employees per USD million, exactly, in every draw
    (drawn from stream 'jobs_employees'); split US : MX by wages / pay = (0.20 / 60 k) :
    (0.10 / 15 k) = 1 : 2; the sector keeps labour value added / pay = 0.40 x / 50 k EUR."""
    acc = jobs_account(traced, fixture_tables(), money())
    assert list(acc.anchored["entity"]) == ["manufacturing"]
    assert acc.not_anchored == ["agriculture: not a firm entity"]
    masks = demand_sampler(traced.plan, traced.model).rows["category"].astype(str)
    parts = np.array([(masks == c).to_numpy(float) for c in ("food", "goods")])
    fp = trace_footprint(traced, acc.account, part_names=("food", "goods"), parts=parts)
    per = fp.per_draw
    assert per is not None
    entity = dict(zip(fp.labels["entity"], per["entity"].T, strict=True))
    country = dict(zip(fp.labels["country"], per["country"].T, strict=True))
    firm = X_MAN * USD_PER_EUR / 1e6 * employees_draws()        # EUR -> USD million
    assert firm.std() > 0                                        # drawn per draw
    np.testing.assert_allclose(entity["manufacturing"], firm, rtol=1e-12)
    np.testing.assert_allclose(country["US"], firm / 3, rtol=1e-12)
    np.testing.assert_allclose(country["MX"], 2 * firm / 3, rtol=1e-12)
    np.testing.assert_allclose(entity["agriculture"], 0.40 * X_AGR / PAY["DE"], rtol=1e-12)
    total = per["total"][:, 0]
    for name in ("entity", "country", "tier", "part"):
        np.testing.assert_allclose(per[name].sum(axis=1), total, rtol=1e-12)
    # implied labour cost per FTE-year: labour value added / FTE = 0.30 x / FTE, in EUR
    pay = implied_pay(traced, acc).loc["manufacturing"]
    expected = 0.30 * X_MAN / firm
    assert pay["amount_p50"] == pytest.approx(np.median(expected), rel=1e-9)
    assert pay["amount_mean"] == pytest.approx(np.mean(expected), rel=1e-9)


def test_kept_flows_give_the_same_anchored_fte(traced):
    """labour_fte's path (the kept flows, no replay) equals the replay's rows."""
    from moneytrail.analysis.jobs import labour_fte

    rows, countries = labour_fte(traced, fixture_tables(), money())
    by_country = pd.DataFrame(rows, columns=list(countries)).T.groupby(level=0).sum().T
    firm = X_MAN * USD_PER_EUR / 1e6 * employees_draws()
    np.testing.assert_allclose(by_country["US"], firm / 3, rtol=1e-12)
    np.testing.assert_allclose(by_country["MX"], 2 * firm / 3, rtol=1e-12)


def test_fte_by_basis_and_share_on_national_averages(traced):
    """The breakdown by basis: the firm on filings, the sector on national averages; the
    share on averages per draw (`shares`)."""
    from moneytrail.analysis.jobs import BASIS

    acc = jobs_account(traced, fixture_tables(), money())
    basis = np.column_stack([acc.anchored_rows, ~acc.anchored_rows]).astype(float)
    account = replace(acc.account, dimensions={BASIS: ((FILINGS, AVERAGES), basis)},
                      shares=(BASIS,))
    fp = trace_footprint(traced, account)
    per = fp.per_draw
    assert per is not None
    firm = X_MAN * USD_PER_EUR / 1e6 * employees_draws()
    sector = 0.40 * X_AGR / PAY["DE"]
    np.testing.assert_allclose(per[BASIS][:, 0], firm, rtol=1e-12)
    np.testing.assert_allclose(per[f"share_{BASIS}"][:, 1], sector / (sector + firm),
                               rtol=1e-12)


# -- the engine's anchored rows as a property -------------------------------------------------
@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2 ** 32 - 1), rows=st.integers(1, 12), entities=st.integers(1, 4),
       size=st.integers(1, 6))
def test_anchored_rows_add_up_to_the_anchor_and_conserve(seed, rows, entities, size):
    """Random accounts: each anchor group's rows add up to scale x a per unit of output, keep
    their shares of the group's own intensities, unanchored rows are untouched, and
    entities, tiers and parts still add up to the total in every draw; the kept-flows path
    gives the same rows."""
    rng = np.random.default_rng(seed)
    entity = rng.integers(0, entities, rows)
    flows = rows                                            # one flow per row
    # anchor every entity with an odd position (all its rows in one group)
    anchored_entities = [e for e in range(entities) if e % 2 == 1 and (entity == e).any()]
    group = np.array([anchored_entities.index(e) if e in anchored_entities else -1
                      for e in entity])
    G = len(anchored_entities)
    anchors = Anchors(group=group, scale=rng.uniform(0.5, 2.0, G),
                      parameters=PertSampler(np.ones(G), np.full(G, 2.0), np.full(G, 3.0),
                                             lower=0.0),
                      stream="jobs_employees") if G else None
    account = Account(name="t", unit="FTE", entity=entity, country=tuple("AB"[r % 2]
                                                                         for r in range(rows)),
                      coefficient=rng.uniform(0.1, 1.0, rows), flow=np.arange(flows),
                      param=np.full(rows, -1), anchors=anchors)
    weights = rng.uniform(0.01, 1.0, (size, flows))
    x = rng.uniform(1.0, 100.0, (size, entities))
    split = rng.dirichlet(np.ones(3), (size, entities)).transpose(0, 2, 1)   # (size, 3, n)
    tiers = rng.uniform(0.0, 1.0, (size, 2, entities)) * x[:, None, :] / 4
    out = OutputDraws(x=x, tiers=tiers, parts=split * x[:, None, :], weights=weights)
    values = anchors.draw(seed % 1000, 0, size) if anchors is not None else None
    fp = account_draws(account, out, None, values)
    total = fp.rows.sum(axis=1)
    np.testing.assert_allclose(fp.tiers.sum(axis=1), total, rtol=1e-12)
    np.testing.assert_allclose(fp.parts.sum(axis=1), total, rtol=1e-12)
    own = account.coefficient * weights                      # the rows' own intensities
    plain = group < 0
    np.testing.assert_allclose(fp.rows[:, plain], (own * x[:, entity])[:, plain], rtol=1e-12)
    for g, e in enumerate(anchored_entities):
        mine = group == g
        assert anchors is not None and values is not None
        np.testing.assert_allclose(fp.rows[:, mine].sum(axis=1),
                                   anchors.scale[g] * values[:, g] * x[:, e], rtol=1e-12)
        np.testing.assert_allclose(fp.rows[:, mine] / fp.rows[:, mine].sum(axis=1)[:, None],
                                   own[:, mine] / own[:, mine].sum(axis=1)[:, None],
                                   rtol=1e-12)
    kept = flow_rows(account, weights * x[:, entity], None, weights, values)
    np.testing.assert_allclose(kept, fp.rows, rtol=1e-12)


def test_an_anchor_group_spanning_two_entities_is_refused():
    anchors = Anchors(group=np.array([0, 0]), scale=np.ones(1),
                      parameters=PertSampler([1.0], [2.0], [3.0]), stream="jobs_employees")
    with pytest.raises(ValueError, match="one entity"):
        Account(name="t", unit="FTE", entity=np.array([0, 1]), country=("A", "B"),
                coefficient=np.ones(2), flow=np.arange(2), param=np.full(2, -1),
                anchors=anchors)
