"""BFGS and L-BFGS: the secant condition, termination on quadratics, the two-loop recursion, and bad input."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp
from hypothesis import given
from hypothesis import strategies as st

from gradbook.landscapes import Quadratic, Rosenbrock
from gradbook.models import LinearMSE, house_data
from gradbook.optimizers import Objective, gradient_descent
from gradbook.quasi_newton import bfgs, bfgs_update, lbfgs, two_loop
from tests.core_helpers import CORE, assert_close


def _spd(seed: int, n: int, spread: float = 30.0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    q, _ = np.linalg.qr(rng.normal(size=(n, n)))
    return q @ np.diag(np.geomspace(1.0, spread, n)) @ q.T


@CORE
@given(seed=st.integers(0, 10_000), n=st.integers(1, 6))
def test_the_update_satisfies_the_secant_condition_and_stays_positive_definite(seed, n):
    rng = np.random.default_rng(seed)
    h = _spd(seed + 1, n)
    s = rng.normal(size=n)
    y = _spd(seed + 2, n) @ s  # a gradient difference from some convex function: yᵀs > 0
    new = bfgs_update(h, s, y)
    assert_close(new @ y, s, rtol=1e-9, atol=1e-9)
    assert_close(new, new.T, rtol=0, atol=1e-9)
    assert np.linalg.eigvalsh(new).min() > 0


def test_the_inverse_update_inverts_the_hessian_update_exactly():
    """Oracle: the BFGS update of B ≈ ∇²L, B⁺ = B − B s sᵀB/(sᵀB s) + y yᵀ/(yᵀs), in exact rationals; its inverse
    is the H⁺ that ``bfgs_update`` computes (Sherman–Morrison–Woodbury)."""
    b = sp.Matrix([[3, 1], [1, 2]])
    s, y = sp.Matrix([1, -2]), sp.Matrix([3, -1])
    assert (y.T * s)[0] == 5  # > 0: curvature along the step
    b_new = b - (b * s * s.T * b) / (s.T * b * s)[0] + (y * y.T) / (y.T * s)[0]
    expected = np.array(b_new.inv().tolist(), dtype=float)
    h = np.array(b.inv().tolist(), dtype=float)
    assert_close(bfgs_update(h, np.array([1.0, -2.0]), np.array([3.0, -1.0])), expected, rtol=1e-13, atol=1e-13)


@CORE
@given(seed=st.integers(0, 10_000), n=st.integers(2, 6))
def test_bfgs_with_exact_line_search_reaches_a_quadratics_minimum_in_at_most_n_steps(seed, n):
    a = _spd(seed, n)
    centre = np.random.default_rng(seed + 7).normal(size=n)
    q = Quadratic(a, centre)
    traj = bfgs(q, np.zeros(n), n, line_search="exact")
    assert traj.steps_to_reach(centre, 1e-8 * (1 + np.linalg.norm(centre))) <= n
    # and after n steps its estimate is the true inverse Hessian: rebuild H from the run's pairs
    h = np.eye(n)
    for k in range(n):
        s = traj.iterates[k + 1] - traj.iterates[k]
        y = q.grad(traj.iterates[k + 1]) - q.grad(traj.iterates[k])
        h = bfgs_update(h, s, y)
    assert_close(h, np.linalg.inv(a), rtol=1e-6, atol=1e-6)


@CORE
@given(seed=st.integers(0, 10_000), n=st.integers(2, 6), extra=st.integers(0, 3))
def test_lbfgs_with_memory_at_least_n_matches_bfgs_on_a_quadratic(seed, n, extra):
    q = Quadratic(_spd(seed, n), np.random.default_rng(seed + 3).normal(size=n))
    start = np.ones(n)
    full = bfgs(q, start, n, line_search="exact")
    limited = lbfgs(q, start, n, memory=n + extra, line_search="exact", scaling=False)
    assert_close(limited.iterates, full.iterates, rtol=1e-9, atol=1e-9)
    scaled = lbfgs(q, start, n, memory=n + extra, line_search="exact")  # H₀ = γI: other path, same end
    assert_close(scaled.final, q.center, rtol=1e-7, atol=1e-7)


@CORE
@given(seed=st.integers(0, 10_000), n=st.integers(1, 6), m=st.integers(1, 5), gamma=st.floats(0.1, 10.0))
def test_the_two_loop_recursion_applies_the_bfgs_matrix_without_forming_it(seed, n, m, gamma):
    rng = np.random.default_rng(seed)
    pairs, h = [], gamma * np.eye(n)
    for j in range(m):
        s = rng.normal(size=n)
        y = _spd(seed + j, n) @ s
        pairs.append((s, y))
        h = bfgs_update(h, s, y)
    g = rng.normal(size=n)
    assert_close(two_loop(g, pairs, gamma), h @ g, rtol=1e-8, atol=1e-8)


def test_bfgs_and_lbfgs_solve_rosenbrock_with_the_wolfe_search():
    r = Rosenbrock()
    assert bfgs(r, [-1.2, 1.0], 60).steps_to_reach(r.minimum, 1e-8) <= 40
    assert lbfgs(r, [-1.2, 1.0], 60, memory=5).steps_to_reach(r.minimum, 1e-8) <= 45
    assert gradient_descent(r, [-1.2, 1.0], 1e-3, 60).steps_to_reach(r.minimum, 1e-2) is None


def test_each_wolfe_step_decreases_the_loss_and_leaves_positive_curvature():
    r = Rosenbrock()
    traj = lbfgs(r, [-1.2, 1.0], 30, memory=3)
    assert np.all(np.diff(traj.losses) < 0)
    s = np.diff(traj.iterates, axis=0)
    y = np.diff(np.array([r.grad(t) for t in traj.iterates]), axis=0)
    moved = np.linalg.norm(s, axis=1) > 0
    assert np.all(np.einsum("ij,ij->i", s[moved], y[moved]) > 0)


def test_the_house_price_valley_takes_bfgs_two_steps():
    """Chapter 2's unscaled valley (κ in the tens of thousands): two exact-line-search steps land on the bottom."""
    model = LinearMSE(*house_data())
    traj = bfgs(model, [0.0, 0.0], 3, line_search="exact")
    assert traj.steps_to_reach(model.minimizer(), 1e-6) == 2


def test_bad_input_says_what_was_wrong():
    q = Quadratic(np.eye(2))
    with pytest.raises(ValueError, match="needs s·y > 0"):
        bfgs_update(np.eye(2), np.array([1.0, 0.0]), np.array([-1.0, 0.0]))
    with pytest.raises(ValueError, match="line_search must be one of exact, wolfe, none"):
        bfgs(q, [1.0, 1.0], 3, line_search="armijo")
    with pytest.raises(ValueError, match="needs an objective with a hessian"):
        lbfgs(Objective(q.value, q.grad), [1.0, 1.0], 3, line_search="exact")
    with pytest.raises(ValueError, match="memory must be an integer >= 1"):
        lbfgs(q, [1.0, 1.0], 3, memory=0)
    with pytest.raises(ValueError, match="cannot compute in float16"):
        bfgs(q, [1.0, 1.0], 3, dtype=np.float16)
    with pytest.raises(ValueError, match="h0 must have shape"):
        bfgs(q, [1.0, 1.0], 3, h0=np.eye(3))
