"""Accounts, sessions, API keys and login throttling, kept in the ledger's database.

    from moneytrail.accounts import Accounts
    accounts = Accounts(ledger.engine)
    accounts.add("ada", "a long passphrase", role="editor")
    session = accounts.login("ada", "a long passphrase", client="127.0.0.1")

Secrets are never stored in the clear: passwords as argon2id hashes, session ids and API keys as
SHA-256 digests (both are 128+ bits of `secrets` randomness, so a fast hash is enough). Every
write is one transaction; account changes take the ledger's store-wide write lock.

Every change of an account (EVENT_KINDS) writes one `account_events` row (migration 0012) in
the transaction that makes it, naming who made it (`by`: an admin's account name on the web,
`USER (command line)` from the CLI, `USER (Python)` when a script calls these methods without
saying); a refused or failed change writes none. `history` reads them back.
"""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import hmac
import os
import re
import secrets
import threading
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import Engine, delete, insert, select, update

from moneytrail.accounts.models import (
    Account,
    AccountEvent,
    ApiKey,
    LoginThrottle,
    PasswordReset,
    Session,
)
from moneytrail.errors import ConflictError, MoneytrailError, NotFoundError
from moneytrail.ledger import locking
from moneytrail.ledger.models import as_utc
from moneytrail.text import code_point, forbidden_character

ROLES = ("reader", "editor", "admin")
SCOPES = ("read", "write")
MIN_PASSWORD = 12
MAX_PASSWORD = 1024             # long enough for any passphrase; bounds the hashing work
MIN_STRENGTH = 3                # zxcvbn score: 3 "safely unguessable", about 10**10 guesses
STRENGTH_SCORED = 72            # zxcvbn's own limit; a longer password is scored by its start
NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
IDLE = dt.timedelta(minutes=30)
ABSOLUTE = dt.timedelta(hours=12)
TOUCH_EVERY = dt.timedelta(seconds=60)    # last_seen is written at most this often
# throttling (docs/security.md, "Throttling"): after THRESHOLD failures in a row, each further
# try waits 2**(n - THRESHOLD) s, at most MAX_DELAY. Counted per (account name, client) pair,
# so wrong passwords from one client never block the account's owner elsewhere, and per
# client across all names (password spraying; more slack: several people behind one NAT).
# There is no account-wide counter: any account-wide wait lets anyone lock the owner out.
PAIR_THRESHOLD = 5
CLIENT_THRESHOLD = 20
MAX_DELAY = dt.timedelta(minutes=15)
# the per-client counter (all names) is not cleared by anyone's success (else any account
# holder could lift it by logging in between rounds); it starts again after an hour without
# a counted attempt from that client (longer than MAX_DELAY, so a steady attacker never gets
# a fresh count)
CLIENT_FORGET = dt.timedelta(hours=1)
IPV6_GROUP = 64           # an IPv6 client is counted by its /64 (one host holds a whole /64)
RESET_VALID = dt.timedelta(hours=24)      # default lifetime of an admin-issued reset link
MAX_RESET_VALID = dt.timedelta(days=7)
MIN_RESET_VALID = dt.timedelta(minutes=1)
RESET_RANGE = "a reset link is valid for 1 minute to 7 days"
COMMON_PASSWORDS = Path(__file__).parent / "common-passwords.txt.gz"
# the kinds of account events (`account_events.kind`, migration 0012): stable words, in the
# order an account usually meets them
EVENT_KINDS = ("created", "role_changed", "disabled", "enabled", "key_created", "key_revoked",
               "reset_issued", "password_reset", "password_changed")
RESET_LINK = "reset link"       # the actor of a password reset: whoever held the link
# the largest event id `history` takes as `before` or `limit`: the largest value of the id
# column (an Integer: 32 bits on PostgreSQL, which refuses a larger one in the query)
MAX_EVENT_ID = 2 ** 31 - 1
ACTOR_LENGTH = int(AccountEvent.__table__.c.actor.type.length)  # type: ignore[attr-defined]

Clock = Callable[[], dt.datetime]


class AccountError(MoneytrailError):
    """Bad account input: a name, role, scope or password that breaks a rule.

    `problems`: a password change or reset reports every problem of one submission at once
    (`raise_all`): the error raised is the first, and `problems` holds them all, so a form
    shows each at its field (as `LedgerError.problems`); () when there is only this one."""

    problems: tuple[MoneytrailError, ...] = ()


class AuthError(MoneytrailError):
    """Wrong name or password (deliberately does not say which). `problems` as AccountError."""

    http_status = 401
    problems: tuple[MoneytrailError, ...] = ()


class Throttled(MoneytrailError):
    """Too many failed logins: try again after `retry_after` seconds. `problems` as
    AccountError."""

    http_status = 429
    problems: tuple[MoneytrailError, ...] = ()

    def __init__(self, retry_after: int) -> None:
        self.retry_after = retry_after
        super().__init__(f"too many failed logins; try again in {retry_after} s")


def client_key(client: str) -> str:
    """The client address as the throttle counts it: an IPv4 address as is (an IPv4-mapped
    IPv6 address as its IPv4), an IPv6 address by its /64 network (a single host is usually
    given a whole /64, so counting single addresses would give it 2**64 fresh counters),
    anything else (a test client's name) as given."""
    import ipaddress

    try:
        address = ipaddress.ip_address(client.strip())
    except ValueError:
        return client.strip()[:100]
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.ip_network(f"{address}/{IPV6_GROUP}", strict=False))
    return str(address)


