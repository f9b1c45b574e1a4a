"""The installed package's version, without loading numpy or pandas (the CLI's `--version`
and every result's stamp read it)."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version


def code_version() -> str:
    """moneytrail's installed version ('0.5.9'), 'unknown' when it is not installed."""
    try:
        return version("moneytrail")
    except PackageNotFoundError:
        return "unknown"
