"""Issue 9, remaining gaps: claims files (empty, duplicate ids), `--data` given a file, FX cells
checked by `trace` with the rules `validate` uses, and the ledger's amount cap on the CLI."""

import shutil
from types import SimpleNamespace

import pytest

from moneytrail.analysis.claims_schema import ClaimError, default_claims_path, load_claims
from moneytrail.cli import main
from moneytrail.data.package import bundled_path, open_package
from moneytrail.errors import DataPackageError
from moneytrail.ledger.validate import MAX_AMOUNT
from moneytrail.scenarios.schema import MAX_BUDGET

PLAN = "scenarios/eu-ai-gigafactories.yaml"


def run_main(capsys, *args):
    with pytest.raises(SystemExit) as info:
        main([str(a) for a in args])
    out = capsys.readouterr()
    return info.value.code, out.err.strip()


# -- claims files ----------------------------------------------------------------------------------
def shipped_claims_text(copies: int = 1) -> str:
    text = default_claims_path().read_text(encoding="utf-8")
    head, body = text.split("claims:\n", 1)
    first = body.split("\n  - id: ")[0]             # the first claim, as written
    return head + "claims:\n" + "\n".join([first] * copies) + "\n"


def test_a_claims_file_with_a_duplicate_id_is_one_line(tmp_path, capsys):
    path = tmp_path / "claims.yaml"
    path.write_text(shipped_claims_text(copies=2), encoding="utf-8")
    with pytest.raises(ClaimError) as info:
        load_claims(path)
    assert str(info.value) == (
        f"{path}, field 'claims.1.id', value 'stargate-private-and-far-less-secured': duplicate "
        "claim id (first at claims.0): each claim needs its own id")
    code, err = run_main(capsys, "claims", "check", path, "--draws", "10")
    assert code == 2 and err == f"error: {info.value}"


@pytest.mark.parametrize(("text", "field", "message"), [
    ("claims: []\n", "claims", "a claims file must hold at least one claim (the 'claims' list is "
     "empty)"),
    ("", None, "a claims file is a mapping with a 'claims' list (the file is empty)"),
    ("# only a comment\n", None,
     "a claims file is a mapping with a 'claims' list (the file is empty)"),
])
def test_a_claims_file_without_claims_is_refused(tmp_path, text, field, message):
    path = tmp_path / "claims.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ClaimError) as info:
        load_claims(path)
    assert (info.value.field, info.value.detail) == (field, message)


def test_a_claim_id_must_be_a_slug(tmp_path):
    path = tmp_path / "claims.yaml"
    path.write_text(shipped_claims_text().replace("id: stargate-private-and-far-less-secured",
                                                  "id: ''"), encoding="utf-8")
    with pytest.raises(ClaimError) as info:
        load_claims(path)
    assert info.value.field == "claims.0.id" and "letters, digits, dashes" in info.value.detail


def test_the_shipped_claims_have_unique_ids():
    claims = load_claims()
    assert len({c.id for c in claims}) == len(claims) > 0


# -- --data given a file ---------------------------------------------------------------------------
def test_data_given_a_file_names_that_file(tmp_path, capsys):
    csv = tmp_path / "some.csv"
    csv.write_text("a,b\n1,2\n")
    expected = (f"{csv}: this is a file, not a data package: a data package folder (one holding "
                "datapackage.json) is expected")
    with pytest.raises(DataPackageError) as info:
        open_package(csv)
    assert str(info.value) == expected
    for command in (["trace", PLAN], ["validate"], ["analyse", PLAN]):
        code, err = run_main(capsys, *command, "--data", csv)
        assert (code, err) == (2, f"error: {expected}"), command
    with pytest.raises(DataPackageError, match="this path does not exist"):
        open_package(tmp_path / "missing")
    with pytest.raises(DataPackageError, match="no datapackage.json in this folder"):
        open_package(tmp_path)
    (tmp_path / "datapackage.json").write_text("[]")
    with pytest.raises(DataPackageError, match="a descriptor is a JSON object, not a list"):
        open_package(tmp_path)
    (tmp_path / "datapackage.json").write_bytes(b"\xff\xfe{}")
    with pytest.raises(DataPackageError, match=r"not UTF-8 text \(byte 0\)"):
        open_package(tmp_path)