def throttle_keys(name: str, client: str) -> tuple[tuple[str, int], ...]:
    """The login_throttle rows a login attempt counts in, with their thresholds: the
    (account name, client) pair and the client alone. No row is keyed by the name alone."""
    where = client_key(client)
    return ((f"pair:{name}@{where}", PAIR_THRESHOLD), (f"client:{where}", CLIENT_THRESHOLD))


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def local_actor(place: str) -> str:
    """Who makes an account change from this machine, as the history names it: the OS user
    ($USER) and where, `alice (command line)` as the ledger's revisions name a CLI author
    (cli.ledger.author_of; account names hold no space or bracket, so it never reads as a
    signed-in account); `(command line)` when USER is not set. Control characters of USER
    are left out (a history line stays one line); at most ACTOR_LENGTH characters."""
    user = "".join(char for char in os.environ.get("USER", "")
                   if unicodedata.category(char) != "Cc").strip()
    suffix = f"({place})"
    return (f"{user[:ACTOR_LENGTH - len(suffix) - 1]} {suffix}" if user else suffix)


def aware(value: dt.datetime) -> dt.datetime:
    """A time in UTC (+00:00) as the store hands it back (`ledger.models.as_utc`; a naive
    time, as SQLite keeps them, is UTC)."""
    return as_utc(value)


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@cache
def common_passwords() -> frozenset[str]:
    """The shipped list of common passwords (lower-cased; see accounts/README.md)."""
    with gzip.open(COMMON_PASSWORDS, "rt", encoding="utf-8") as handle:
        return frozenset(line.strip() for line in handle if line.strip())


CHOOSE_ANOTHER = "choose another (a few unrelated words make a good one)"


def password_hint(whose: str = "your") -> str:
    """The rules of `check_password` in words, for the hint under a new-password field
    (`whose` account name: "your" on one's own page, "the" on a reset link's)."""
    return (f"At least {MIN_PASSWORD} characters, not a common password, not containing "
            f"{whose} account name, and hard enough to guess: a strength check refuses "
            "patterns such as repeats (passwordpassword), sequences (abcdefgh) or keyboard "
            "rows. A few unrelated words make a good one; pasting from a password manager is "
            "fine.")


def check_password(password: str, name: str = "", *, scored: bool = True) -> None:
    """ASVS 6.2 (v4.0.3 2.1): at least 12 characters, not a common password, not the account
    name, and hard enough to guess: a zxcvbn score of at least MIN_STRENGTH, with the account
    name and "moneytrail" as words an attacker would try first. No composition rules, and
    nothing is stripped or truncated (zxcvbn scores the first STRENGTH_SCORED characters).
    A control character (a tab, a line break, NUL) is refused: no one can type it into the
    login form, so it is a copy-and-paste or line-ending slip (a CR kept from `printf
    'pw\\r\\n'`).

    Every rule the password breaks is named at once, in one AccountError on the `password`
    field (too short, too common and containing the name: one message saying all three), so
    fixing one never just uncovers the next. A common password is not also scored (zxcvbn
    would only say it is common again). `scored` False leaves out the zxcvbn check."""
    broken = password_rules_broken(password, name, scored=scored)
    if not broken:
        return
    if len(broken) == 1:
        raise AccountError(broken[0][0], field="password")
    clauses = [clause for _, clause, _ in broken]
    message = f"this password breaks {len(broken)} rules: " \
        f"{', '.join(clauses[:-1])} and {clauses[-1]}"
    if any(guessable for _, _, guessable in broken):
        message += f"; {CHOOSE_ANOTHER}"
    raise AccountError(message, field="password")


def password_rules_broken(password: str, name: str = "", *, scored: bool = True
                          ) -> list[tuple[str, str, bool]]:
    """Each rule of `check_password` that `password` breaks, in the rules' order, as (the
    message when it is the only one, the clause naming it among several, whether it is about
    how easy the password is to guess)."""
    broken: list[tuple[str, str, bool]] = []
    control = next((char for char in password if unicodedata.category(char) == "Cc"), None)
    if control is not None:
        what = f"the control character {code_point(control)} (a tab, a line break or " \
            "another invisible character)"
        broken.append((f"a password may not contain {what}; remove it",
                       f"it contains {what}", False))
    if len(password) < MIN_PASSWORD:
        broken.append((f"a password needs at least {MIN_PASSWORD} characters",
                       f"it needs at least {MIN_PASSWORD} characters", False))
    if len(password) > MAX_PASSWORD:
        broken.append((f"a password may have at most {MAX_PASSWORD} characters",
                       f"it may have at most {MAX_PASSWORD} characters", False))
    lowered = password.lower()
    common = lowered in common_passwords()
    if common:
        broken.append((f"this password is too common; {CHOOSE_ANOTHER}", "it is too common",
                       True))
    if name and name.lower() in lowered:
        broken.append((f"this password contains the account name; {CHOOSE_ANOTHER}",
                       "it contains the account name", True))
    if scored and password and not common:      # zxcvbn fails on ""
        score, warning = strength(password, name)
        if score < MIN_STRENGTH:
            why = warning[:1].lower() + warning[1:].rstrip(".") if warning else \
                "it follows a pattern that is quick to guess"
            broken.append((f"this password is too easy to guess ({why}); {CHOOSE_ANOTHER}",
                           f"it is too easy to guess ({why})", True))
    return broken


