"""The account store (issue 12) on SQLite and PostgreSQL: passwords, sessions, API keys,
throttling and `moneytrail users`. Time is a fake clock, so time-outs and delays are exact."""

from __future__ import annotations

import contextlib
import datetime as dt
import threading
import time

import pytest
from argon2 import PasswordHasher
from sqlalchemy import text

import moneytrail.ledger
from moneytrail.accounts import AccountError, Accounts, AuthError, Throttled, check_password
from moneytrail.accounts.store import ABSOLUTE, IDLE, MAX_DELAY, PAIR_THRESHOLD, digest
from moneytrail.errors import ConflictError, NotFoundError

PASSWORD = "plum orchard in the rain"
FAST = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)   # argon2id, cheap for tests


class Clock:
    """A settable UTC clock."""

    def __init__(self) -> None:
        self.now = dt.datetime(2026, 11, 30, 12, 0, tzinfo=dt.UTC)

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **kw: float) -> None:
        self.now += dt.timedelta(**kw)


@pytest.fixture
def store(store_url):
    ledger = moneytrail.ledger.open(store_url, load_bundled=False)
    clock = Clock()
    accounts = Accounts(ledger.engine, clock=clock, hasher=FAST)
    accounts.add("ada", PASSWORD, role="editor")
    yield accounts, clock, ledger
    ledger.close()


def dump(ledger) -> str:
    """Every account-table row as text (to look for secrets stored in the clear)."""
    with ledger.engine.connect() as conn:
        return repr([conn.execute(text(f"select * from {t}")).all()
                     for t in ("accounts", "sessions", "api_keys", "login_throttle")])


@pytest.mark.parametrize(("password", "why"), [
    ("short pass", "at least 12"),                 # 10 characters
    ("password1234", "too common"),                # on the shipped list
    ("1qaz2wsx3edc", "too common"),
    ("ada is my name!", "account name"),
])
def test_weak_passwords_are_refused(store, password, why):
    accounts, _, _ = store
    with pytest.raises(AccountError, match=why):
        accounts.add("bob", password.replace("ada", "bob"))


def test_any_long_uncommon_password_is_accepted_without_composition_rules():
    check_password("all lower case words here")     # no digits, capitals or symbols needed
    check_password("  spaces kept  " * 3)           # pasted text: nothing stripped
    check_password("ünïcödé wörds këpt")            # any Unicode


@pytest.mark.parametrize("password", [
    " " * 12, "aaaaaaaaaaaa", "123456789012", "abcdefghijkl", "iloveyou1234",
    "passwordpassword", "moneytrail123", "bobbobbob-2024"])
def test_trivial_passwords_are_refused_with_the_reason(password):
    """12+ characters and not on the common list, yet guessed at once: refused with zxcvbn's
    verdict in plain words (a repeat, a sequence, the site's own name)."""
    with pytest.raises(AccountError, match="too easy to guess|too common|account name") as exc:
        check_password(password, "bob")
    assert exc.value.field == "password" and exc.value.value is None    # never echoed


def test_the_strength_check_says_why_a_password_is_weak():
    with pytest.raises(AccountError, match=r'too easy to guess \(repeats like "aaa"'):
        check_password("aaaaaaaaaaaa")
    with pytest.raises(AccountError, match=r"too easy to guess \(sequences like"):
        check_password("abcdefghijkl")
    check_password("plum orchard rain " * 10)     # past zxcvbn's 72: its start is scored


def test_passwords_are_argon2id_hashes_and_no_secret_is_stored_in_the_clear(store):
    accounts, _, ledger = store
    session = accounts.login("ada", PASSWORD, client="c")
    key = accounts.new_key("ada", "write")
    stored = dump(ledger)
    assert "$argon2id$" in stored
    for secret in (PASSWORD, session.token, key):
        assert secret not in stored
    assert digest(session.token) in stored


def test_names_are_unique_and_roles_checked(store):
    accounts, _, _ = store
    with pytest.raises(ConflictError):
        accounts.add("ada", "another long passphrase")
    with pytest.raises(AccountError, match="role"):
        accounts.add("bob", "another long passphrase", role="root")
    with pytest.raises(AccountError, match="name"):
        accounts.add("Bob Smith", "another long passphrase")