# -- FX cells: trace applies validate's rules ------------------------------------------------------
@pytest.fixture(scope="module")
def package_copy(tmp_path_factory):
    root = tmp_path_factory.mktemp("pkg") / "package"
    shutil.copytree(bundled_path(), root)
    return root


@pytest.mark.parametrize(("cell", "field", "value", "message"), [
    ("abc", "units_per_eur", "abc", "not a number"),
    ("-1", "units_per_eur", "-1", "must be more than 0"),
    ("nan", "units_per_eur", "nan", "not a number"),
    ("1e30", "units_per_eur", "1e+30", "more than 100,000 tn (the cap on any amount, in whatever "
     "currency or unit it is counted, there to catch typos such as 1e30): check the amount "
     "and its unit"),
    ("", "units_per_eur", "", "required value is missing"),
])
def test_trace_refuses_bad_fx_cells_like_validate(package_copy, capsys, cell, field, value,
                                                  message):
    fx = package_copy / "macro" / "fx.csv"
    good = (bundled_path() / "macro" / "fx.csv").read_text(encoding="utf-8")
    lines = good.splitlines()
    parts = lines[1].split(",")
    parts[2] = cell
    fx.write_text("\n".join([lines[0], ",".join(parts), *lines[2:]]) + "\n", encoding="utf-8")
    try:
        code, err = run_main(capsys, "trace", PLAN, "--data", package_copy, "--draws", "10")
        assert code == 2
        assert err == f"error: {fx}:2, field '{field}', value '{value}': {message}"
        code, err = run_main(capsys, "validate", "--data", package_copy)
        assert code == 2 and f"field '{field}', value '{value}': {message}" in err
    finally:
        fx.write_text(good, encoding="utf-8")


# -- the amount cap on ledger writes from the CLI --------------------------------------------------
def test_the_ledger_amount_cap_is_the_budget_cap():
    assert MAX_AMOUNT == MAX_BUDGET == 1e17


def test_ledger_add_refuses_an_amount_above_the_cap(tmp_path, capsys):
    db = f"sqlite:///{tmp_path / 'l.sqlite'}"
    code, _ = run_main(capsys, "ledger", "import", "--db", db, "--reason", "fixture",
                       "--author", "t")
    assert code == 0
    fields = ["ref=c_big", "deal=l_stargate_us_2025_01", "stage=announced", "currency=USD",
              "price_year=2025", "as_of=2025-01-21", "source=l_stargate_2025_01_center"]
    code, err = run_main(capsys, "ledger", "add", "claim", *fields, "central=2e17",
                         "--db", db, "--reason", "cap", "--author", "t")
    assert code == 2
    # the field given, not the low and high an add fills from it (h73)
    assert "field 'central', value '2e+17': more than 100,000 tn (the cap on any amount" in err
    assert "'low'" not in err
    code, _ = run_main(capsys, "ledger", "add", "claim", *fields, "central=4.5e11", "--db", db,
                       "--reason", "just below the largest real pledges", "--author", "t")
    assert code == 0
    code, err = run_main(capsys, "ledger", "edit", "claim", "c_big", "high=1e18", "--db", db,
                         "--reason", "cap", "--author", "t")
    assert code == 2 and "field 'high', value '1e+18': more than 100,000 tn" in err


# -- found by the hostile pass: wrong types in the Python API are MoneytrailErrors
def small_table(Z):
    import pandas as pd

    Y = pd.DataFrame({"h": [65.0, 75.0, 45.0]}, index=["a", "b", "c"])
    return SimpleNamespace(Z=Z, Y=Y, x=None, A=None, factor_inputs=None, name="t")


