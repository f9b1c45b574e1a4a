"""Analyses over traces and the ledger."""