def test_sessions_have_128_random_bits_and_are_rotated_at_login(store):
    accounts, _, _ = store
    first = accounts.login("ada", PASSWORD, client="c")
    assert len(first.token) == 22                    # 16 bytes, URL-safe base64
    second = accounts.login("ada", PASSWORD, client="c", replaces=first.token)
    assert second.token != first.token and second.csrf_token != first.csrf_token
    assert accounts.session(first.token) is None
    assert accounts.session(second.token).name == "ada"


def test_idle_and_absolute_timeouts(store):
    accounts, clock, _ = store
    idle = accounts.login("ada", PASSWORD, client="c")
    clock.advance(seconds=IDLE.total_seconds() - 1)
    assert accounts.session(idle.token) is not None          # still within 30 min (touched)
    clock.advance(seconds=IDLE.total_seconds())
    assert accounts.session(idle.token) is None              # idle 30 min: gone
    busy = accounts.login("ada", PASSWORD, client="c")
    for _ in range(int(ABSOLUTE / dt.timedelta(minutes=20))):
        clock.advance(minutes=20)
        accounts.session(busy.token)
    clock.advance(minutes=20)
    assert accounts.session(busy.token) is None              # 12 h after login: gone


def test_logout_ends_the_session(store):
    accounts, _, _ = store
    session = accounts.login("ada", PASSWORD, client="c")
    accounts.logout(session.token)
    assert accounts.session(session.token) is None


def test_disabling_ends_sessions_revokes_keys_and_refuses_login(store):
    accounts, _, _ = store
    session = accounts.login("ada", PASSWORD, client="c")
    key = accounts.new_key("ada", "write")
    assert accounts.by_key(key).scope == "write"
    accounts.disable("ada")
    assert accounts.session(session.token) is None
    assert accounts.by_key(key) is None
    with pytest.raises(AuthError):
        accounts.login("ada", PASSWORD, client="c")
    with pytest.raises(NotFoundError):
        accounts.disable("nobody")


def test_api_keys_scoped_checked_and_revocable(store):
    accounts, _, _ = store
    read = accounts.new_key("ada", "read")
    assert accounts.by_key(read).scope == "read"
    assert accounts.by_key(read[:-1] + ("A" if read[-1] != "A" else "B")) is None
    assert accounts.by_key("mt_nothing_here") is None and accounts.by_key("garbage") is None
    accounts.revoke_key(read)
    assert accounts.by_key(read) is None
    with pytest.raises(AccountError, match="scope"):
        accounts.new_key("ada", "admin")


def test_wrong_name_and_wrong_password_look_the_same(store):
    accounts, _, _ = store
    with pytest.raises(AuthError) as unknown:
        accounts.login("nobody", PASSWORD, client="c")
    with pytest.raises(AuthError) as wrong:
        accounts.login("ada", "not the password!", client="c")
    assert str(unknown.value) == str(wrong.value)


def test_100_wrong_passwords_are_throttled_and_the_right_one_works_after_the_delay(store):
    accounts, clock, _ = store
    checked = 0
    for _ in range(100):                      # one try a second
        try:
            accounts.login("ada", "wrong password guess", client="attacker")
        except Throttled:
            pass
        except AuthError:
            checked += 1
        clock.advance(seconds=1)
    # 5 free tries, then delays of 1, 2, 4, ... s: only a handful of the 100 were checked
    assert 5 < checked <= 12
    with pytest.raises(Throttled) as refused:     # even the right password, during the delay
        accounts.login("ada", PASSWORD, client="attacker")
    assert 0 < refused.value.retry_after <= MAX_DELAY.total_seconds()
    # the owner elsewhere is not locked out by the attacker's failures
    assert accounts.login("ada", PASSWORD, client="elsewhere").who.name == "ada"
    with pytest.raises(Throttled):                # while the attacker still waits
        accounts.login("ada", PASSWORD, client="attacker")
    clock.advance(seconds=MAX_DELAY.total_seconds())
    assert accounts.login("ada", PASSWORD, client="attacker").who.name == "ada"
    assert accounts.retry_after("ada", "attacker") == 0     # success resets the counters