def test_python_api_wrong_types_are_one_clear_error(tmp_path):
    import pandas as pd

    import moneytrail as mt
    from moneytrail.errors import ModelError, ScenarioError

    with pytest.raises(ScenarioError, match="load_scenario takes the path of a YAML file"):
        mt.load_scenario(123)
    for year in ("2025", 2025.5, None, True):
        with pytest.raises(ModelError, match="year must be a whole number such as 2025"):
            mt.load_model(year)
    with pytest.raises(ModelError, match="trace takes a plan, not a file name"):
        mt.trace("scenarios/eu-ai-gigafactories.yaml")
    Z = pd.DataFrame([[10.0, 20, 5], [30, 5, 10], [0, 15, 20]], index=list("abc"),
                     columns=list("abc"))
    model = mt.IOModel.from_pymrio(small_table(Z))
    for tol in (-1, 0, 2, "x", float("nan")):
        with pytest.raises(ModelError, match="tol must be a number between 0 and 1"):
            model.solve([65.0, 75.0, 45.0], tol=tol)
    bad = Z.astype(object)
    bad.loc["b", "c"] = "ten"
    with pytest.raises(ModelError) as info:
        mt.IOModel.from_pymrio(small_table(bad))
    assert (info.value.field, info.value.value, info.value.detail) == \
        ("Z[b, c]", "ten", "Z must hold numbers")
    with pytest.raises(ModelError, match="the table has no sectors"):
        mt.IOModel.from_pymrio(small_table(pd.DataFrame()))
    table = small_table(Z)
    table.factor_inputs = SimpleNamespace(F=pd.DataFrame(
        [[60.0, 80.0, 45.0]], index=["Value added"], columns=list("abc")))
    with pytest.raises(ModelError, match="factor_map must be a mapping"):
        mt.IOModel.from_pymrio(table, factor_map=["Value added"])
    with pytest.raises(ModelError, match="factor_tolerance must be"):
        mt.IOModel.from_pymrio(small_table(Z), factor_tolerance="0.1")


def test_yaml_whole_numbers_are_integers(tmp_path):
    import moneytrail as mt
    from moneytrail.errors import ScenarioError

    text = ("id: plan\ntitle: T\nyear: {year}\ncurrency: EUR\nbuyer_region: EU\n"
            "budget: {{amount: 1000}}\n"
            "spend: {{accelerators: 1}}\n")
    path = tmp_path / "plan.yaml"
    for year, message in (("true", "Input should be a valid integer"),
                          ('"2025"', "Input should be a valid integer"),
                          ("2025.0", "Input should be a valid integer")):
        path.write_text(text.format(year=year))
        with pytest.raises(ScenarioError) as info:
            mt.load_scenario(path)
        assert info.value.field == "year" and info.value.detail.startswith(message), year
    path.write_text(text.format(year=2025))
    assert mt.load_scenario(path).year == 2025


def test_ledger_history_limit_is_bounded(tmp_path):
    from moneytrail.errors import MoneytrailError
    from moneytrail.ledger.store import Ledger

    ledger = Ledger.connect(f"sqlite:///{tmp_path / 'l.sqlite'}")
    try:
        for limit in (0, -1, 10 ** 30, "5", True):
            with pytest.raises(MoneytrailError, match="limit must be a whole number"):
                ledger.history(limit=limit)
        assert len(ledger.history(limit=1)) <= 1
    finally:
        ledger.close()


def test_data_on_something_that_is_not_a_folder():
    with pytest.raises(DataPackageError, match="/dev/null: not a folder: a data package folder"):
        open_package("/dev/null")


def test_ledger_year_filter_has_the_web_apis_range(capsys):
    for args in (["ledger", "list", "--year", "99999"], ["ledger", "reality", "--year", "3000"]):
        code, err = run_main(capsys, *args)
        assert (code, err) == (2, f"error: field '--year', value {args[-1]}: year out of range "
                                  "(1900 to 2100)"), args


def test_a_nul_character_in_a_csv_is_refused(package_copy):
    entities = package_copy / "valuechain" / "entities.csv"
    good = entities.read_bytes()
    lines = good.split(b"\n")
    lines[2] = lines[2].replace(b",", b",\x00", 1)
    entities.write_bytes(b"\n".join(lines))
    try:
        with pytest.raises(DataPackageError) as info:
            open_package(package_copy).table("valuechain-entities")
        assert str(info.value) == (f"{entities}:3: a cell holds a NUL character (is this a "
                                   "binary file?)")
    finally:
        entities.write_bytes(good)
