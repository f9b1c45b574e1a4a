"""A tester's error-wording findings: each is one line that says what is wrong."""

import subprocess
import sys

import pytest

import moneytrail as mt
import moneytrail.ledger
from moneytrail.errors import ScenarioError
from moneytrail.ledger.errors import LedgerError


def cli(*args):
    return subprocess.run([sys.executable, "-m", "moneytrail", *map(str, args)],
                          capture_output=True, text=True, timeout=300)


@pytest.fixture
def ledger(tmp_path):
    with moneytrail.ledger.open(tmp_path / "l.sqlite") as opened:
        yield opened


CLAIM = {"ref": "t8", "deal": "l_stargate_us_2025_01", "stage": "committed",
         "currency": "USD", "price_year": "2025", "source": "l_stargate_2025_01_center",
         "as_of": "2025-01-21"}     # on its source's published date


def test_every_problem_of_a_write_is_listed_on_its_one_line(ledger):
    with pytest.raises(LedgerError) as exc:
        ledger.add("claim", {**CLAIM, "central": "-5"}, author="t")
    message = str(exc.value)
    # the field given; the low and high an add fills from it repeat no error (h73)
    assert exc.value.field == "central"
    assert "more problem(s)" not in message and "\n" not in message
    assert message.endswith("field 'central', value '-5': negative amount")
    with pytest.raises(LedgerError) as exc:
        ledger.add("claim", {**CLAIM, "central": "-5", "high": "x"}, author="t")
    assert exc.value.field == "high"
    assert str(exc.value).endswith("not a number (also central '-5': negative amount); the "
                                   "store is unchanged")


@pytest.mark.parametrize("url, says", [
    ("javascript:alert(1)", "only http:// and https:// URLs are accepted, not 'javascript:'"),
    ("ftp://x.org/a", "only http:// and https:// URLs are accepted, not 'ftp:'"),
    ("", "a source needs an http:// or https:// URL"),
])
def test_a_source_url_must_be_http_or_https(ledger, url, says):
    source = {"id": "s_x", "publisher": "p", "title": "t", "url": url,
              "published": "2025-01-01", "accessed": "2025-01-02", "reliability": "weak"}
    with pytest.raises(LedgerError) as exc:
        ledger.add("source", source, author="t")
    assert exc.value.field == "url" and says in str(exc.value)


@pytest.mark.parametrize("text", ["", "\n\n", "# only a comment\n"])
def test_an_empty_scenario_file_is_called_empty(tmp_path, text):
    path = tmp_path / "plan.yaml"
    path.write_text(text)
    with pytest.raises(ScenarioError) as exc:
        mt.load_scenario(path)
    assert str(exc.value).startswith(f"{path}: the file is empty")


def test_missing_paths_exit_2_and_say_so(tmp_path):
    """docs/errors.md: a path that does not exist is bad input (exit 2); a file that exists
    but cannot be read is the environment (exit 3, tests/test_bad_input_scenarios.py)."""
    missing = tmp_path / "nowhere"
    done = cli("validate", missing)
    assert done.returncode == 2
    assert "this path does not exist" in done.stderr and len(done.stderr.splitlines()) == 1
    done = cli("trace", tmp_path / "nowhere.yaml")
    assert done.returncode == 2 and "file not found" in done.stderr
    empty = tmp_path / "folder"
    empty.mkdir()
    done = cli("validate", empty)          # an existing folder without a descriptor
    assert done.returncode == 2 and "no datapackage.json in this folder" in done.stderr
