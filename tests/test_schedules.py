"""Learning-rate schedules: their closed forms, exactly, and bad input."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from gradbook.schedules import as_schedule, constant, cosine, step_decay, warmup
from tests.core_helpers import CORE


def test_step_decay_drops_by_the_factor_every_so_many_steps():
    s = step_decay(0.1, every=30, factor=0.1)
    assert [s(k) for k in (0, 29, 30, 59, 60)] == pytest.approx([0.1, 0.1, 0.01, 0.01, 0.001], rel=1e-12)


@CORE
@given(lr=st.floats(1e-4, 1.0), total=st.integers(1, 500), floor=st.floats(0.0, 0.9))
def test_cosine_starts_at_lr_is_halfway_at_half_time_and_ends_at_the_floor(lr, total, floor):
    s = cosine(lr, total, floor * lr)
    assert s(0) == pytest.approx(lr) and s(total) == pytest.approx(floor * lr) and s(10 * total) == s(total)
    if total % 2 == 0:
        assert s(total // 2) == pytest.approx(0.5 * (lr + floor * lr))
    values = [s(k) for k in range(total + 1)]
    assert all(a >= b for a, b in zip(values, values[1:]))  # never rises


def test_warmup_climbs_linearly_then_hands_over():
    s = warmup(cosine(1.0, 100), 10)
    assert s(0) == pytest.approx(0.1) and s(4) == pytest.approx(
        0.5 * 0.5 * (1 + math.cos(math.pi * 4 / 100)), rel=1e-12
    )
    assert s(9) == pytest.approx(cosine(1.0, 100)(9)) and s(50) == pytest.approx(0.5)
    assert warmup(0.2, 4)(1) == pytest.approx(0.1)


def test_a_constant_is_a_schedule_and_bad_rates_are_named():
    assert constant(0.3)(1000) == 0.3 and as_schedule(0.3)(7) == 0.3
    with pytest.raises(ValueError, match="lr must be > 0"):
        as_schedule(0.0)
    with pytest.raises(ValueError, match=r"lr\(2\) must be finite"):
        as_schedule(lambda k: [0.1, 0.1, np.nan][k])(2)
    with pytest.raises(ValueError, match="factor must lie in"):
        step_decay(0.1, 10, factor=0.0)
    with pytest.raises(ValueError, match="lr_min must lie in"):
        cosine(0.1, 10, lr_min=0.2)
    with pytest.raises(ValueError, match="every must be an integer"):
        step_decay(0.1, 0)
