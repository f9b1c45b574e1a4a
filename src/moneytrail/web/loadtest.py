"""Load and lost-update check of the web app (issue 12): N clients for T seconds on loopback.

`moneytrail serve` runs in a child process on a fresh store (SQLite in a temporary folder, or
a new schema of a PostgreSQL database). Each client loops over a mix of reads (pages and JSON),
trace runs and edits: ledger claims edited through the JSON API and saved plans edited, both
quoting the revision the client last saw, so concurrent editors collide and the server must
refuse the stale ones (409). Every edit carries a unique token (the reason of a ledger edit,
the description of a saved plan), so afterwards the store's history is checked against what the
clients were told:

- lost update: an acknowledged edit (2xx) whose token is not in the history;
- phantom: a refused edit (4xx) whose token is in the history (it changed something);
- inconsistent: a record whose current value is not the token of its last revision.

The yardstick is the median latency of one client alone, measured in the same run just before
the load; the figures under load are reported beside it.
"""

from __future__ import annotations

import asyncio
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CLAIMS = ("stargate_us_announced", "stargate_us_softbank_19bn", "stargate_us_openai_19bn")
DEAL = "l_stargate_us_2025_01"
SOURCE = "l_stargate_2025_01_center"
EDITORS = 5
PASSWORD = "load test editor passphrase"
PLAN = {"id": "load-plan", "title": "Load plan", "year": 2025, "currency": "EUR",
        "buyer_region": "EU", "budget": {"amount": 1_000_000_000},
        "spend": {"accelerators": {"central": 0.6}, "servers": {"central": 0.4}},
        "draws": 50, "seed": 1}
READS = ("/", "/ledger", "/api/v1/ledger?region=EU", f"/ledger/deals/{DEAL}",
         f"/sources/{SOURCE}", "/claims", "/saved", "/api/v1/saved-plans",
         f"/ledger/history/claim/{CLAIMS[0]}")


@dataclass
class Tally:
    """What the clients saw."""

    statuses: Counter = field(default_factory=Counter)
    latencies: list[float] = field(default_factory=list)
    kinds: Counter = field(default_factory=Counter)
    acked: set[str] = field(default_factory=set)        # tokens of acknowledged edits
    refused: set[str] = field(default_factory=set)      # tokens of refused edits
    unanswered: set[str] = field(default_factory=set)   # no answer: either outcome is fine
    errors: list[str] = field(default_factory=list)


def free_port() -> int:
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def prepare(url: str) -> dict[str, Any]:
    """Accounts, API keys and the saved plans the clients edit; returns what clients need."""
    import moneytrail.ledger
    from moneytrail.accounts import Accounts
    from moneytrail.accounts.plans import SavedPlans

    with moneytrail.ledger.open(url) as ledger:
        accounts = Accounts(ledger.engine)
        keys, plans = [], []
        for i in range(EDITORS):
            name = f"load{i}"
            account = accounts.add(name, f"{PASSWORD} {i}", role="editor")
            keys.append(accounts.new_key(name, "write"))
            saved = SavedPlans(ledger.engine).create(
                owner=account, title=f"Load plan {i}", description="start",
                visibility="public", plan=PLAN)
            plans.append(saved["id"])
    return {"keys": keys, "plans": plans}


@contextmanager
def serving(url: str, log: Path) -> Iterator[str]:
    """`moneytrail serve` on a free loopback port; yields its base URL."""
    import urllib.request

    port = free_port()
    env = {**os.environ}
    src = str(Path(__file__).resolve().parents[2])
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [src, env.get("PYTHONPATH")]))
    env.pop("MONEYTRAIL_DATABASE_URL", None)
    with log.open("w") as out:
        proc = subprocess.Popen([sys.executable, "-m", "moneytrail.cli", "serve", "--host",
                                 "127.0.0.1", "--port", str(port), "--db", url],
                                stdout=out, stderr=subprocess.STDOUT, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"the server exited: {log.read_text()[-2000:]}")
            try:
                with urllib.request.urlopen(base + "/api/v1/plans", timeout=5):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError("the server did not start") from None
                time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


