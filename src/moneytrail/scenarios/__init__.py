"""Scenario files: a plan's budget, its split by spending category, its procurement rules."""

from moneytrail.scenarios.schema import Interval, Plan, load_scenario, parse_scenario

__all__ = ["Interval", "Plan", "load_scenario", "parse_scenario"]
