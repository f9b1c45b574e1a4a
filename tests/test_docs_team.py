"""docs/team.md, the guide for whoever runs a team's server: its `moneytrail ...` command lines
name commands and options the command line has, its links lead to files that exist, and the
README and docs/security.md lead to it."""

import re
import shlex
from pathlib import Path

import pytest
import typer.main

from moneytrail.cli import app

ROOT = Path(__file__).resolve().parents[1]
TEAM = ROOT / "docs" / "team.md"
TEXT = TEAM.read_text(encoding="utf-8")


def command_lines(text: str) -> list[list[str]]:
    """The words of each `moneytrail` command in the console blocks and inline code spans
    (environment assignments before it, and anything from a pipe or redirection on, left
    out)."""
    lines = [line for block in re.findall(r"```console\n(.*?)```", text, flags=re.S)
             for line in block.splitlines()]
    lines += re.findall(r"`([^`]+)`", " ".join(re.sub(r"```.*?```", "", text,
                                                           flags=re.S).split()))
    out = []
    for line in lines:
        words = shlex.split(line, comments=True)
        while words and re.fullmatch(r"[A-Z_]+=.*", words[0]):
            words = words[1:]
        if words[:1] != ["moneytrail"] or len(words) == 1:    # `moneytrail` alone: a name
            continue
        for stop in ("|", "<", ">"):
            if stop in words:
                words = words[:words.index(stop)]
        out.append(words)
    return out


def unknown_words(words: list[str]) -> list[str]:
    """The subcommands and options of `words` (a `moneytrail ...` line) that the command line
    does not have; `...` stands for arguments the reader fills in."""
    command = typer.main.get_command(app)
    rest = words[1:]
    while hasattr(command, "commands") and rest and not rest[0].startswith("-"):
        sub = command.commands.get(rest[0])
        if sub is None:
            return [rest[0]]
        command, rest = sub, rest[1:]
    if hasattr(command, "commands"):          # a group (typer's own click or click's)
        return ["(a command group, not a command)"]
    names = {name for param in command.params for name in param.opts}
    return [word.split("=", 1)[0] for word in rest
            if word.startswith("-") and word != "-" and word.split("=", 1)[0] not in names]


LINES = command_lines(TEXT)


def test_the_guide_shows_the_commands_of_each_task():
    shown = {" ".join(words[:3]) for words in LINES}
    for task in ("moneytrail serve --db", "moneytrail users add", "moneytrail users list",
                 "moneytrail ledger status", "moneytrail ledger export",
                 "moneytrail ledger import"):
        assert task in shown, task


@pytest.mark.parametrize("words", LINES, ids=[" ".join(w)[:60] for w in LINES])
def test_every_command_line_names_real_commands_and_options(words):
    assert unknown_words(words) == [], " ".join(words)


def test_a_misspelt_option_or_command_is_caught():
    """The check itself: a wrong option, subcommand or a bare group is reported."""
    assert unknown_words(["moneytrail", "users", "add", "ada", "--database", "x"]) == \
        ["--database"]
    assert unknown_words(["moneytrail", "ledger", "backup"]) == ["backup"]
    assert unknown_words(["moneytrail", "users"]) == ["(a command group, not a command)"]


def test_links_lead_to_files_and_the_readme_and_security_page_link_here():
    for target in re.findall(r"\]\(([^)#]+)(?:#[^)]*)?\)", TEXT):
        assert (TEAM.parent / target).is_file(), target
    assert "](docs/team.md)" in (ROOT / "README.md").read_text(encoding="utf-8")
    assert "](team.md)" in (ROOT / "docs" / "security.md").read_text(encoding="utf-8")


def test_the_guide_shows_the_status_line_and_fields_the_command_prints(tmp_path):
    """The upgrade section reads the store's schema revision from `ledger status` (h212; it
    used psql): its example line has the very shape `report.ledger.store_line` prints, and
    it names every field of the JSON/CSV table `store`."""
    import moneytrail.ledger
    from moneytrail.cli.ledger import store_facts
    from moneytrail.report.ledger import store_line

    found = re.search(r"^store (\S+) · schema revision (\d+) \(the newest this moneytrail "
                      r"knows\) · code (\S+) · data package (\S+) \(last imported\)$", TEXT,
                      flags=re.M)
    assert found, "the example status line"
    store, revision, code, data = found.groups()
    assert found.group(0) == store_line({
        "store": store, "schema_revision": revision, "newest_schema_revision": revision,
        "schema_is_newest": True, "code_version": code, "data_version": data})
    assert ":***@" in store and "PASSWORD" not in store
    with moneytrail.ledger.open(tmp_path / "ledger.sqlite", load_bundled=False) as ledger:
        fields = store_facts(ledger)
    section = " ".join(TEXT.split("## 3. Upgrades", 1)[1].split("## 4.", 1)[0].split())
    assert all(f"`{name}`" in section for name in fields), fields
    assert "alembic_version" not in TEXT            # no psql for what moneytrail prints