def test_an_attacker_cannot_lock_the_owner_out(store):
    """Wrong passwords for ada from one address throttle that address (for ada, and for every
    name once it passes the client threshold), never ada's owner logging in from another
    address, however long the attack lasts; a second attacking address gets its own 5 free
    tries only. IPv6 addresses of one /64 count as one client."""
    accounts, clock, _ = store
    refused = checked = 0
    for _ in range(400):                          # an hour and more of guessing
        try:
            accounts.login("ada", "wrong password guess", client="198.51.100.7")
        except Throttled:
            refused += 1
        except AuthError:
            checked += 1
        clock.advance(seconds=10)
    assert refused > 300 and checked < 20
    assert accounts.retry_after("ada", "198.51.100.7") > 0
    for owner in ("203.0.113.5", "2001:db8:1::1"):
        assert accounts.retry_after("ada", owner) == 0
        assert accounts.login("ada", PASSWORD, client=owner).who.name == "ada"
    # the owner's success does not lift the attacker's throttle
    assert accounts.retry_after("ada", "198.51.100.7") > 0
    # a block of IPv6 addresses in one /64 is one client: 5 free tries in all, not 5 each
    statuses = []
    for n in range(12):
        try:
            accounts.login("ada", "wrong password guess", client=f"2001:db8:bad::{n:x}")
            statuses.append("ok")
        except Throttled:
            statuses.append("throttled")
        except AuthError:
            statuses.append("wrong")
    assert statuses.count("wrong") == 5 and statuses.count("throttled") == 7
    assert accounts.retry_after("ada", "2001:db8:bad:0:ffff::1") > 0
    assert accounts.retry_after("ada", "::ffff:198.51.100.7") > 0       # IPv4-mapped


def test_one_client_guessing_many_accounts_is_throttled(store):
    accounts, clock, _ = store
    for n in range(25):
        with contextlib.suppress(AuthError, Throttled):
            accounts.login(f"user{n}", "wrong password guess", client="spray")
    assert accounts.retry_after("someone-new", "spray") > 0
    assert accounts.retry_after("someone-new", "other-client") == 0


def test_users_cli(store_url, monkeypatch):
    from typer.testing import CliRunner

    from moneytrail.cli import app

    runner = CliRunner()
    add = runner.invoke(app, ["users", "add", "root", "--admin", "--password-stdin", "--db",
                              store_url], input="a very long admin passphrase\n")
    assert add.exit_code == 0, add.output
    weak = runner.invoke(app, ["users", "add", "bob", "--password-stdin", "--db", store_url],
                         input="password\n")
    assert weak.exit_code != 0 and isinstance(weak.exception, AccountError)
    assert weak.exception.exit_code == 2       # main() turns it into one line and exit 2
    key = runner.invoke(app, ["users", "key", "root", "--scope", "write", "--db", store_url])
    assert key.exit_code == 0 and key.stdout.startswith("mt_")
    listed = runner.invoke(app, ["users", "list", "-f", "json", "--db", store_url])
    assert '"role": "admin"' in listed.stdout and '"api_keys": 1' in listed.stdout
    # the only enabled admin may not be disabled (h210): a second admin first
    second = runner.invoke(app, ["users", "add", "ops", "--admin", "--password-stdin", "--db",
                                 store_url], input="another quite long admin passphrase\n")
    assert second.exit_code == 0, second.output
    assert runner.invoke(app, ["users", "disable", "root", "--db", store_url]).exit_code == 0
    listed = runner.invoke(app, ["users", "list", "-f", "json", "--db", store_url])
    assert '"disabled": true' in listed.stdout and '"api_keys": 0' in listed.stdout
    with moneytrail.ledger.open(store_url) as ledger:
        assert Accounts(ledger.engine).by_key(key.stdout.strip()) is None


def test_users_add_refuses_a_bad_name_before_asking_for_the_password(store_url):
    """h98: a bad name was only reported after the password had been typed twice (and a
    weak password first, so a name and a password were fixed one run at a time)."""
    from typer.testing import CliRunner

    from moneytrail.cli import app

    refused = CliRunner().invoke(app, ["users", "add", "Bad Name", "--db", store_url],
                                 input="")
    assert isinstance(refused.exception, AccountError), refused.output
    assert refused.exception.field == "name" and "Password" not in refused.output