def check_name(name: str) -> str:
    """A new account's name without surrounding spaces; raises AccountError when it breaks
    the rule (NAME). `users add` checks it before asking for the password."""
    name = name.strip()
    if not NAME.match(name):
        raise AccountError("a name has 2 to 64 characters: lower-case letters, digits, "
                           "'.', '_' or '-'", field="name", value=name)
    return name


def repeat_problem(new: str, repeated: str | None) -> AccountError | None:
    """The problem of a new password typed twice differently (a form asks twice: a typo would
    lock the owner out), else None; `repeated` None: not asked (a script)."""
    if repeated is None or repeated == new:
        return None
    return AccountError("the two new passwords differ: type the same one twice",
                        field="repeat_password")


def password_problem(password: str, name: str, *, scored: bool = True
                     ) -> AccountError | None:
    """check_password's problem with `password` (every rule it breaks, in one message), else
    None. `scored` False leaves out the zxcvbn strength check (milliseconds of CPU under a
    process-wide lock, `strength`): a throttled attempt still lists the cheap rules."""
    try:
        check_password(password, name, scored=scored)
    except AccountError as exc:
        return exc
    return None


def raise_all(problems: list[AccountError | AuthError | Throttled]) -> None:
    """Raise the first of `problems` (its class, message and status, as when a check stopped
    there) carrying them all in `problems`; nothing when the list is empty."""
    if problems:
        first = problems[0]
        first.problems = tuple(problems) if len(problems) > 1 else ()
        raise first


_STRENGTH_LOCK = threading.Lock()


def strength(password: str, name: str = "") -> tuple[int, str]:
    """zxcvbn's score (0 to 4) of `password` and its warning ("" if none). zxcvbn is imported
    here, not at module level (`import moneytrail` and the CLI stay light); its matcher keeps
    the user inputs in a module global, hence the lock."""
    from zxcvbn import zxcvbn

    with _STRENGTH_LOCK:
        result = zxcvbn(password[:STRENGTH_SCORED],
                        user_inputs=[item for item in (name, "moneytrail") if item])
    return int(result["score"]), str(result["feedback"].get("warning") or "")


@dataclass(frozen=True)
class Who:
    """The account behind a request, and how it proved itself."""

    id: int
    name: str
    role: str
    via: str                      # "session" or "key"
    scope: str = "write"          # an API key's scope; sessions may do what the role allows
    csrf_token: str = ""          # the session's CSRF token ("" for API keys)

    @property
    def can_edit(self) -> bool:
        return self.role in ("editor", "admin") and self.scope == "write"

    @property
    def is_admin(self) -> bool:
        return self.role == "admin" and self.scope == "write"


@dataclass(frozen=True)
class NewSession:
    """A session just created: `token` goes into the cookie and is never stored."""

    token: str
    csrf_token: str
    who: Who