async def one_client(number: int, base: str, setup: dict, until: float, tally: Tally,
                     mix: tuple[float, float]) -> None:
    """Loop until `until`: a read, a run or an edit, chosen at random (mix: share of runs,
    share of edits; the rest are reads)."""
    import httpx

    rng = random.Random(number)
    key = setup["keys"][number % len(setup["keys"])]
    my_plan = setup["plans"][number % len(setup["plans"])]
    seen: dict[str, int] = {}
    headers = {"Authorization": f"Bearer {key}"}
    async with httpx.AsyncClient(base_url=base, timeout=60) as client:
        while time.monotonic() < until:
            roll = rng.random()
            started = time.monotonic()
            token = f"load-{number}-{uuid.uuid4().hex[:10]}"
            kind = "read"
            try:
                if roll < mix[0]:
                    kind = "run"
                    response = await client.post("/api/v1/runs", json={
                        **PLAN, "seed": rng.randint(1, 8)})
                elif roll < mix[0] + mix[1]:
                    if rng.random() < 0.5:
                        kind = "edit claim"
                        claim = rng.choice(CLAIMS)
                        if claim not in seen:
                            got = await client.get(f"/api/v1/ledger/record/claim/{claim}")
                            seen[claim] = int(got.json()["revision"])
                        response = await client.patch(
                            f"/api/v1/ledger/claim/{claim}", headers=headers, json={
                                "changes": {"note": token}, "reason": token,
                                "expected_revision": seen[claim]})
                        if response.status_code == 200:
                            seen[claim] = max(response.json()["revisions"])
                        else:
                            seen.pop(claim, None)
                    else:
                        kind = "edit plan"
                        name = f"plan:{my_plan}"
                        if name not in seen:
                            got = await client.get(f"/api/v1/saved-plans/{my_plan}")
                            seen[name] = got.json()["revision"]
                        response = await client.patch(
                            f"/api/v1/saved-plans/{my_plan}", headers=headers, json={
                                "description": token, "expected_revision": seen[name]})
                        if response.status_code == 200:
                            seen[name] = response.json()["revision"]
                        else:
                            seen.pop(name, None)
                    (tally.acked if response.status_code < 300 else tally.refused).add(token)
                else:
                    response = await client.get(rng.choice(READS))
                status = response.status_code
            except httpx.HTTPError as exc:
                status = 0
                if kind.startswith("edit"):
                    tally.unanswered.add(token)
                tally.errors.append(f"{kind}: {type(exc).__name__}")
            tally.statuses[status] += 1
            tally.kinds[kind] += 1
            tally.latencies.append(time.monotonic() - started)


async def drive(base: str, setup: dict, clients: int, seconds: float, tally: Tally,
                mix: tuple[float, float]) -> None:
    until = time.monotonic() + seconds
    await asyncio.gather(*(one_client(i, base, setup, until, tally, mix)
                           for i in range(clients)))


def idle_latency(base: str, n: int = 20) -> float:
    """The yardstick: median seconds of GET /ledger with nothing else going on."""
    import httpx

    times = []
    with httpx.Client(base_url=base, timeout=60) as client:
        for _ in range(n):
            started = time.monotonic()
            client.get("/ledger").raise_for_status()
            times.append(time.monotonic() - started)
    return statistics.median(times)


def audit(url: str, setup: dict, tally: Tally) -> dict[str, int]:
    """Check the store's history against what the clients were told (see the module doc)."""
    import json

    from sqlalchemy import text

    import moneytrail.ledger

    with moneytrail.ledger.open(url) as ledger:
        engine = ledger.engine
        with engine.connect() as conn:
            ledger_tokens = set(conn.execute(text(
                "select reason from revisions where reason like 'load-%'")).scalars())
            plan_tokens = set(conn.execute(text(
                "select description from saved_plan_revisions where description like "
                "'load-%'")).scalars())
            inconsistent = 0
            for claim in CLAIMS:
                last = conn.execute(text(
                    "select after from revisions where kind = 'claim' and key = :k "
                    "order by id desc limit 1"), {"k": claim}).scalar()
                after = json.loads(last) if isinstance(last, str) else last
                if (after or {}).get("note") != ledger.get("claim", claim)["note"]:
                    inconsistent += 1
            for pid in setup["plans"]:
                current = conn.execute(text(
                    "select description, revision from saved_plans where id = :p"),
                    {"p": pid}).one()
                last = conn.execute(text(
                    "select description from saved_plan_revisions where plan_id = :p and "
                    "number = :n"), {"p": pid, "n": current.revision}).scalar()
                if last != current.description:
                    inconsistent += 1
    present = ledger_tokens | plan_tokens
    return {"lost_updates": len(tally.acked - present),
            "refused_but_written": len(tally.refused & present),
            "unexplained": len(present - tally.acked - tally.unanswered),
            "inconsistent_records": inconsistent}


