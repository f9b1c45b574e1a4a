"""`moneytrail bench --only web`: the web app under load, on loopback only.

Two figures of issue 11, each beside a yardstick measured in the same run:
- stored run pages: `clients` concurrent keep-alive clients for `seconds` on `/r/<id>` of
  stored runs (target: p95 < 100 ms, 0 errors), beside the same load on a static file;
- a fresh 2,000-draw run of a reference plan through the API (POST, then poll until done;
  target < 2 s), beside the same trace computed in this process (`tasks.trace_plan`).
The server is `moneytrail serve` in a child process on a free 127.0.0.1 port, with a new
SQLite store and cache in a temporary folder.
"""

from __future__ import annotations

import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

Row = dict[str, Any]
HOST = "127.0.0.1"
FRESH_DRAWS = 2000
PLAN = "eu-ai-gigafactories"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def request(port: int, method: str, path: str, body: dict | None = None
            ) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection(HOST, port, timeout=120)
    try:
        data = json.dumps(body).encode() if body is not None else None
        conn.request(method, path, body=data,
                     headers={"Content-Type": "application/json"} if data else {})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


@contextmanager
def server(folder: Path) -> Iterator[int]:
    """`moneytrail serve` on a free loopback port with a new store; yields the port."""
    port = free_port()
    env = {**os.environ, "MONEYTRAIL_CACHE_DIR": str(folder / "cache"),
           "MONEYTRAIL_DATABASE_URL": f"sqlite:///{folder / 'store.sqlite'}"}
    log = (folder / "server.log").open("w")
    proc = subprocess.Popen([sys.executable, "-m", "moneytrail.cli", "serve", "--host", HOST,
                             "--port", str(port), "--db", f"sqlite:///{folder / 'store.sqlite'}"],
                            stdout=log, stderr=subprocess.STDOUT, env=env)
    try:
        deadline = time.monotonic() + 120
        while True:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the web server did not start: "
                                   + (folder / "server.log").read_text()[-2000:])
            try:
                if request(port, "GET", "/api/v1/plans")[0] == 200:
                    break
            except OSError:
                time.sleep(0.2)
        yield port
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


def wait_done(port: int, run: str, timeout: float = 300, poll: float = 0.02) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status, body = request(port, "GET", f"/api/v1/runs/{run}")
        state = json.loads(body)
        if status != 200 or state["status"] == "error":
            raise RuntimeError(f"run {run} failed: {body[:300]!r}")
        if state["status"] == "done":
            return state
        time.sleep(poll)
    raise RuntimeError(f"run {run} not done within {timeout:.0f} s")


def load(port: int, paths: list[str], clients: int, seconds: float) -> Row:
    """`clients` threads, each on its own keep-alive connection, GET `paths` in turn for
    `seconds`; latencies of every answer (ms), errors (status >= 400 or no answer)."""
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def client(k: int) -> None:
        conn = http.client.HTTPConnection(HOST, port, timeout=30)
        mine, bad, i = [], 0, k
        while time.monotonic() < stop:
            path = paths[i % len(paths)]
            i += 1
            start = time.perf_counter()
            try:
                conn.request("GET", path)
                response = conn.getresponse()
                response.read()
                ok = response.status < 400
            except (OSError, http.client.HTTPException):
                ok = False
                conn.close()
                conn = http.client.HTTPConnection(HOST, port, timeout=30)
            mine.append((time.perf_counter() - start) * 1000)
            bad += not ok
        conn.close()
        with lock:
            latencies.extend(mine)
            errors[0] += bad

    threads = [threading.Thread(target=client, args=(k,)) for k in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    ordered = sorted(latencies)
    return {"requests": len(ordered), "errors": errors[0],
            "per_s": len(ordered) / seconds,
            "p50_ms": ordered[len(ordered) // 2] if ordered else float("nan"),
            "p95_ms": ordered[int(len(ordered) * 0.95)] if ordered else float("nan"),
            "max_ms": ordered[-1] if ordered else float("nan")}


def in_process_trace(seed: int) -> float:
    """The yardstick of a fresh run: the same trace in this process, no web, no store."""
    from moneytrail.scenarios.reference import reference_scenarios
    from moneytrail.scenarios.schema import load_scenario
    from moneytrail.service import tasks
    from moneytrail.service.workspace import Workspace

    path = next(p for p in reference_scenarios() if p.stem == PLAN)
    plan = load_scenario(path)
    with Workspace.open() as ws:
        ws.model(plan.year)                       # loading the model is not the trace
        start = time.perf_counter()
        tasks.trace_plan(ws, plan, draws=FRESH_DRAWS, seed=seed, analyses=True, store=None)
        return time.perf_counter() - start


def bench_web(seconds: float = 60.0, clients: int = 20, repeat: int = 3) -> list[Row]:
    """Rows: stored run pages vs a static file under load; a fresh 2,000-draw run vs the
    same trace in process (medians of `repeat` fresh seeds)."""
    from moneytrail.scenarios.reference import reference_scenarios

    with tempfile.TemporaryDirectory(prefix="moneytrail-bench-web-") as tmp, \
            server(Path(tmp)) as port:
        stored = []
        for path in reference_scenarios():       # the server traces them at start-up
            status, body = request(port, "POST", "/api/v1/runs",
                                   {"reference": path.stem, "draws": FRESH_DRAWS})
            if status in (200, 202):
                stored.append(json.loads(body)["run_id"])
        for run in stored:
            wait_done(port, run)
        pages = [f"/r/{run}" for run in stored]
        for page in pages:                        # first view fills the claims cache
            request(port, "GET", page)
        static = load(port, ["/static/site.css"], clients, seconds)
        runs = load(port, pages, clients, seconds)

        fresh, yardstick = [], []
        for k in range(repeat):
            seed = 1000 + k + int(time.time()) % 100_000 * 10
            yardstick.append(in_process_trace(seed))
            start = time.perf_counter()
            status, body = request(port, "POST", "/api/v1/runs",
                                   {"reference": PLAN, "draws": FRESH_DRAWS, "seed": seed})
            if status != 202:
                raise RuntimeError(f"a fresh run was not started: {status} {body[:200]!r}")
            wait_done(port, json.loads(body)["run_id"])
            fresh.append(time.perf_counter() - start)
    fresh_s, yard_s = statistics.median(fresh), statistics.median(yardstick)
    return [
        {"case": f"stored run pages ({clients} clients, {seconds:.0f} s)", **runs,
         "yardstick_p95_ms": static["p95_ms"], "p95_ratio": runs["p95_ms"] / static["p95_ms"],
         "target": "p95 < 100 ms, 0 errors",
         "met": bool(runs["p95_ms"] < 100 and runs["errors"] == 0)},
        {"case": f"yardstick: static file ({clients} clients, {seconds:.0f} s)", **static},
        {"case": f"fresh {FRESH_DRAWS:,}-draw run of {PLAN} (API, median of {repeat})",
         "seconds": fresh_s, "yardstick_s": yard_s, "ratio": fresh_s / yard_s,
         "target": "< 2 s", "met": bool(fresh_s < 2)},
    ]
