"""The account history on the web (helper h225), on SQLite and PostgreSQL: `/account` shows
the signed-in account's own changes (newest first, in words, paged with `?before=`), an
admin reads any account's at `/accounts/{name}/history` and every account's at
`/accounts/history`; anyone else gets the same 404 for another account as for a name that
does not exist; anonymous visitors are sent to log in; a bad `before` is a 400 page; stored
text is escaped. All from `Accounts.history`, the function `moneytrail users history` uses."""

from __future__ import annotations

import re
from html import unescape

import pytest

pytest.importorskip("fastapi")
from accounts_fixtures import HTTPS, bearer, login, make_app, store_url  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402
from sqlalchemy import insert  # noqa: E402

from moneytrail.accounts.models import AccountEvent  # noqa: E402
from moneytrail.web.account_history import HISTORY_PAGE  # noqa: E402


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def app(request, tmp_path, monkeypatch):
    monkeypatch.setenv("USER", "alice")          # who made the fixture's changes
    with store_url(request.param, tmp_path) as url:
        application = make_app(url)
        yield application
        application.state.jobs.shutdown()
        application.state.web.close()


def rows(html: str) -> list[list[str]]:
    """The cells of the history table's body rows, as text."""
    table = re.search(r'<table class="account-events">.*?</table>', html, re.S)
    if table is None:
        return []
    return [[unescape(re.sub(r"<[^>]+>", "", cell)).strip()
             for cell in re.findall(r"<td>(.*?)</td>", row, re.S)]
            for row in re.findall(r"<tr><td>.*?</tr>", table.group(0), re.S)]


def older_link(html: str) -> str | None:
    found = re.search(r'<a href="([^"]*)"[^>]*>Older changes</a>', html)
    return unescape(found.group(1)) if found else None


def test_the_account_page_shows_the_accounts_own_changes_newest_first(app):
    app.state.accounts.revoke_key(app.state.keys[("eve", "read")].split("_")[1], by="root")
    eve = login(app, "eve")
    page = eve.get("/account")
    assert page.status_code == 200
    assert page.headers["cache-control"] == "no-store"
    prefix = {scope: app.state.keys[("eve", scope)].split("_")[1] for scope in ("read", "write")}
    assert rows(page.text) == [
        ["2026-11-30 12:00 UTC", "API key revoked", f"Read-only key mt_{prefix['read']}_…",
         "root"],
        ["2026-11-30 12:00 UTC", "API key created", f"Read-and-write key mt_{prefix['write']}_…",
         "alice, from a Python script"],
        ["2026-11-30 12:00 UTC", "API key created", f"Read-only key mt_{prefix['read']}_…",
         "alice, from a Python script"],
        ["2026-11-30 12:00 UTC", "Account created", "With the role editor",
         "alice, from a Python script"]]
    assert "Changes to your account" in page.text
    assert older_link(page.text) is None and "Newest changes" not in page.text
    # nobody else's changes, and no secret: the keys themselves are never shown
    assert "rita" not in rows(page.text).__repr__()
    assert all(key not in page.text for key in app.state.keys.values())


def test_the_account_itself_is_you_and_a_change_of_role_reads_from_to(app):
    app.state.accounts.set_role("eve", "admin", by="eve")
    eve = login(app, "eve")
    first = rows(eve.get("/account").text)[0]
    assert first[1:] == ["Role changed", "From editor to admin", "you"]


def test_an_admin_reads_any_accounts_history_and_every_accounts(app):
    root = login(app, "root")
    page = root.get("/accounts/rita/history")
    assert page.status_code == 200, page.text[:500]
    assert page.headers["cache-control"] == "no-store"
    assert "<h1>History of the account <bdi>rita</bdi></h1>" in page.text
    assert [row[1:3] for row in rows(page.text)] == [
        ["Role changed", "From editor to reader"], ["API key created", rows(page.text)[1][2]],
        ["API key created", rows(page.text)[2][2]], ["Account created", "With the role editor"]]
    # the same events as `moneytrail users history rita`, in its order
    assert [row["kind"] for row in app.state.accounts.history("rita")] == \
        ["role_changed", "key_created", "key_created", "created"]
    every = root.get("/accounts/history")
    assert every.status_code == 200 and every.headers["cache-control"] == "no-store"
    accounts = [row[1] for row in rows(every.text)]
    assert set(accounts) == {"root", "eve", "mal", "rita"}
    assert len(accounts) == len(app.state.accounts.history())
    assert '<a href="/accounts/mal/history"><bdi>mal</bdi></a>' in every.text
    # the admin's own account page leads there
    assert '<a href="/accounts/history">' in root.get("/account").text
    # an admin asking for a name that does not exist: 404
    assert root.get("/accounts/nobody/history").status_code == 404


