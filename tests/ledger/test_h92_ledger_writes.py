"""A tester's findings on ledger writes (h92), on SQLite and PostgreSQL alike: the command line
needs a reason and marks its revisions, a revert refused for later changes is worded for its
caller, and undoing the add of a deal or source that other records name says so."""

from __future__ import annotations

import pytest

import moneytrail.ledger
from moneytrail.cli import main
from moneytrail.ledger.errors import ConflictError, LedgerError


@pytest.fixture
def cli(store_url, package, monkeypatch, capsys):
    """Run `moneytrail ledger ...` (its `main`, as the shell does) on a store holding the
    fixture package: (exit code, stdout, stderr)."""
    monkeypatch.setenv("USER", "cli-user")
    moneytrail.ledger.open(store_url, load_bundled=False).close()

    def invoke(*args: str):
        capsys.readouterr()
        with pytest.raises(SystemExit) as info:
            main(["ledger", *args, "--db", store_url])
        out = capsys.readouterr()
        return info.value.code, out.out, out.err

    code, _, err = invoke("import", str(package), "--reason", "fixture")
    assert code == 0, err
    invoke.url = store_url
    return invoke


def latest(url: str, kind: str, key: str) -> dict:
    with moneytrail.ledger.open(url, load_bundled=False) as ledger:
        return ledger.history(kind, key).iloc[0].to_dict()


@pytest.mark.parametrize("reason", [None, "", "   "])
@pytest.mark.parametrize("command", ["edit", "add", "revert"])
def test_cli_writes_need_a_reason_that_is_not_blank(cli, command, reason):
    before = latest(cli.url, "deal", "d_gb")["revision"]
    args = {"edit": ["edit", "deal", "d_gb", "note=checked"],
            "add": ["add", "source", "id=s_new", "publisher=P", "title=T",
                    "url=https://example.org/n", "published=2024-01-01",
                    "accessed=2026-01-01", "reliability=official", "primary_ref=ref"],
            "revert": ["revert", str(before)]}[command]
    if reason is not None:
        args += ["--reason", reason]
    code, out, err = cli(*args)
    assert code == 2, out + err
    line = " ".join(err.split())
    assert "--reason" in line and "a reason is required" in line, err
    assert latest(cli.url, "deal", "d_gb")["revision"] == before      # nothing written


def test_cli_revisions_say_they_came_from_the_command_line(cli):
    code, _, err = cli("edit", "deal", "d_gb", "note=checked", "--author", "alice",
                       "--reason", "typo")
    assert code == 0, err
    assert latest(cli.url, "deal", "d_gb")["author"] == "alice (command line)"
    code, _, err = cli("edit", "deal", "d_gb", "note=again", "--reason", "typo")   # $USER
    assert code == 0, err
    assert latest(cli.url, "deal", "d_gb")["author"] == "cli-user (command line)"


def test_a_refused_revert_offers_force_only_on_the_command_line(cli):
    with moneytrail.ledger.open(cli.url, load_bundled=False) as ledger:
        first = ledger.edit("claim", "eu_com", {"note": "first"}, author="a").revisions[0]
        ledger.edit("claim", "eu_com", {"note": "second"}, author="b")
        with pytest.raises(ConflictError) as refused:
            ledger.revert(first, author="c", reason="why")
    assert "revert the later revisions first" in refused.value.detail
    assert "--force" not in str(refused.value)          # the web and the API have no --force
    code, _, err = cli("revert", str(first), "--reason", "undo")
    assert code == 5
    assert "revert the later revisions first, or use --force" in " ".join(err.split())


@pytest.mark.parametrize("kind", ["deal", "source"])
def test_undoing_the_add_of_a_cited_record_names_what_cites_it(ledger, kind):
    if kind == "deal":
        added = ledger.add("deal", {"id": "d_new", "name": "New", "kind": "pledge",
                                    "region": "GB", "sector": "public", "purpose": "compute",
                                    "announcer": "Someone", "announced": "2024-01",
                                    "horizon_end": "2030", "sources": "s_a"},
                           author="a", reason="new").revisions[0]
        for ref, stage in (("new_one", "announced"), ("new_two", "committed")):
            ledger.add("claim", {"ref": ref, "deal": "d_new", "stage": stage,
                                 "central": "1e9", "currency": "GBP", "price_year": "2024",
                                 "as_of": "2024-06", "source": "s_a"}, author="a", reason="r")
        expected = "cannot undo adding deal 'd_new': 2 claims (new_one, new_two) still " \
            "refer to it (revert or edit them first)"
    else:
        added = ledger.add("source", {"id": "s_new", "publisher": "P", "title": "T",
                                      "url": "https://example.org/n",
                                      "published": "2024-01-01", "accessed": "2026-01-01",
                                      "reliability": "official", "primary_ref": "ref"},
                           author="a", reason="new").revisions[0]
        ledger.edit("deal", "d_gb", {"sources": "s_a;s_new"}, author="a", reason="r")
        expected = "cannot undo adding source 's_new': 1 deal (d_gb) still refers to it " \
            "(revert or edit them first)"
    with pytest.raises(LedgerError) as refused:
        ledger.revert(added, author="a", reason="undo")
    assert refused.value.detail == expected
    assert refused.value.field == "revision" and refused.value.value == added
    assert ledger.get(kind, "d_new" if kind == "deal" else "s_new")        # still there


def test_undoing_the_add_of_an_uncited_record_still_removes_it(ledger):
    added = ledger.add("source", {"id": "s_new", "publisher": "P", "title": "T",
                                  "url": "https://example.org/n", "published": "2024-01-01",
                                  "accessed": "2026-01-01", "reliability": "official",
                                  "primary_ref": "ref"}, author="a", reason="new").revisions[0]
    ledger.revert(added, author="a", reason="undo")
    from moneytrail.ledger.errors import NotFoundError

    with pytest.raises(NotFoundError):
        ledger.get("source", "s_new")


@pytest.mark.parametrize(("kind", "key"), [("claim", "a\x00b"), ("source", "\x00"),
                                           ("fx", "2024/US\x00")])
def test_a_key_with_a_nul_is_not_found_on_every_store(ledger, kind, key):
    """PostgreSQL cannot compare text holding a NUL (psycopg.DataError); SQLite found
    nothing. Both now say 'not found'."""
    from moneytrail.ledger.errors import NotFoundError

    with pytest.raises(NotFoundError):
        ledger.get(kind, key)
