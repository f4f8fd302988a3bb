"""Models: analytic gradients and Hessians against finite differences and sympy; the notes' numbers."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp
from hypothesis import given
from hypothesis import strategies as st

from gradbook.calculus import numerical_gradient, numerical_hessian
from gradbook.models import (
    GaussianFit,
    GaussianLogDensity,
    LinearMSE,
    LogisticRegression,
    OnePointLinear,
    add_bias,
    house_data,
    sigmoid,
    standardize,
    two_blobs,
    unstandardize,
)
from tests.core_helpers import CORE, assert_close, points

X_BLOBS, Y_BLOBS = two_blobs(30, seed=1)
SMALL_X = np.array([0.5, 1.5, -1.0])
SMALL_Y = np.array([1.0, 2.0, -0.5])
SAMPLES = np.array([0.3, 1.7, -0.4, 2.2, 0.9])
MODELS = {
    "house": (LinearMSE(*house_data(20, seed=3)), 2),
    "house_small": (LinearMSE(SMALL_X, SMALL_Y), 2),
    "one_point": (OnePointLinear(), 2),
    "logistic": (LogisticRegression(add_bias(X_BLOBS), Y_BLOBS), 3),
    "gaussian_density": (GaussianLogDensity([1.0, -0.5], [[2.0, 0.6], [0.6, 1.0]]), 2),
    "gaussian_fit_log_sigma": (GaussianFit(SAMPLES, "log_sigma"), 2),
}


@pytest.mark.parametrize("name", sorted(MODELS))
@CORE
@given(theta=points(3, 2.0))
def test_gradient_and_hessian_match_finite_differences(name, theta):
    model, d = MODELS[name]
    theta = theta[:d]
    scale = max(1.0, float(np.max(np.abs(model.hessian(theta)))))
    assert_close(model.grad(theta), numerical_gradient(model.value, theta), rtol=1e-6, atol=1e-6 * scale)
    assert_close(model.hessian(theta), numerical_hessian(model.value, theta), rtol=1e-4, atol=1e-4 * scale)


@CORE
@given(mu=st.floats(-3, 3), sigma=st.floats(0.3, 3))
def test_gaussian_fit_in_sigma_matches_finite_differences(mu, sigma):
    model = GaussianFit(SAMPLES, "sigma")
    theta = np.array([mu, sigma])
    assert_close(model.grad(theta), numerical_gradient(model.value, theta), rtol=1e-6, atol=1e-6)
    assert_close(model.hessian(theta), numerical_hessian(model.value, theta), rtol=1e-4, atol=1e-3)


def _sympy_check(model, expr, symbols, theta_points):
    grad = sp.lambdify(symbols, [sp.diff(expr, s) for s in symbols])
    hess = sp.lambdify(symbols, sp.hessian(expr, symbols))
    value = sp.lambdify(symbols, expr)
    for theta in theta_points:
        assert_close(model.value(theta), value(*theta), rtol=1e-10, atol=1e-12)
        assert_close(model.grad(theta), grad(*theta), rtol=1e-10, atol=1e-12)
        assert_close(model.hessian(theta), np.array(hess(*theta), dtype=float), rtol=1e-10, atol=1e-12)


THETAS = np.random.default_rng(7).uniform(-2, 2, size=(6, 2))


def test_linear_mse_matches_sympy():
    w, b = sp.symbols("w b", real=True)
    expr = sum((w * xi + b - yi) ** 2 for xi, yi in zip(SMALL_X, SMALL_Y)) / len(SMALL_X)
    _sympy_check(LinearMSE(SMALL_X, SMALL_Y), expr, (w, b), THETAS)


def test_one_point_linear_matches_sympy_and_the_notes():
    t1, t2 = sp.symbols("t1 t2", real=True)
    _sympy_check(OnePointLinear(), sp.Rational(1, 2) * (3 * t1 + t2 - 8) ** 2, (t1, t2), THETAS)
    assert_close(OnePointLinear().grad([1.0, 1.0]), [-12.0, -4.0], rtol=0, atol=0)  # chapter 2's worked point


def test_logistic_regression_matches_sympy():
    X = np.array([[1.0, 0.5], [-0.3, 2.0], [0.8, -1.2], [-1.5, -0.2]])
    y = np.array([1.0, 0.0, 1.0, 0.0])
    w1, w2 = sp.symbols("w1 w2", real=True)
    terms = []
    for (a, c), yi in zip(X, y):
        p = 1 / (1 + sp.exp(-(w1 * a + w2 * c)))
        terms.append(-(yi * sp.log(p) + (1 - yi) * sp.log(1 - p)))
    _sympy_check(LogisticRegression(X, y), sum(terms) / len(terms), (w1, w2), THETAS)


def test_gaussian_log_density_matches_sympy():
    mu, cov = np.array([1.0, -0.5]), np.array([[2.0, 0.6], [0.6, 1.0]])
    x1, x2 = sp.symbols("x1 x2", real=True)
    S = sp.Matrix([[2, sp.Rational(3, 5)], [sp.Rational(3, 5), 1]])
    d = sp.Matrix([x1 - 1, x2 + sp.Rational(1, 2)])
    expr = -(d.T * S.inv() * d)[0] / 2 - sp.log(2 * sp.pi) - sp.log(S.det()) / 2
    _sympy_check(GaussianLogDensity(mu, cov), expr, (x1, x2), THETAS)


@pytest.mark.parametrize("param", ["sigma", "log_sigma"])
def test_gaussian_fit_matches_sympy(param):
    m, s = sp.symbols("m s", real=True)
    sig = s if param == "sigma" else sp.exp(s)
    expr = sum(sp.log(sig) + sp.log(2 * sp.pi) / 2 + (xi - m) ** 2 / (2 * sig**2) for xi in SAMPLES) / len(SAMPLES)
    thetas = THETAS.copy()
    if param == "sigma":
        thetas[:, 1] = np.abs(thetas[:, 1]) + 0.2
    _sympy_check(GaussianFit(SAMPLES, param), expr, (m, s), thetas)


@CORE
@given(x=points(2))
def test_gaussian_log_density_gradient_points_to_the_mean(x):
    g = GaussianLogDensity([1.0, -0.5], [[2.0, 0.6], [0.6, 1.0]])
    assert_close(g.grad(x), -np.linalg.solve(g.cov, x - g.mean), atol=1e-12)
    assert_close(g.hessian(x), -np.linalg.inv(g.cov), atol=1e-12)
    assert np.dot(g.grad(x), g.mean - x) >= -1e-12  # an ascent direction towards μ


def test_house_data_is_seeded_and_makes_an_elongated_bowl():
    x, y = house_data()
    x2, y2 = house_data()
    assert np.array_equal(x, x2) and np.array_equal(y, y2)
    assert not np.array_equal(x, house_data(seed=1)[0])
    assert 90 < x.mean() < 110
    h = LinearMSE(x, y).hessian([0.0, 0.0])
    # Chapter 2: with x ≈ 100 the bowl is ≈ 10000 w² + b² (coefficient of w² ≈ mean x², of b² = 1)
    assert 0.8e4 < h[0, 0] / 2 < 1.3e4 and h[1, 1] / 2 == 1.0
    assert np.linalg.cond(h) > 1e4


def test_minimizer_and_standardisation():
    x, y = house_data()
    model = LinearMSE(x, y)
    assert_close(model.grad(model.minimizer()), [0, 0], atol=1e-8)
    z, mean, std = standardize(x)
    assert_close([z.mean(), z.std()], [0, 1], atol=1e-12)
    scaled = LinearMSE(z, y)
    assert np.linalg.cond(scaled.hessian([0.0, 0.0])) == pytest.approx(1.0)
    assert_close(unstandardize(scaled.minimizer(), mean, std), model.minimizer(), rtol=1e-9)


def test_minibatch_and_per_example_gradients_average_to_the_full_gradient():
    for model, d in (MODELS["house"], MODELS["logistic"]):
        theta = np.linspace(-1, 1, d)
        per = model.per_example_grads(theta)
        assert per.shape == (model.n_examples, d)
        assert_close(per.mean(axis=0), model.grad(theta), rtol=1e-12)
        assert_close(model.batch_grad(theta, np.arange(model.n_examples)), model.grad(theta), rtol=1e-12)
        assert_close(model.batch_grad(theta, np.array([2, 5])), per[[2, 5]].mean(axis=0), rtol=1e-12)


def test_logistic_gradient_is_error_weighted_inputs_and_handles_extreme_logits():
    model = MODELS["logistic"][0]
    w = np.array([0.3, -0.2, 0.1])
    p = sigmoid(model.X @ w)
    assert_close(model.grad(w), sum((pi - yi) * xi for pi, yi, xi in zip(p, model.y, model.X)) / len(p))
    assert np.isfinite(model.value(np.array([800.0, -800.0, 0.0])))
    assert sigmoid(np.array([-1000.0]))[0] == 0.0 and sigmoid(np.array([1000.0]))[0] == 1.0


def test_class_imbalance_in_two_blobs():
    X, y = two_blobs(100, seed=0, positive_fraction=0.1)
    assert y.sum() == 10 and X.shape == (100, 2)
    # at w = 0 every ŷ = ½, so the 90 negatives contribute most of the gradient
    per = LogisticRegression(X, y).per_example_grads(np.zeros(2))
    assert np.linalg.norm(per[y == 0].sum(0)) > 5 * np.linalg.norm(per[y == 1].sum(0))


def test_bad_input_says_what_was_wrong():
    x, y = house_data(10)
    with pytest.raises(ValueError, match=r"y must have shape \(10\)"):
        LinearMSE(x, y[:5])
    with pytest.raises(ValueError, match="x must be finite"):
        LinearMSE(np.r_[x[:-1], np.nan], y)
    with pytest.raises(ValueError, match="theta must have a last axis of length 2"):
        LinearMSE(x, y).grad([1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="y must hold labels 0 and 1"):
        LogisticRegression(np.ones((3, 2)), [0, 1, 2])
    with pytest.raises(ValueError, match="cov must be positive definite"):
        GaussianLogDensity([0.0, 0.0], [[1.0, 2.0], [2.0, 1.0]])
    with pytest.raises(ValueError, match="sigma .* must be > 0"):
        GaussianFit(SAMPLES).value([0.0, -1.0])
    with pytest.raises(ValueError, match="parametrization must be"):
        GaussianFit(SAMPLES, "variance")
    with pytest.raises(ValueError, match="idx must index examples 0..9"):
        LinearMSE(x, y).batch_grad([0.0, 0.0], np.array([3, 10]))
    with pytest.raises(ValueError, match="n must be an integer >= 1"):
        house_data(0)
    with pytest.raises(ValueError, match="at least two different values"):
        standardize(np.ones(5))


def test_one_example_gradient_is_error_times_input_and_one_update_moves_downhill():
    """Chapter 2: ∂L/∂w = 2(ŷ − y)·x for L = (ŷ − y)², and w ← w − η·g lowers the loss."""
    model = LinearMSE(np.array([100.0]), np.array([300.0]))
    theta = np.array([2.5, 10.0])
    y_hat = 2.5 * 100 + 10
    assert_close(model.grad(theta), [2 * (y_hat - 300) * 100, 2 * (y_hat - 300)], rtol=1e-15)
    step = theta - 1e-5 * model.grad(theta)
    assert model.value(step) < model.value(theta)
