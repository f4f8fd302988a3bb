"""Matrix-free Newton-CG: conjugate gradients with only matrix-vector products, Newton steps from
Hessian-vector products, against explicit Hessians and plain gradient descent."""

from __future__ import annotations

import numpy as np
import pytest

from gradbook import autodiff as ad
from gradbook import newton_cg as ncg
from gradbook.calculus import numerical_hessian
from gradbook.landscapes import Rosenbrock


def test_cg_solves_an_spd_system_in_at_most_n_products():
    rng = np.random.default_rng(0)
    M = rng.normal(size=(6, 6))
    A = M @ M.T + 6 * np.eye(6)
    b = rng.normal(size=6)
    calls = []
    res = ncg.conjugate_gradient(lambda v: calls.append(1) or A @ v, b)
    np.testing.assert_allclose(res.x, np.linalg.solve(A, b), atol=1e-8)
    assert res.iterations <= 6 and len(calls) == res.iterations and not res.negative_curvature


def test_cg_stops_on_negative_curvature_with_a_descent_direction():
    A = np.diag([1.0, -2.0])
    b = np.array([1.0, 1.0])
    res = ncg.conjugate_gradient(lambda v: A @ v, b)
    assert res.negative_curvature
    assert res.x @ b > 0  # b = −∇f: still a descent direction


def test_narrow_valley_has_the_stated_curvatures():
    for kappa, angle in [(50.0, 0.5), (10.0, -1.0)]:
        f = ncg.narrow_valley(kappa, angle)
        np.testing.assert_allclose(np.linalg.eigvalsh(ad.hessian(f, np.zeros(2))), [1.0, kappa], rtol=1e-12)
        x = np.array([0.3, -0.7])
        np.testing.assert_allclose(ad.hessian(f, x), numerical_hessian(lambda p, f=f: f(list(p)), x), atol=1e-5)


def test_one_newton_step_solves_a_quadratic():
    f = ncg.narrow_valley(100.0, 0.3, quartic=0.0)
    res = ncg.newton_cg(f, np.array([2.0, -1.0]), steps=1, line_search=False)
    np.testing.assert_allclose(res.final, [0.0, 0.0], atol=1e-9)
    assert res.hvp_calls <= 2


def test_newton_cg_beats_gradient_descent_on_an_ill_conditioned_valley():
    f = ncg.narrow_valley()
    x0 = np.array([-2.0, 1.5])
    newton = ncg.newton_cg(f, x0, steps=8)
    _, gd_values = ncg.gradient_descent_path(f, x0, lr=0.01, steps=100)
    assert newton.values[-1] < 1e-12 < gd_values[-1]
    assert np.all(np.diff(newton.values) <= 1e-15)


def test_newton_cg_finds_the_rosenbrock_minimum():
    rb = Rosenbrock()

    def f(xs):
        x, y = xs
        return (1 - x) ** 2 + 100 * (y - x**2) ** 2

    res = ncg.newton_cg(f, np.array([-1.2, 1.0]), steps=60)
    np.testing.assert_allclose(res.final, rb.minimum, atol=1e-6)


def test_inputs_are_checked():
    with pytest.raises(ValueError, match="condition"):
        ncg.narrow_valley(0.0)
    with pytest.raises(ValueError, match="lr"):
        ncg.gradient_descent_path(ncg.narrow_valley(), np.zeros(2), lr=0.0, steps=3)
