"""Tester 29: a scorecard's HHI p5 of a plan whose markets do not move read `-0.0` in its CSV
and JSON. A table keeps a negative zero as 0.0."""

from __future__ import annotations

import math

import pandas as pd

from moneytrail.service.result import Table, json_value


def test_a_negative_zero_is_kept_as_zero():
    assert math.copysign(1.0, json_value(-0.0)) == 1.0
    assert json_value(-1e-300) == -1e-300           # a real (tiny) negative number stays
    table = Table.from_frame("t", pd.DataFrame({"delta_p5": [-0.0, -2.5]}))
    assert [math.copysign(1.0, r[0]) for r in table.rows] == [1.0, -1.0]
    assert "-0.0" not in table.frame().to_csv()
