"""Landscapes: analytic gradients and Hessians against finite differences and sympy; grid convention."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp
from hypothesis import given
from hypothesis import strategies as st

from gradbook.calculus import numerical_gradient, numerical_hessian
from gradbook.landscapes import Quadratic, Rosenbrock, bowl, elongated, on_grid, saddle
from tests.core_helpers import CORE, assert_close, points

ANGLE = 0.6
LANDSCAPES = {
    "bowl": bowl(),
    "elongated": elongated((25.0, 1.0), angle=ANGLE),
    "saddle": saddle(),
    "rosenbrock": Rosenbrock(),
    "shifted": Quadratic([[3.0, 1.0], [1.0, 2.0]], center=[1.0, -2.0]),
}

t1, t2 = sp.symbols("t1 t2", real=True)
u1 = sp.Matrix([sp.cos(ANGLE), sp.sin(ANGLE)])
u2 = sp.Matrix([-sp.sin(ANGLE), sp.cos(ANGLE)])
th = sp.Matrix([t1, t2])
SYMBOLIC = {
    "bowl": t1**2 + t2**2,
    "elongated": sp.Rational(1, 2) * (25 * (u1.dot(th)) ** 2 + (u2.dot(th)) ** 2),
    "saddle": t1**2 - t2**2,
    "rosenbrock": (1 - t1) ** 2 + 100 * (t2 - t1**2) ** 2,
    "shifted": sp.Rational(1, 2) * (3 * (t1 - 1) ** 2 + 2 * (t1 - 1) * (t2 + 2) + 2 * (t2 + 2) ** 2),
}
SYMPY_FUNCS = {
    name: (
        sp.lambdify((t1, t2), e),
        sp.lambdify((t1, t2), [sp.diff(e, v) for v in (t1, t2)]),
        sp.lambdify((t1, t2), sp.hessian(e, (t1, t2))),
    )
    for name, e in SYMBOLIC.items()
}


@pytest.mark.parametrize("name", sorted(LANDSCAPES))
@CORE
@given(theta=points(2, 2.0))
def test_gradient_and_hessian_match_finite_differences(name, theta):
    L = LANDSCAPES[name]
    assert_close(L.grad(theta), numerical_gradient(L.value, theta), rtol=1e-6, atol=1e-5)
    assert_close(L.hessian(theta), numerical_hessian(L.value, theta), rtol=1e-4, atol=2e-3)


@pytest.mark.parametrize("name", sorted(LANDSCAPES))
@CORE
@given(theta=points(2, 2.0))
def test_value_gradient_and_hessian_match_sympy(name, theta):
    L = LANDSCAPES[name]
    f, g, h = SYMPY_FUNCS[name]
    assert_close(L.value(theta), f(*theta), rtol=1e-10, atol=1e-10)
    assert_close(L.grad(theta), g(*theta), rtol=1e-10, atol=1e-10)
    assert_close(L.hessian(theta), np.array(h(*theta), dtype=float), rtol=1e-10, atol=1e-10)


@pytest.mark.parametrize("name", sorted(LANDSCAPES))
def test_grids_broadcast_over_leading_axes(name):
    L = LANDSCAPES[name]
    X, Y = np.meshgrid(np.linspace(-2, 2, 7), np.linspace(-1, 3, 5))
    Z = on_grid(L.value, X, Y)
    U, V = on_grid(L.grad, X, Y)
    assert Z.shape == U.shape == V.shape == X.shape
    H = L.hessian(np.stack([X, Y], -1))
    assert H.shape == X.shape + (2, 2)
    i, j = 3, 4
    p = np.array([X[i, j], Y[i, j]])
    assert Z[i, j] == pytest.approx(float(L.value(p)))
    assert_close([U[i, j], V[i, j]], L.grad(p), rtol=1e-12, atol=0)
    assert_close(H[i, j], L.hessian(p), rtol=1e-12, atol=0)


def test_bowl_gradient_is_perpendicular_to_its_circular_contours():
    angles = np.linspace(0, 2 * np.pi, 13)
    pts = 1.5 * np.stack([np.cos(angles), np.sin(angles)], -1)
    tangents = np.stack([-np.sin(angles), np.cos(angles)], -1)
    assert_close(np.einsum("ij,ij->i", bowl().grad(pts), tangents), 0, atol=1e-12)
    assert_close(bowl().grad(pts), 2 * pts)


@CORE
@given(c1=st.floats(0.1, 100), c2=st.floats(0.1, 100), angle=st.floats(-np.pi, np.pi))
def test_elongated_quadratic_has_the_requested_curvatures_along_rotated_axes(c1, c2, angle):
    q = elongated((c1, c2), angle)
    assert_close(q.eigenvalues, sorted([c1, c2]), rtol=1e-9)
    u1 = np.array([np.cos(angle), np.sin(angle)])
    assert_close(q.matrix @ u1, c1 * u1, rtol=1e-9, atol=1e-9)
    assert q.max_stable_lr == pytest.approx(2 / max(c1, c2))


def test_saddle_and_rosenbrock_facts():
    s = saddle()
    assert_close(s.grad([0.0, 0.0]), [0, 0])
    assert_close(s.grad([1.5, -0.5]), [3.0, 1.0])  # ∇ = (2θ₁, −2θ₂)
    assert_close(s.eigenvalues, [-2, 2])
    r = Rosenbrock()
    assert r.value(r.minimum) == 0
    assert_close(r.grad(r.minimum), [0, 0])
    assert np.all(np.linalg.eigvalsh(r.hessian(r.minimum)) > 0)


def test_bad_input_says_what_was_wrong():
    with pytest.raises(ValueError, match="theta must have a last axis of length 2"):
        bowl().grad(np.zeros(3))
    with pytest.raises(ValueError, match="theta must be finite"):
        Rosenbrock().value([np.inf, 0.0])
    with pytest.raises(ValueError, match="matrix must be symmetric"):
        Quadratic([[1.0, 2.0], [0.0, 1.0]])
    with pytest.raises(ValueError, match=r"center must have shape \(2\)"):
        Quadratic(np.eye(2), center=[1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="x and y must have the same shape"):
        on_grid(bowl().value, np.zeros((2, 3)), np.zeros((3, 2)))


def test_the_negative_gradient_points_at_the_minimum_only_in_the_round_bowl():
    """Chapter 2: −∇L is perpendicular to the contour, but on an elongated bowl it misses the minimum."""
    theta = np.array([1.0, 1.0])
    for q, expected_miss in ((bowl(), False), (elongated((10.0, 1.0)), True)):
        g = -q.grad(theta)
        to_min = q.center - theta
        cos = g @ to_min / (np.linalg.norm(g) * np.linalg.norm(to_min))
        assert (np.degrees(np.arccos(min(cos, 1.0))) > 30) == expected_miss
