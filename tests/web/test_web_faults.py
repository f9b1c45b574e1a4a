"""Faults during writes (issue 12): `moneytrail serve` killed with SIGKILL while scripts write,
and a PostgreSQL server crashed (immediate stop) and restarted mid-run.

After each fault the store must open cleanly, every write the server acknowledged (2xx) must be
there, and no write may be half done: each added source has exactly its one revision, each saved
plan has every revision up to its current number, and nothing else of ours is in the store.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

import pytest

pytest.importorskip("fastapi")
httpx = pytest.importorskip("httpx")
from sqlalchemy import text  # noqa: E402
from webserver import SRC, free_port, wait_until_up  # noqa: E402

EDITOR = ("fay", "she writes while servers die")
PLAN = {"id": "fault-plan", "title": "Fault plan", "year": 2025, "currency": "EUR",
        "buyer_region": "EU", "budget": {"amount": 1_000_000_000},
        "spend": {"accelerators": {"central": 0.6}, "servers": {"central": 0.4}},
        "draws": 100, "seed": 1}
PGBIN = next(iter(sorted(Path("/usr/lib/postgresql").glob("*/bin"))), None) \
    if Path("/usr/lib/postgresql").exists() else None


def prepare(url: str) -> str:
    """Open the store (migrations, bundled data), add the editor; return a write API key."""
    import moneytrail.ledger
    from moneytrail.accounts import Accounts

    with moneytrail.ledger.open(url) as ledger:
        accounts = Accounts(ledger.engine)
        accounts.add(*EDITOR, role="editor")
        return accounts.new_key(EDITOR[0], "write")


@contextmanager
def server(url: str, log: Path):
    """`moneytrail serve` on a free port; yields (base URL, process). Killed at the end."""
    port = free_port()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        [str(SRC), *filter(None, [os.environ.get("PYTHONPATH")])])}
    env.pop("MONEYTRAIL_DATABASE_URL", None)
    with log.open("a") as out:
        proc = subprocess.Popen([sys.executable, "-m", "moneytrail.cli", "serve", "--host",
                                 "127.0.0.1", "--port", str(port), "--db", url],
                                stdout=out, stderr=subprocess.STDOUT, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base, proc, log, 90)
        yield base, proc
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait()


class Writers:
    """Threads adding sources and saving plans through the JSON API as fast as answers come;
    `acked` keeps what the server acknowledged, `statuses` every status (0: no answer)."""

    def __init__(self, base: str, key: str, threads: int = 4) -> None:
        self.base, self.key = base, key
        self.acked_sources: list[str] = []
        self.acked_plans: list[tuple[int, str]] = []
        self.statuses: list[int] = []
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.threads = [threading.Thread(target=self.loop, args=(i,), daemon=True)
                        for i in range(threads)]

    def __enter__(self) -> Writers:
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=30)

    def loop(self, number: int) -> None:
        headers = {"Authorization": f"Bearer {self.key}"}
        with httpx.Client(base_url=self.base, headers=headers, timeout=10) as client:
            i = 0
            while not self.stop.is_set():
                i += 1
                tag = f"{number}_{i}_{uuid.uuid4().hex[:6]}"
                try:
                    if i % 3:
                        sid = f"fault_{tag}"
                        response = client.post("/api/v1/ledger/source", json={"record": {
                            "id": sid, "publisher": "Fault test", "title": f"Source {tag}",
                            "url": "https://example.org/", "published": "2025-01-01",
                            "accessed": "2025-02-01", "reliability": "analyst", "note": ""},
                            "reason": "fault test"})
                        if response.status_code == 201:
                            with self.lock:
                                self.acked_sources.append(sid)
                    else:
                        title = f"Plan {tag}"
                        response = client.post("/api/v1/saved-plans", json={
                            "title": title, "description": "written during a fault",
                            "visibility": "private", "plan": PLAN})
                        if response.status_code == 201:
                            with self.lock:
                                self.acked_plans.append((response.json()["id"], title))
                    status = response.status_code
                except httpx.HTTPError:
                    status = 0
                    time.sleep(0.05)
                with self.lock:
                    self.statuses.append(status)

    def count(self) -> int:
        with self.lock:
            return len(self.acked_sources) + len(self.acked_plans)


def wait_for(condition, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def check_store(url: str, writers: Writers) -> None:
    """The store opens; acknowledged writes are all there; no write is half done."""
    import moneytrail.ledger
    from moneytrail.accounts.plans import SavedPlans

    with moneytrail.ledger.open(url) as ledger:
        engine = ledger.engine
        with engine.connect() as conn:
            if engine.dialect.name == "sqlite":
                assert conn.execute(text("pragma integrity_check")).scalar() == "ok"
            sources = set(conn.execute(text(
                "select id from sources where id like 'fault_%'")).scalars())
            revisions = conn.execute(text(
                "select key, count(*) from revisions where kind = 'source' and key like "
                "'fault_%' group by key")).all()
            plans = conn.execute(text("select id, revision from saved_plans")).all()
            plan_revisions = dict(conn.execute(text(
                "select plan_id, count(*) from saved_plan_revisions group by plan_id")).all())
        assert set(writers.acked_sources) <= sources
        assert dict(revisions) == dict.fromkeys(sources, 1)     # one add revision each
        assert {pid: rev for pid, rev in plans} == plan_revisions   # every revision kept
        owner = next(a for a in conn_accounts(engine) if a[1] == EDITOR[0])[0]
        store = SavedPlans(engine)
        for pid, title in writers.acked_plans:
            assert store.get(pid, owner)["title"] == title


def conn_accounts(engine) -> list[tuple[int, str]]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text("select id, name from accounts")).all()]


def check_served(base: str, key: str, writers: Writers) -> None:
    """The restarted server answers for every acknowledged write."""
    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {key}"},
                      timeout=30) as client:
        for sid in writers.acked_sources[::5]:
            assert client.get(f"/api/v1/sources/{sid}").status_code == 200
        for pid, title in writers.acked_plans:
            assert client.get(f"/api/v1/saved-plans/{pid}").json()["title"] == title


def test_sigkill_of_the_server_during_writes_loses_no_acknowledged_write(tmp_path):
    url = f"sqlite:///{tmp_path / 'ledger.sqlite'}"
    key = prepare(url)
    log = tmp_path / "server.log"
    with server(url, log) as (base, proc), Writers(base, key) as writers:
        wait_for(lambda: writers.count() >= 20)
        os.kill(proc.pid, signal.SIGKILL)            # in the middle of the writes
        proc.wait()
        in_flight = writers.count()
    assert in_flight >= 20 and writers.acked_plans and writers.acked_sources
    print(f"\nSIGKILL: {len(writers.statuses)} writes sent, {in_flight} acknowledged, "
          f"{writers.statuses.count(0)} unanswered")
    assert not [s for s in writers.statuses if s >= 500], writers.statuses
    check_store(url, writers)
    with server(url, log) as (base, _):
        check_served(base, key, writers)


@contextmanager
def own_postgres():
    """A throw-away PostgreSQL server in a temporary folder on a free port (never the
    shared test server); yields (URL, restart function)."""
    if PGBIN is None:
        pytest.skip("no PostgreSQL server installed (scripts/postgres.sh start installs it)")
    folder = Path(tempfile.mkdtemp(prefix="mt-fault-pg-"))
    os.chmod(folder, 0o755)
    root = os.geteuid() == 0

    def as_pg(*args: str, check: bool = True) -> None:
        command = ["runuser", "-u", "postgres", "--", *args] if root else list(args)
        subprocess.run(command, check=check, capture_output=True, timeout=120)

    if root:
        shutil.chown(folder, "postgres", "postgres")
    port = free_port()
    data = folder / "data"
    as_pg(str(PGBIN / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust",
          "-E", "UTF8", "--locale=C.UTF-8")
    options = f"-h 127.0.0.1 -p {port} -k {folder} -c fsync=on"

    def start() -> None:
        as_pg(str(PGBIN / "pg_ctl"), "-D", str(data), "-l", str(folder / "log"), "-w",
              "-o", options, "start")

    def crash_and_restart() -> None:
        as_pg(str(PGBIN / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop")
        time.sleep(0.5)
        start()

    start()
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres", crash_and_restart
    finally:
        as_pg(str(PGBIN / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop",
              check=False)
        shutil.rmtree(folder, ignore_errors=True)


@pytest.mark.postgres
def test_postgres_crash_and_restart_during_writes_loses_no_acknowledged_write(tmp_path):
    with own_postgres() as (url, crash_and_restart):
        key = prepare(url)
        log = tmp_path / "server.log"
        with server(url, log) as (base, proc), Writers(base, key) as writers:
            wait_for(lambda: writers.count() >= 15)
            crash_and_restart()                      # the database dies mid-run
            after = writers.count()
            wait_for(lambda: writers.count() >= after + 10)    # and the app recovers
            os.kill(proc.pid, signal.SIGKILL)        # then the app dies too
            proc.wait()
        errors = sorted({s for s in writers.statuses if s >= 500})
        print(f"\nPostgreSQL crash: {len(writers.statuses)} writes sent, {writers.count()} "
              f"acknowledged, {writers.statuses.count(503)} answered 503, "
              f"{writers.statuses.count(0)} unanswered")
        assert set(errors) <= {503}, errors          # an outage is a 503, never a crash
        check_store(url, writers)
        with server(url, log) as (base, _):
            check_served(base, key, writers)
