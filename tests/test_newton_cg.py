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


@pytest.mark.parametrize("b", [[0.0, 1.0], [1.0, 1.0]])
def test_cg_stops_at_exactly_zero_curvature_without_dividing_by_it(b):
    """A singular PSD A = diag(1, 0): some direction has pᵀAp = 0 exactly, which counts as 'not positive'.

    b = (0, 1) meets it on the first step (b itself is returned); b = (1, 1) after one step, at x = (2, 2).
    Either way the result is finite and still a descent direction for −∇f = b, and no division by 0 happens.
    """
    A = np.diag([1.0, 0.0])
    b = np.array(b)
    with np.errstate(all="raise"):
        res = ncg.conjugate_gradient(lambda v: A @ v, b)
    assert res.negative_curvature and np.all(np.isfinite(res.x)) and res.x @ b > 0
    expected = (b, 1) if b[0] == 0 else ([2.0, 2.0], 2)
    np.testing.assert_array_equal(res.x, expected[0])
    assert res.iterations == expected[1]


def test_cg_on_a_singular_psd_matrix_solves_when_b_is_in_its_range():
    A = np.diag([1.0, 2.0, 0.0])  # the Krylov space never leaves range(A), so no zero curvature is met
    res = ncg.conjugate_gradient(lambda v: A @ v, np.array([1.0, 1.0, 0.0]))
    assert not res.negative_curvature and res.iterations == 2
    np.testing.assert_allclose(res.x, [1.0, 0.5, 0.0], rtol=1e-14)


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
    gd = ncg.gradient_descent_path(f, x0, lr=0.01, steps=100)
    assert newton.losses[-1] < 1e-12 < gd.losses[-1]
    assert np.all(np.diff(newton.losses) <= 1e-15)


def test_newton_cg_finds_the_rosenbrock_minimum():
    rb = Rosenbrock()

    def f(xs):
        x, y = xs
        return (1 - x) ** 2 + 100 * (y - x**2) ** 2

    res = ncg.newton_cg(f, np.array([-1.2, 1.0]), steps=60)
    np.testing.assert_allclose(res.final, rb.minimum, atol=1e-6)


LAMBDAS = (1.0, 3.0, 9.0, 27.0)


def diagonal_quadratic(xs):
    return 0.5 * sum(lam * x**2 for lam, x in zip(LAMBDAS, xs))


@pytest.mark.parametrize("tol", [1e-4, 1e-8])
def test_hvp_count_is_one_per_cg_iteration(tol):
    """H = diag(1, 3, 9, 27): a generic b needs exactly n = 4 CG iterations (after 3 the residual is still
    2% of |b|, far above tol), an eigenvector exactly 1. The count is HVPs, not Newton steps."""
    res = ncg.newton_cg(diagonal_quadratic, np.ones(4), steps=1, tol=tol, line_search=False)
    assert res.hvp_calls == 4
    np.testing.assert_allclose(res.final, np.zeros(4), atol=1e-12)
    res = ncg.newton_cg(diagonal_quadratic, np.array([0.0, 2.0, 0.0, 0.0]), steps=1, tol=tol, line_search=False)
    assert res.hvp_calls == 1 and np.all(res.final == 0.0)


def test_hvp_count_is_the_number_of_products_actually_computed(monkeypatch):
    products = []

    def counted(f, x, v):
        products.append(1)
        return ad.hessian_vector_product(f, x, v)

    monkeypatch.setattr(ncg, "hessian_vector_product", counted)

    def f(xs):
        x, y = xs
        return (1 - x) ** 2 + 100 * (y - x**2) ** 2

    res = ncg.newton_cg(f, np.array([-1.2, 1.0]), steps=30, tol=1e-6)
    moved = int(np.sum(np.any(np.diff(res.iterates, axis=0) != 0, axis=1)))
    assert res.hvp_calls == len(products) > moved  # most Newton steps take 2 CG iterations here


def test_cg_iters_truncates_each_newton_step():
    """cg_iters=1: one HVP per step, and the step is CG's first one, the exact line minimum along −g."""
    x0 = np.ones(4)
    lam = np.array(LAMBDAS)
    g = lam * x0
    res = ncg.newton_cg(diagonal_quadratic, x0, steps=1, cg_iters=1, tol=1e-8, line_search=False)
    assert res.hvp_calls == 1
    np.testing.assert_allclose(res.final, x0 - (g @ g) / (g @ (lam * g)) * g, rtol=1e-14)
    assert ncg.newton_cg(diagonal_quadratic, x0, steps=3, cg_iters=2, tol=1e-8).hvp_calls == 6


def test_cg_makes_at_most_n_products_by_default():
    A = np.diag([1.0, 3.0, 9.0, 27.0])
    res = ncg.conjugate_gradient(lambda v: A @ v, np.ones(4), tol=1e-300)  # a tolerance rounding never meets
    assert res.iterations == 4 and not res.negative_curvature
    assert ncg.conjugate_gradient(lambda v: A @ v, np.ones(4), tol=1e-300, max_iter=2).iterations == 2


def test_armijo_shortens_a_full_newton_step_that_does_not_decrease_f():
    """f = √(1 + x²) from x = 1: the Newton step −f′/f″ = −2 lands on x = −1, where f is the same √2.

    Armijo asks f(x + tp) ≤ f(x) + 10⁻⁴·t·∇f·p (∇f·p < 0), so t = 1 is refused and t = ½ lands on the minimum 0.
    """

    def f(xs):
        return (1 + xs[0] ** 2) ** 0.5

    full = ncg.newton_cg(f, np.array([1.0]), steps=4, tol=1e-8, line_search=False)
    np.testing.assert_allclose(full.iterates.ravel(), [1.0, -1.0, 1.0, -1.0, 1.0], rtol=1e-12)  # cycles for ever
    np.testing.assert_allclose(full.losses, np.sqrt(2.0), rtol=1e-14)
    damped = ncg.newton_cg(f, np.array([1.0]), steps=4, tol=1e-8)
    assert abs(damped.iterates[1, 0]) < 1e-12 and damped.losses[1] == pytest.approx(1.0, abs=1e-15)
    assert damped.losses[1] < damped.losses[0] and np.all(np.diff(damped.losses) <= 0)


def test_inputs_are_checked():
    with pytest.raises(ValueError, match="condition"):
        ncg.narrow_valley(0.0)
    with pytest.raises(ValueError, match="lr"):
        ncg.gradient_descent_path(ncg.narrow_valley(), np.zeros(2), lr=0.0, steps=3)