class Accounts:
    """Account operations on a ledger store's engine (tables from migration 0004)."""

    def __init__(self, engine: Engine, clock: Clock = utc_now,
                 hasher: PasswordHasher | None = None) -> None:
        self.engine = engine
        self.clock = clock
        # argon2id with the library's RFC 9106 low-memory defaults (tests pass cheaper ones;
        # a stored hash with other parameters is re-hashed at the next login)
        self.hasher = hasher or PasswordHasher()
        self._dummy = self.hasher.hash(secrets.token_urlsafe(16))

    # -- the history of account changes (migration 0012) ---------------------------------
    def _record(self, conn, account: str, kind: str, details: str, by: str | None,
                now: dt.datetime | None = None) -> None:
        """Write one account event in the transaction `conn` of the change it describes (so
        neither is kept without the other). `by` None: `local_actor("Python")`."""
        if kind not in EVENT_KINDS:
            raise ValueError(f"unknown account event kind {kind!r}")
        actor = (by or "").strip()[:ACTOR_LENGTH] or local_actor("Python")
        conn.execute(insert(AccountEvent).values(
            account=account, kind=kind, details=details, actor=actor,
            created_at=now or self.clock()))

    def history(self, name: str | None = None, *, before: int | None = None,
                limit: int | None = None) -> list[dict]:
        """The account events, newest first: of every account, or of the account `name`
        (NotFoundError when there is none). Each: {"id": int, "account": str, "kind": one of
        EVENT_KINDS, "details": str, "actor": str, "time": ISO 8601 UTC to the second}. Empty
        for changes made before migration 0012 (none were recorded).

        One page of them (`users history` and the web's account pages): `before`, an event
        id, keeps only older events (ids below it; events are numbered in the order they
        were written, so a page stays the same while newer events are added); `limit`, at
        most that many. Both must be whole numbers from 1 to MAX_EVENT_ID (ValueError else:
        the caller checks what a user typed and says so in its own words)."""
        for value in (before, limit):
            if value is not None and not 1 <= value <= MAX_EVENT_ID:
                raise ValueError(f"before and limit are 1 to {MAX_EVENT_ID}, not {value}")
        with self.engine.connect() as conn:
            query = select(AccountEvent).order_by(AccountEvent.id.desc())
            if name is not None:
                self._account_id(conn, name)
                query = query.where(AccountEvent.account == name)
            if before is not None:
                query = query.where(AccountEvent.id < before)
            if limit is not None:
                query = query.limit(limit)
            rows = conn.execute(query).all()
        return [{"id": row.id, "account": row.account, "kind": row.kind,
                 "details": row.details, "actor": row.actor,
                 "time": aware(row.created_at).isoformat(timespec="seconds")} for row in rows]

    # -- accounts -------------------------------------------------------------------------
    def add(self, name: str, password: str, *, role: str = "editor",
            by: str | None = None) -> int:
        """Create an account; returns its id. The name must be new. `by`: who creates it,
        for its `created` event (see `_record`)."""
        name = check_name(name)
        if role not in ROLES:
            raise AccountError(f"role must be one of {', '.join(ROLES)}", field="role",
                               value=role)
        check_password(password, name)
        hashed = self.hasher.hash(password)
        with locking.write_transaction(self.engine) as conn:
            self._refuse_taken(conn, name)        # again: it may have been taken meanwhile
            now = self.clock()
            account = conn.execute(insert(Account).values(
                name=name, role=role, password_hash=hashed, disabled=False,
                created_at=now).returning(Account.id)).scalar_one()
            self._record(conn, name, "created", f"role {role}", by, now)
            return account

    def check_new_name(self, name: str) -> str:
        """`name` without surrounding spaces when it follows the rule (`check_name`) and no
        account has it yet, else AccountError or ConflictError. `users add` asks this before
        the password is typed; `add` checks again in its write transaction (someone may take
        the name in between)."""
        name = check_name(name)
        with self.engine.connect() as conn:
            self._refuse_taken(conn, name)
        return name

    @staticmethod
    def _refuse_taken(conn, name: str) -> None:
        if conn.execute(select(Account.id).where(Account.name == name)).first():
            raise ConflictError("an account with this name exists", field="name", value=name)

    def list(self) -> list[dict]:
        """Every account (no secrets): name, role, disabled, created_at, live sessions, keys."""
        with self.engine.connect() as conn:
            rows = conn.execute(select(Account).order_by(Account.name)).all()
            out = []
            for row in rows:
                sessions = conn.execute(select(Session.id_hash).where(
                    Session.account_id == row.id)).all()
                keys = conn.execute(select(ApiKey.prefix).where(
                    ApiKey.account_id == row.id, ApiKey.revoked.is_(False))).all()
                out.append({"name": row.name, "role": row.role, "disabled": row.disabled,
                            "created_at": aware(row.created_at).isoformat(timespec="seconds"),
                            "sessions": len(sessions), "api_keys": len(keys)})
        return out

    def any_admin(self) -> bool:
        with self.engine.connect() as conn:
            return conn.execute(select(Account.id).where(
                Account.role == "admin", Account.disabled.is_(False))).first() is not None

    def _account_id(self, conn, name: str) -> int:
        found = conn.execute(select(Account.id).where(Account.name == name)).scalar()
        if found is None:
            raise NotFoundError("no account with this name", field="name", value=name)
        return found

    @staticmethod
    def _refuse_last_admin(conn, account: int, name: str) -> None:
        """Raise AccountError when `account` is the only enabled admin (demoting or disabling
        it would leave no one to manage accounts); called inside the write transaction that
        makes the change, so two admins demoting each other cannot both pass."""
        role, disabled = conn.execute(select(Account.role, Account.disabled).where(
            Account.id == account)).one()
        if role != "admin" or disabled:
            return
        other = conn.execute(select(Account.id).where(
            Account.role == "admin", Account.disabled.is_(False),
            Account.id != account)).first()
        if other is None:
            raise AccountError(f"{name} is the only admin: make another account admin first "
                               "(moneytrail users role NAME admin)", field="name", value=name)

    def _end_resets(self, conn, account: int) -> None:
        """Use up the account's unused reset links (used_at now), inside the caller's write
        transaction: a link dies for good, as when a newer one is issued."""
        conn.execute(update(PasswordReset).where(
            PasswordReset.account_id == account, PasswordReset.used_at.is_(None))
            .values(used_at=self.clock()))

    def disable(self, name: str, *, by: str | None = None) -> bool:
        """Disable an account: it can no longer log in, its sessions end, its keys are revoked
        and its unused reset links die for good (enabling it again does not revive them).
        Returns False when it was already disabled (then nothing changes). Raises
        NotFoundError, AccountError (the only enabled admin: `_refuse_last_admin`). `by`: who
        disables it (its `disabled` event)."""
        with locking.write_transaction(self.engine) as conn:
            account = self._account_id(conn, name)
            if conn.execute(select(Account.disabled).where(Account.id == account)).scalar():
                return False
            self._refuse_last_admin(conn, account, name)
            conn.execute(update(Account).where(Account.id == account).values(disabled=True))
            conn.execute(delete(Session).where(Session.account_id == account))
            self._end_resets(conn, account)
            revoked = conn.execute(update(ApiKey).where(
                ApiKey.account_id == account, ApiKey.revoked.is_(False))
                .values(revoked=True)).rowcount
            self._record(conn, name, "disabled", keys_revoked(revoked), by)
        return True

    def enable(self, name: str, *, by: str | None = None) -> bool:
        """Let a disabled account log in again; returns False when it was not disabled (then
        nothing changes). Its sessions ended and its API keys were revoked when it was
        disabled: they stay so (it logs in anew; `new_key` makes new keys). `by`: who
        enables it (its `enabled` event)."""
        with locking.write_transaction(self.engine) as conn:
            account = self._account_id(conn, name)
            if not conn.execute(update(Account).where(
                    Account.id == account, Account.disabled.is_(True))
                    .values(disabled=False)).rowcount:
                return False
            self._record(conn, name, "enabled", "its API keys stay revoked", by)
            return True

    def set_role(self, name: str, role: str, *, by: str | None = None) -> str:
        """Give the account `role` (reader, editor or admin); returns its role before (the
        same when nothing changed). Its sessions and API keys stay: `session` and `by_key`
        read the role on every request, so a demotion holds from the account's next
        request on (a demoted editor's open form cannot save; a write key of an account now
        a reader may only read). Its unused reset links die: a link issued for the account
        with one role never opens it with another (a promotion to admin needs a new link).
        Raises AccountError (unknown role; demoting the only enabled admin:
        `_refuse_last_admin`), NotFoundError. `by`: who changes it (its
        `role_changed` event, "editor -> admin")."""
        if role not in ROLES:
            raise AccountError(f"role must be one of {', '.join(ROLES)}", field="role",
                               value=role)
        with locking.write_transaction(self.engine) as conn:
            account = self._account_id(conn, name)
            before = conn.execute(select(Account.role).where(Account.id == account)).scalar_one()
            if before != role:
                self._refuse_last_admin(conn, account, name)
                conn.execute(update(Account).where(Account.id == account).values(role=role))
                self._end_resets(conn, account)
                self._record(conn, name, "role_changed", f"{before} -> {role}", by)
        return before

    # -- API keys -------------------------------------------------------------------------
    def new_key(self, name: str, scope: str, *, by: str | None = None) -> str:
        """A new API key for the account (returned once; only its hash is kept). Raises
        NotFoundError, AccountError (unknown scope, a disabled account, a write key for a
        reader: it could never write). `by`: who makes it (its `key_created` event names the
        key's prefix and scope, never the key)."""
        if scope not in SCOPES:
            raise AccountError(f"scope must be one of {', '.join(SCOPES)}", field="scope",
                               value=scope)
        prefix = secrets.token_hex(6)
        key = f"mt_{prefix}_{secrets.token_urlsafe(32)}"
        with locking.write_transaction(self.engine) as conn:
            account = self._account_id(conn, name)
            disabled, role = conn.execute(select(Account.disabled, Account.role).where(
                Account.id == account)).one()
            if disabled:
                raise AccountError("the account is disabled", field="name", value=name)
            if scope == "write" and role == "reader":
                raise AccountError(f"{name} is a reader: a write key needs an editor or "
                                   f"admin account (moneytrail users role {name} editor)")
            now = self.clock()
            conn.execute(insert(ApiKey).values(
                account_id=account, prefix=prefix, key_hash=digest(key), scope=scope,
                revoked=False, created_at=now))
            self._record(conn, name, "key_created", f"prefix {prefix}, scope {scope}", by, now)
        return key

    def revoke_key(self, key_or_prefix: str, *, by: str | None = None) -> bool:
        """Revoke the API key given whole or by its prefix (the part after `mt_`); returns
        False when it was already revoked (then nothing changes). Raises NotFoundError.
        `by`: who revokes it (its account's `key_revoked` event, naming the prefix)."""
        prefix = key_or_prefix.split("_")[1] if key_or_prefix.startswith("mt_") \
            else key_or_prefix
        with locking.write_transaction(self.engine) as conn:
            found = conn.execute(
                select(Account.name, ApiKey.scope, ApiKey.revoked)
                .join(Account, Account.id == ApiKey.account_id)
                .where(ApiKey.prefix == prefix)).first()
            if found is None:
                raise NotFoundError("no API key with this prefix", field="key", value=prefix)
            if not conn.execute(update(ApiKey).where(ApiKey.prefix == prefix,
                                                     ApiKey.revoked.is_(False))
                                .values(revoked=True)).rowcount:
                return False
            self._record(conn, found.name, "key_revoked",
                         f"prefix {prefix}, scope {found.scope}", by)
            return True

    def by_key(self, key: str) -> Who | None:
        """The account of a valid, unrevoked API key of an enabled account, else None."""
        parts = key.split("_", 2)
        if len(parts) != 3 or parts[0] != "mt" or len(key) > 200:
            return None
        with self.engine.connect() as conn:
            row = conn.execute(
                select(ApiKey.key_hash, ApiKey.scope, Account.id, Account.name, Account.role)
                .join(Account, Account.id == ApiKey.account_id)
                .where(ApiKey.prefix == parts[1], ApiKey.revoked.is_(False),
                       Account.disabled.is_(False))).first()
        if row is None or not hmac.compare_digest(row.key_hash, digest(key)):
            return None
        return Who(row.id, row.name, row.role, via="key", scope=row.scope)

    # -- login and sessions ---------------------------------------------------------------
    @staticmethod
    def _wait(rows: dict[str, tuple[int, dt.datetime]], name: str, client: str,
              now: dt.datetime) -> dt.timedelta:
        """The throttle delay left for this name and client, from the counters `rows`
        (key: failures, last counted attempt; `_rows`)."""
        wait = dt.timedelta(0)
        for key, threshold in throttle_keys(name, client):
            failures, last = rows.get(key, (0, now))
            if failures < threshold:
                continue
            delay = min(dt.timedelta(seconds=2 ** min(failures - threshold, 20)), MAX_DELAY)
            wait = max(wait, last + delay - now)
        return wait

    @staticmethod
    def _rows(conn, name: str, client: str, now: dt.datetime
              ) -> dict[str, tuple[int, dt.datetime]]:
        """The counters this name and client count in (key: failures, last counted attempt);
        a client row with no attempt for CLIENT_FORGET counts 0 failures."""
        keys = [key for key, _ in throttle_keys(name, client)]
        rows = {}
        for r in conn.execute(select(LoginThrottle).where(LoginThrottle.key.in_(keys))):
            last = aware(r.last_failure)
            forgotten = r.key.startswith("client:") and now - last >= CLIENT_FORGET
            rows[r.key] = (0 if forgotten else r.failures, last)
        return rows

    def retry_after(self, name: str, client: str) -> int:
        """Seconds until a login for this name from this client may be tried (0: now): the
        larger of the (name, client) pair's delay and the client's own (all names)."""
        now = self.clock()
        with self.engine.connect() as conn:
            wait = self._wait(self._rows(conn, name, client, now), name, client, now)
        return max(0, int(wait.total_seconds() + 0.999))

    def _attempt(self, name: str, client: str) -> None:
        """Count a login attempt BEFORE its password is checked, in one transaction under the
        store-wide write lock (SQLite BEGIN IMMEDIATE, a PostgreSQL advisory lock: atomic
        across threads and server processes), so simultaneous tries cannot all pass the
        check before any is counted. Raises `Throttled` (nothing counted) while a delay runs.
        A success takes its count back (`_succeeded`)."""
        now = self.clock()
        with locking.write_transaction(self.engine) as conn:
            rows = self._rows(conn, name, client, now)
            wait = self._wait(rows, name, client, now)
            if wait > dt.timedelta(0):
                raise Throttled(max(1, int(wait.total_seconds() + 0.999)))
            for key, _ in throttle_keys(name, client):
                failures, _ = rows.get(key, (0, now))
                if key in rows:
                    conn.execute(update(LoginThrottle).where(LoginThrottle.key == key)
                                 .values(failures=failures + 1, last_failure=now))
                else:
                    conn.execute(insert(LoginThrottle).values(key=key, failures=1,
                                                              last_failure=now))

    @staticmethod
    def _succeeded(conn, name: str, client: str) -> None:
        """After a right password: clear the (name, client) pair's counter and take this
        attempt's count back from the client's counter, whose earlier failures stay (they
        are forgotten after CLIENT_FORGET; one account's success never lifts them)."""
        (pair, _), (where, _) = throttle_keys(name, client)
        conn.execute(delete(LoginThrottle).where(LoginThrottle.key == pair))
        conn.execute(update(LoginThrottle).where(LoginThrottle.key == where,
                                                 LoginThrottle.failures > 0)
                     .values(failures=LoginThrottle.failures - 1))

    def login(self, name: str, password: str, *, client: str,
              replaces: str | None = None) -> NewSession:
        """Check a name and password and open a new session (ending the session `replaces`,
        the cookie the browser came with: the id is rotated at login).

        Raises `Throttled` while a throttle delay runs (the password is not even checked), and
        `AuthError` for a wrong name or password (the same message and work for both)."""
        name = name.strip()[:64]
        char = forbidden_character(name)
        if char is not None:            # no account name has one (NAME); PostgreSQL cannot
            raise AccountError(          # even look up a name holding a NUL
                f"an account name never contains the control character {code_point(char)}; "
                "remove it", field="name")
        self._attempt(name, client)               # counted before the password is checked
        with self.engine.connect() as conn:
            row = conn.execute(select(Account).where(Account.name == name)).first()
        stored = row.password_hash if row is not None else self._dummy
        try:
            ok = self.hasher.verify(stored, password[:MAX_PASSWORD]) and row is not None \
                and not row.disabled and len(password) <= MAX_PASSWORD
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            ok = False
        if not ok or row is None:
            raise AuthError("wrong name or password")     # the attempt stays counted
        token = secrets.token_urlsafe(16)          # 128 bits from the OS CSPRNG
        csrf = secrets.token_urlsafe(32)
        now = self.clock()
        with locking.write_transaction(self.engine) as conn:
            if replaces:
                conn.execute(delete(Session).where(Session.id_hash == digest(replaces)))
            self._succeeded(conn, name, client)
            conn.execute(insert(Session).values(
                id_hash=digest(token), account_id=row.id, csrf_token=csrf, created_at=now,
                last_seen=now, expires_at=now + ABSOLUTE))
            if self.hasher.check_needs_rehash(row.password_hash):
                conn.execute(update(Account).where(Account.id == row.id).values(
                    password_hash=self.hasher.hash(password)))
        return NewSession(token, csrf, Who(row.id, row.name, row.role, via="session",
                                           csrf_token=csrf))

    def session(self, token: str) -> Who | None:
        """The account of a live session (not idle past 30 min, not past 12 h, account
        enabled), else None; an expired session is deleted."""
        if not token or len(token) > 100:
            return None
        now = self.clock()
        key = digest(token)
        with self.engine.connect() as conn:
            row = conn.execute(
                select(Session.last_seen, Session.expires_at, Session.csrf_token, Account.id,
                       Account.name, Account.role, Account.disabled)
                .join(Account, Account.id == Session.account_id)
                .where(Session.id_hash == key)).first()
        if row is None:
            return None
        if row.disabled or now >= aware(row.expires_at) or now - aware(row.last_seen) >= IDLE:
            self.logout(token)
            return None
        if now - aware(row.last_seen) >= TOUCH_EVERY:
            with self.engine.begin() as conn:
                conn.execute(update(Session).where(Session.id_hash == key)
                             .values(last_seen=now))
        return Who(row.id, row.name, row.role, via="session", csrf_token=row.csrf_token)

    def logout(self, token: str) -> None:
        """End a session (a no-op for an unknown one)."""
        with self.engine.begin() as conn:
            conn.execute(delete(Session).where(Session.id_hash == digest(token)))

    # -- passwords: change and admin-issued reset (migration 0005) -------------------------
    def _verify(self, stored: str, password: str) -> bool:
        try:
            return bool(self.hasher.verify(stored, password[:MAX_PASSWORD])) \
                and len(password) <= MAX_PASSWORD
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False

    def _new_session(self, conn, account: int, now: dt.datetime) -> tuple[str, str]:
        token = secrets.token_urlsafe(16)
        csrf = secrets.token_urlsafe(32)
        conn.execute(insert(Session).values(
            id_hash=digest(token), account_id=account, csrf_token=csrf, created_at=now,
            last_seen=now, expires_at=now + ABSOLUTE))
        return token, csrf

    def change_password(self, token: str, current: str, new: str, *,
                        client: str, repeated: str | None = None) -> NewSession:
        """Change the password of the session `token`'s account: the current password must be
        right (a wrong one counts as a failed login and is throttled alike), the new one
        follows the same rules as at creation and, when `repeated` is given (a form asks
        twice), equals it. Every session of the account ends (this one too) and a new session
        is returned, so the cookie is rotated; unused reset links die and the account's API
        keys are revoked (in the same transaction, as a reset does), and a `password_changed`
        event names the account itself as who did it.

        Every problem of the request is found before one is raised (`raise_all`: the first
        raised, all in its `problems`) and nothing changes while any exists. The rules are
        public, so the new password is checked whatever the current one; the current password
        is only ever said to be wrong (the new one is compared with it only once it is right).

        Raises `AuthError` (no session, or wrong current password), `Throttled` (the current
        password is then not checked), `AccountError` (the new password breaks a rule, equals
        the current one or differs from `repeated`)."""
        who = self.session(token)
        if who is None:
            raise AuthError("log in again to change your password")
        problems: list[AccountError | AuthError | Throttled] = []
        right = False
        throttled = False
        try:
            self._attempt(who.name, client)       # counted before the password is checked
        except Throttled as exc:
            problems.append(exc)
            throttled = True
        else:
            with self.engine.connect() as conn:
                stored = conn.execute(select(Account.password_hash).where(
                    Account.id == who.id)).scalar_one()
            right = self._verify(stored, current)
            if not right:
                problems.append(AuthError("the current password is wrong",
                                          field="current_password"))
            else:
                with locking.write_transaction(self.engine) as conn:
                    self._succeeded(conn, who.name, client)   # a right password is no failure
        same = right and new == current
        if same:
            problems.append(AccountError("the new password is the same as the current one",
                                         field="new_password"))
        # a throttled attempt changes nothing: the cheap rules are listed, the zxcvbn score
        # (milliseconds under a process-wide lock) is not computed for it
        for problem in (None if same else password_problem(new, who.name,
                                                           scored=not throttled),
                        repeat_problem(new, repeated)):
            if problem is not None:
                problems.append(problem)
        raise_all(problems)
        hashed = self.hasher.hash(new)
        now = self.clock()
        with locking.write_transaction(self.engine) as conn:
            conn.execute(update(Account).where(Account.id == who.id)
                         .values(password_hash=hashed))
            conn.execute(delete(Session).where(Session.account_id == who.id))
            conn.execute(update(PasswordReset).where(
                PasswordReset.account_id == who.id, PasswordReset.used_at.is_(None))
                .values(used_at=now))
            # as a reset does: a key taken with the old password must not outlive it
            revoked = conn.execute(update(ApiKey).where(
                ApiKey.account_id == who.id, ApiKey.revoked.is_(False))
                .values(revoked=True)).rowcount
            new_token, csrf = self._new_session(conn, who.id, now)
            # the account's own session made it (the current password was checked)
            self._record(conn, who.name, "password_changed", keys_revoked(revoked), who.name,
                         now)
        return NewSession(new_token, csrf, Who(who.id, who.name, who.role, via="session",
                                               csrf_token=csrf))

    def issue_reset(self, name: str, valid: dt.timedelta = RESET_VALID, *,
                    by: str | None = None) -> str:
        """A one-time password reset token for the account (returned once; only its SHA-256
        is stored), valid for `valid` (at most 7 days). Earlier unused tokens of the account
        stop working. Raises `NotFoundError`, `AccountError` (disabled account, bad validity).
        `by`: who issues it (its `reset_issued` event says until when it is valid, never the
        token)."""
        if not MIN_RESET_VALID <= valid <= MAX_RESET_VALID:
            raise AccountError(RESET_RANGE, field="hours", value=valid.total_seconds() / 3600)
        token = secrets.token_urlsafe(32)          # 256 bits
        now = self.clock()
        with locking.write_transaction(self.engine) as conn:
            account = self._account_id(conn, name)
            if conn.execute(select(Account.disabled).where(Account.id == account)).scalar():
                raise AccountError("the account is disabled", field="name", value=name)
            conn.execute(update(PasswordReset).where(
                PasswordReset.account_id == account, PasswordReset.used_at.is_(None))
                .values(used_at=now))
            conn.execute(insert(PasswordReset).values(
                token_hash=digest(token), account_id=account, created_at=now,
                expires_at=now + valid, used_at=None))
            self._record(conn, name, "reset_issued",
                         f"link valid until {utc_text(now + valid)}", by, now)
        return token

    def reset_account(self, token: str) -> str | None:
        """The account name a reset token is for while it is unused and unexpired, else None."""
        if not token or len(token) > 100:
            return None
        with self.engine.connect() as conn:
            row = conn.execute(
                select(PasswordReset.expires_at, PasswordReset.used_at, Account.name,
                       Account.disabled)
                .join(Account, Account.id == PasswordReset.account_id)
                .where(PasswordReset.token_hash == digest(token))).first()
        if row is None or row.used_at is not None or row.disabled \
                or self.clock() >= aware(row.expires_at):
            return None
        return row.name

    def reset_password(self, token: str, new: str, repeated: str | None = None) -> str:
        """Set a new password with a reset token and use the token up (single use: a second
        use, an expired or unknown token raise `AuthError`). The password rules, and when
        `repeated` is given (a form asks twice) the equality with it, apply before the token
        is spent: an `AccountError` carries both problems at once (`raise_all`). Every session
        of the account ends and its API keys are revoked (a reset answers a lost or suspected
        password: a key taken with it must not outlive it; the owner makes new ones with
        `moneytrail users key`). Its `password_reset` event names RESET_LINK as who did it
        (whoever held the link) and when the link was issued. Returns the account name."""
        name = self.reset_account(token)
        if name is None:
            raise AuthError("this reset link is unknown, used or expired; ask an admin "
                            "for a new one")
        raise_all([problem for problem in (password_problem(new, name),
                                           repeat_problem(new, repeated))
                   if problem is not None])
        hashed = self.hasher.hash(new)
        now = self.clock()
        with locking.write_transaction(self.engine) as conn:
            row = conn.execute(select(PasswordReset.account_id, PasswordReset.created_at).where(
                PasswordReset.token_hash == digest(token), PasswordReset.used_at.is_(None),
                PasswordReset.expires_at > now)).first()
            if row is None:                # used by a concurrent request in the meantime
                raise AuthError("this reset link is unknown, used or expired; ask an admin "
                                "for a new one")
            conn.execute(update(PasswordReset).where(
                PasswordReset.account_id == row.account_id, PasswordReset.used_at.is_(None))
                .values(used_at=now))
            conn.execute(update(Account).where(Account.id == row.account_id)
                         .values(password_hash=hashed))
            conn.execute(delete(Session).where(Session.account_id == row.account_id))
            revoked = conn.execute(update(ApiKey).where(
                ApiKey.account_id == row.account_id, ApiKey.revoked.is_(False))
                .values(revoked=True)).rowcount
            conn.execute(delete(LoginThrottle).where(LoginThrottle.key == f"account:{name}"))
            self._record(conn, name, "password_reset",
                         f"with the link issued {utc_text(row.created_at)}; "
                         f"{keys_revoked(revoked)}", RESET_LINK, now)
        return name


def utc_text(value: dt.datetime) -> str:
    """A time as account events show it, in UTC to the second: '2026-12-04 15:37:53 UTC'."""
    return aware(value).strftime("%Y-%m-%d %H:%M:%S UTC")


def keys_revoked(count: int) -> str:
    """'sessions ended, 2 API keys revoked' (an event's details after a disable or a
    password change or reset)."""
    return f"sessions ended, {count} API key{'' if count == 1 else 's'} revoked"


def reset_validity(hours: float) -> dt.timedelta:
    """How long a reset link works, from a number of `hours` (the HTTP API's `hours`):
    MIN_RESET_VALID to MAX_RESET_VALID, else an AccountError naming
    `hours` and the value given (checked in hours first, so a huge number is that error,
    never an OverflowError of timedelta)."""
    low, high = (limit.total_seconds() / 3600 for limit in (MIN_RESET_VALID, MAX_RESET_VALID))
    if not low <= hours <= high:           # NaN too
        raise AccountError(RESET_RANGE, field="hours", value=hours)
    return dt.timedelta(hours=hours)
