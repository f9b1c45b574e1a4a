"""Entities, markets and cost structures turned into an input-output model."""

from moneytrail.model.builder import build_model, load_model
from moneytrail.model.iomodel import IOModel

__all__ = ["IOModel", "build_model", "load_model"]
