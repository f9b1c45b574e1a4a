"""Run one import with a row hook that stops the process, for the kill tests.

Usage: python import_with_hook.py URL PACKAGE exit:N|pause:N
  exit:N   ends the process abruptly (os._exit(17)) after N written rows
  pause:N  announces "import paused after N rows" on stderr and sleeps, to be killed
"""

from __future__ import annotations

import os
import sys
import time

import moneytrail.ledger


def hook_for(spec: str):
    action, _, count = spec.partition(":")
    limit = int(count)

    def hook(done: int) -> None:
        if done < limit:
            return
        if action == "exit":
            os._exit(17)
        sys.stderr.write(f"moneytrail: import paused after {done} rows\n")
        sys.stderr.flush()
        time.sleep(3600)

    return hook


if __name__ == "__main__":
    url, package, spec = sys.argv[1:4]
    moneytrail.ledger.open(url, load_bundled=False).import_package(
        package, author="k", hook=hook_for(spec))