def test_a_non_admin_gets_the_same_404_for_another_account_as_for_no_account(app):
    for name in ("eve", "rita"):                  # an editor and a reader
        client = login(app, name)
        other = client.get("/accounts/mal/history")
        missing = client.get("/accounts/nobody/history")
        assert other.status_code == missing.status_code == 404
        assert other.text == missing.text
        assert "mal" not in other.text and "Role changed" not in other.text
        assert client.get("/accounts/history").status_code == 404
        assert client.get("/accounts/history?before=abc").status_code == 404
        own = client.get(f"/accounts/{name}/history")    # their own: allowed
        assert own.status_code == 200 and rows(own.text)
    # an API key of an editor: the same
    keyed = TestClient(app, base_url=HTTPS)
    assert keyed.get("/accounts/mal/history", headers=bearer(app, "eve")).status_code == 404
    assert keyed.get("/accounts/nobody/history", headers=bearer(app, "eve")).status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(app):
    client = TestClient(app, base_url=HTTPS)
    for path, target in [("/account", "/login?next=/account"),
                         ("/account?before=7", "/login?next=/account%3Fbefore%3D7"),
                         ("/accounts/rita/history", "/login?next=/accounts/rita/history"),
                         ("/accounts/nobody/history", "/login?next=/accounts/nobody/history"),
                         ("/accounts/history", "/login?next=/accounts/history")]:
        response = client.get(path, follow_redirects=False)
        assert response.status_code == 303, path
        assert response.headers["location"] == target


def test_older_changes_are_paged_with_before(app):
    for _ in range(HISTORY_PAGE + 5):
        app.state.accounts.new_key("eve", "read", by="root")
    every = [row["id"] for row in app.state.accounts.history("eve")]
    assert len(every) == HISTORY_PAGE + 8              # created, 2 keys, 25 keys
    eve = login(app, "eve")
    first = eve.get("/account")
    assert len(rows(first.text)) == HISTORY_PAGE and "Newest changes" not in first.text
    link = older_link(first.text)
    assert link == f"/account?before={every[HISTORY_PAGE - 1]}#history"
    second = eve.get(link.split("#")[0])
    assert second.status_code == 200 and second.headers["cache-control"] == "no-store"
    older = rows(second.text)
    assert len(older) == 8 and older[-1][1] == "Account created"
    assert older_link(second.text) is None
    assert '<a href="/account#history">Newest changes</a>' in second.text
    # before the oldest: none left, said in words
    last = eve.get(f"/account?before={every[-1]}")
    assert last.status_code == 200 and rows(last.text) == []
    assert "No older changes." in last.text
    # the admin's pages of eve page the same way
    root = login(app, "root")
    page = root.get("/accounts/eve/history")
    assert older_link(page.text) == \
        f"/accounts/eve/history?before={every[HISTORY_PAGE - 1]}#history"
    assert len(rows(root.get(f"/accounts/eve/history?before={every[HISTORY_PAGE - 1]}")
                    .text)) == 8


@pytest.mark.parametrize("value", ["abc", "0", "-1", "1.5", "²", "1e3", "99999999999999999999",
                                   "2147483648", "9223372036854775807", "x" * 5000])
def test_a_bad_before_is_a_400_page_naming_it(app, value):
    eve = login(app, "eve")
    root = login(app, "root")
    for client, path in ((eve, "/account"), (root, "/accounts/eve/history"),
                         (root, "/accounts/history")):
        response = client.get(path, params={"before": value})
        assert response.status_code == 400, (path, value, response.status_code)
        assert response.headers["content-type"].startswith("text/html")
        assert "no-store" in response.headers["cache-control"]
        assert "Check <strong>before</strong>" in response.text
        assert "Older changes" in unescape(response.text)    # what to use instead


def test_the_largest_before_is_taken_and_a_repeated_one_refused(app):
    eve = login(app, "eve")
    assert eve.get("/account?before=2147483647").status_code == 200     # PostgreSQL's int4
    assert eve.get("/account?before=").status_code == 200          # empty: the newest
    assert eve.get("/account?before=3&before=4").status_code == 400


def test_stored_text_is_escaped(app):
    """An event's details and actor holding markup (a $USER of `<script>...`, text written
    to the store by another tool) are shown as text; so is a name in the address."""
    with app.state.web.ledger.engine.begin() as conn:
        conn.execute(insert(AccountEvent).values(
            account="eve", kind="enabled", details="<script>alert('d')</script>",
            actor="<script>alert('a')</script> (command line)",
            created_at=app.state.clock.now))
    for client, path in ((login(app, "eve"), "/account"),
                         (login(app, "root"), "/accounts/eve/history"),
                         (login(app, "root"), "/accounts/history")):
        page = client.get(path)
        assert page.status_code == 200
        assert "<script>alert" not in page.text
        assert "&lt;script&gt;alert(&#39;d&#39;)&lt;/script&gt;" in page.text
        assert rows(page.text)[0][-2:] == ["<script>alert('d')</script>",
                                           "<script>alert('a')</script>, on the command line"]
    missing = login(app, "root").get("/accounts/%3Cscript%3Ealert(1)%3C%2Fscript%3E/history")
    assert missing.status_code == 404 and "<script>alert(1)" not in missing.text


def test_the_store_pages_its_history(app):
    """`Accounts.history`'s page: `before` an event id, `limit` at most so many; both whole
    numbers from 1 (the web checks what a user typed first)."""
    accounts = app.state.accounts
    every = accounts.history("eve")
    assert accounts.history("eve", limit=2) == every[:2]
    assert accounts.history("eve", before=every[0]["id"]) == every[1:]
    assert accounts.history("eve", before=every[1]["id"], limit=1) == every[2:3]
    assert accounts.history(before=1) == []
    for bad in ({"before": 0}, {"limit": 0}, {"before": 2 ** 31}):
        with pytest.raises(ValueError):
            accounts.history("eve", **bad)