def test_first_admin_from_the_environment_once(store, monkeypatch):
    from moneytrail.web.auth import first_admin_from_env

    accounts, _, _ = store
    monkeypatch.setenv("MONEYTRAIL_ADMIN_PASSWORD", "the first boss's passphrase")
    assert first_admin_from_env(accounts) == "admin"
    assert "MONEYTRAIL_ADMIN_PASSWORD" not in __import__("os").environ
    monkeypatch.setenv("MONEYTRAIL_ADMIN_PASSWORD", "another boss passphrase")
    assert first_admin_from_env(accounts) is None         # an admin exists: ignored
    assert [a["name"] for a in accounts.list() if a["role"] == "admin"] == ["admin"]


class CountingHasher(PasswordHasher):
    """The tests' cheap argon2id that counts the passwords it checks and takes as long as a
    real check would be seen to (so simultaneous logins really overlap)."""

    def __init__(self) -> None:
        super().__init__(time_cost=1, memory_cost=1024, parallelism=1)
        self.checked = 0
        self.lock = threading.Lock()

    def verify(self, hash, password):  # noqa: A002 (argon2's own parameter name)
        with self.lock:
            self.checked += 1
        time.sleep(0.05)
        return super().verify(hash, password)


def test_simultaneous_wrong_passwords_are_counted_before_they_are_checked(store_url):
    """30 wrong passwords for one account from one address at once (30 threads, each its own
    connection to the file SQLite store or PostgreSQL): the attempt is counted in the same
    locked transaction as the throttle check, before the password is verified, so at most
    PAIR_THRESHOLD (5) passwords are verified; the other 25 get Throttled. (Before, every
    thread read the counter before any failure was written, and all 30 were checked.)"""
    ledger = moneytrail.ledger.open(store_url, load_bundled=False)
    try:
        clock = Clock()                       # time stands still: no delay runs out
        hasher = CountingHasher()
        Accounts(ledger.engine, clock=clock, hasher=FAST).add("ada", PASSWORD)
        accounts = Accounts(ledger.engine, clock=clock, hasher=hasher)
        barrier = threading.Barrier(30)
        outcomes: list[str] = []

        def guess(n: int) -> None:
            barrier.wait()
            try:
                accounts.login("ada", f"wrong guess number {n}", client="198.51.100.9")
                outcomes.append("ok")
            except Throttled:
                outcomes.append("throttled")
            except AuthError:
                outcomes.append("wrong")

        threads = [threading.Thread(target=guess, args=(n,)) for n in range(30)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert sorted(outcomes) == ["throttled"] * 25 + ["wrong"] * 5
        assert hasher.checked == PAIR_THRESHOLD == 5
        with pytest.raises(Throttled):        # even the right password now waits
            accounts.login("ada", PASSWORD, client="198.51.100.9")
        assert hasher.checked == 5
    finally:
        ledger.close()


def test_a_success_does_not_lift_the_address_wide_limit(store):
    """An account holder cannot undo the per-address limit (20 failures over all names) by
    logging into their own account between rounds of guessing: a success clears only its
    own (name, address) pair, and the address's failures stay until an hour passes without
    a try from it."""
    accounts, clock, _ = store
    accounts.add("mallory", "quiet harbour lanterns at dusk")
    client = "192.0.2.44"
    wrong = 0
    for round_ in range(3):
        for n in range(8):
            try:
                accounts.login(f"victim{round_}{n}", "wrong password guess", client=client)
            except Throttled:
                continue
            except AuthError:
                wrong += 1
        with contextlib.suppress(Throttled):      # the attacker's own account, same address
            accounts.login("mallory", "quiet harbour lanterns at dusk", client=client)
        clock.advance(seconds=0.2)
    assert wrong == 20                            # not 24: the successes reset nothing
    assert accounts.retry_after("someone-else", client) > 0
    # an hour with no try from the address: its count starts again
    clock.advance(hours=1, seconds=1)
    assert accounts.retry_after("someone-else", client) == 0
    with pytest.raises(AuthError):
        accounts.login("someone-else", "wrong password guess", client=client)
