"""The finite-difference oracle itself, checked on functions whose derivatives are known in closed form."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given

from gradbook.calculus import directional_derivative, numerical_gradient, numerical_hessian, numerical_jacobian
from tests.core_helpers import CORE, assert_close, points


def cubic(x):
    return x[0] ** 3 * x[1] + np.sin(x[1]) * x[2] ** 2


def cubic_grad(x):
    return np.array([3 * x[0] ** 2 * x[1], x[0] ** 3 + np.cos(x[1]) * x[2] ** 2, 2 * np.sin(x[1]) * x[2]])


def cubic_hessian(x):
    return np.array(
        [
            [6 * x[0] * x[1], 3 * x[0] ** 2, 0],
            [3 * x[0] ** 2, -np.sin(x[1]) * x[2] ** 2, 2 * np.cos(x[1]) * x[2]],
            [0, 2 * np.cos(x[1]) * x[2], 2 * np.sin(x[1])],
        ]
    )


@CORE
@given(points(3, 2.0))
def test_gradient_and_hessian_of_a_known_function(x):
    assert_close(numerical_gradient(cubic, x), cubic_grad(x), atol=1e-6)
    assert_close(numerical_hessian(cubic, x), cubic_hessian(x), atol=1e-4, rtol=1e-4)


@CORE
@given(points(2, 2.0))
def test_jacobian_of_polar_to_cartesian(p):
    f = lambda q: np.array([q[0] * np.cos(q[1]), q[0] * np.sin(q[1])])  # noqa: E731
    expected = np.array([[np.cos(p[1]), -p[0] * np.sin(p[1])], [np.sin(p[1]), p[0] * np.cos(p[1])]])
    assert_close(numerical_jacobian(f, p), expected, atol=1e-7)


@CORE
@given(points(3), points(3))
def test_directional_derivative_is_gradient_dot_unit_direction(x, d):
    if np.linalg.norm(d) < 1e-3:
        d = np.array([1.0, 0.0, 0.0])
    u = d / np.linalg.norm(d)
    assert_close(directional_derivative(cubic, x, d), cubic_grad(x) @ u, atol=1e-5, rtol=1e-6)


def test_steepest_ascent_is_along_the_gradient():
    x = np.array([0.7, -0.4, 1.1])
    g = cubic_grad(x)
    best = directional_derivative(cubic, x, g)
    assert best == pytest.approx(np.linalg.norm(g), rel=1e-6)
    rng = np.random.default_rng(0)
    for d in rng.normal(size=(50, 3)):
        assert directional_derivative(cubic, x, d) <= best + 1e-8
    assert directional_derivative(cubic, x, -g) == pytest.approx(-np.linalg.norm(g), rel=1e-6)


def test_matrix_gradients_keep_the_input_shape():
    """Chapter 1: ∇‖x‖² = 2x and ∇‖X‖_F² = 2X."""
    x = np.array([1.0, -2.0, 0.5])
    assert_close(numerical_gradient(lambda v: v @ v, x), 2 * x)
    X = np.arange(6.0).reshape(2, 3) - 2.5
    g = numerical_gradient(lambda m: np.sum(m**2), X)
    assert g.shape == X.shape
    assert_close(g, 2 * X)


def test_bad_input_says_what_was_wrong():
    with pytest.raises(ValueError, match="h must be > 0"):
        numerical_gradient(cubic, np.zeros(3), h=0)
    with pytest.raises(ValueError, match="x must be finite"):
        numerical_gradient(cubic, np.array([0.0, np.nan, 1.0]))
    with pytest.raises(ValueError, match="direction must be non-zero"):
        directional_derivative(cubic, np.zeros(3), np.zeros(3))
    with pytest.raises(ValueError, match=r"direction must have shape \(3\)"):
        directional_derivative(cubic, np.zeros(3), np.ones(2))
    with pytest.raises(ValueError, match="x must be 1-D"):
        numerical_hessian(cubic, np.zeros((3, 1)))
