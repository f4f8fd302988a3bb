"""Shared pieces for the math-core tests: a fast, derandomised hypothesis profile and point strategies."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

# Derandomised so every run checks the same examples; few examples so the core suite stays fast.
CORE = settings(derandomize=True, max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def points(dim: int, bound: float = 3.0) -> st.SearchStrategy[np.ndarray]:
    """Finite float64 vectors of length ``dim`` with entries in [-bound, bound]."""
    return arrays(np.float64, (dim,), elements=st.floats(-bound, bound, allow_nan=False, allow_subnormal=False))


def assert_close(actual, expected, rtol: float = 1e-6, atol: float = 1e-6) -> None:
    np.testing.assert_allclose(np.asarray(actual, float), np.asarray(expected, float), rtol=rtol, atol=atol)