@contextmanager
def store(kind: str, folder: Path) -> Iterator[str]:
    """A fresh store: SQLite in `folder`, or a new schema of MONEYTRAIL_TEST_POSTGRES_URL."""
    if kind == "sqlite":
        yield f"sqlite:///{folder / 'load.sqlite'}"
        return
    from moneytrail.ledger.connection import scratch_schema

    with scratch_schema(os.environ["MONEYTRAIL_TEST_POSTGRES_URL"], "mt_load") as url:
        yield url


def run_load(kind: str = "sqlite", clients: int = 50, seconds: float = 60,
             mix: tuple[float, float] = (0.05, 0.25)) -> dict[str, Any]:
    """One load run on a fresh store of `kind` (sqlite or postgres): the row of figures.

    Keys: store, clients, seconds, requests, per_second, reads/runs/edits, status counts,
    p50_ms, p95_ms, idle_p50_ms (the yardstick), p50_vs_idle, acked_edits, refused_edits,
    responses_5xx, lost_updates, refused_but_written, unexplained, inconsistent_records, ok."""
    with tempfile.TemporaryDirectory(prefix="mt-load-") as tmp, \
            store(kind, Path(tmp)) as url:
        setup = prepare(url)
        tally = Tally()
        with serving(url, Path(tmp) / "server.log") as base:
            idle = idle_latency(base)
            started = time.monotonic()
            asyncio.run(drive(base, setup, clients, seconds, tally, mix))
            elapsed = time.monotonic() - started
        checks = audit(url, setup, tally)
    latencies = sorted(tally.latencies)
    p50 = statistics.median(latencies) if latencies else float("nan")
    p95 = latencies[int(0.95 * (len(latencies) - 1))] if latencies else float("nan")
    errors_5xx = sum(n for status, n in tally.statuses.items() if status >= 500)
    row: dict[str, Any] = {
        "case": f"{clients} clients, {seconds:g} s, {kind}", "store": kind,
        "requests": sum(tally.statuses.values()),
        "per_second": round(sum(tally.statuses.values()) / elapsed, 1),
        **{f"{k}s": tally.kinds[k] for k in ("read", "run")},
        "edits": tally.kinds["edit claim"] + tally.kinds["edit plan"],
        "status_counts": {str(k): v for k, v in sorted(tally.statuses.items())},
        "p50_ms": round(p50 * 1000, 1), "p95_ms": round(p95 * 1000, 1),
        "idle_p50_ms": round(idle * 1000, 1), "p50_vs_idle": round(p50 / idle, 1),
        "acked_edits": len(tally.acked), "refused_edits": len(tally.refused),
        "unanswered": sum(1 for s in tally.statuses.elements() if s == 0),
        "responses_5xx": errors_5xx, **checks}
    row["ok"] = errors_5xx == 0 and row["unanswered"] == 0 and not any(checks.values())
    return row


def bench_load(clients: int = 50, seconds: float = 60) -> list[dict[str, Any]]:
    """`moneytrail bench --only load`: SQLite, then PostgreSQL when
    MONEYTRAIL_TEST_POSTGRES_URL names a test database."""
    kinds = ["sqlite"] + (["postgres"] if os.environ.get("MONEYTRAIL_TEST_POSTGRES_URL")
                          else [])
    rows = []
    for kind in kinds:
        row = run_load(kind, clients, seconds)
        row["status_counts"] = ", ".join(f"{k}: {v}" for k, v in row["status_counts"].items())
        rows.append(row)
    return rows
