"""Solving, tracing and Monte Carlo over input-output models."""
