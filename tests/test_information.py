"""Information geometry: Fisher matrices against sympy and sampling, KL against its quadratic form,
the notes' natural-gradient example, angles and gradient confusion."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp
from hypothesis import given
from hypothesis import strategies as st

from gradbook.information import (
    angle_between,
    gaussian_empirical_fisher,
    gaussian_fisher,
    gaussian_scores,
    gradient_confusion,
    hamming_distance,
    kl_bernoulli,
    kl_gaussian,
    kl_logistic,
    logistic_empirical_fisher,
    logistic_fisher,
    minibatch_gradients,
    natural_direction,
)
from gradbook.models import GaussianFit, LogisticRegression, add_bias, sigmoid, two_blobs
from tests.core_helpers import CORE, assert_close, points

X, Y = two_blobs(40, seed=2)
XB = add_bias(X)


def _gaussian_expectation(expr, z, sigma):
    """E over z ~ N(0, σ²) of a polynomial in z, from the moments E z^(2k) = σ^(2k)(2k − 1)!!."""
    poly = sp.Poly(sp.expand(expr), z)
    return sp.simplify(sum(c * (0 if k % 2 else sigma**k * sp.factorial2(k - 1)) for (k,), c in poly.terms()))


@pytest.mark.parametrize("param", ["sigma", "log_sigma"])
def test_gaussian_fisher_matches_sympy(param):
    x, mu, t = sp.symbols("x mu t", real=True)
    sigma = t if param == "sigma" else sp.exp(t)
    logp = -sp.log(sigma) - (x - mu) ** 2 / (2 * sigma**2) - sp.log(2 * sp.pi) / 2
    z = sp.Symbol("z", real=True)
    fisher = sp.Matrix(
        2, 2, lambda i, j: _gaussian_expectation((-sp.diff(logp, (mu, t)[i], (mu, t)[j])).subs(x, mu + z), z, sigma)
    )
    for value in (0.3, 1.0, 2.5):
        tv = value if param == "sigma" else np.log(value)
        assert_close(gaussian_fisher(value, param), np.array(fisher.subs(t, tv), dtype=float), rtol=1e-12)


@pytest.mark.parametrize("param", ["sigma", "log_sigma"])
def test_gaussian_empirical_fisher_tends_to_the_analytic_one(param):
    samples = np.random.default_rng(0).normal(1.5, 0.7, 200_000)
    assert_close(gaussian_empirical_fisher(samples, 1.5, 0.7, param), gaussian_fisher(0.7, param), rtol=0.02, atol=0.02)
    fit = GaussianFit(samples, param)  # the mean score is minus the gradient of the mean NLL
    theta = [1.2, 0.9 if param == "sigma" else np.log(0.9)]
    assert_close(gaussian_scores(samples, 1.2, 0.9, param).mean(axis=0), -fit.grad(theta), rtol=1e-10)


@CORE
@given(w=points(3, 2.0))
def test_logistic_fisher_equals_the_bce_hessian_and_the_expected_empirical_fisher(w):
    assert_close(logistic_fisher(XB, w), LogisticRegression(XB, Y).hessian(w), rtol=1e-12, atol=1e-15)
    p = sigmoid(XB @ w)
    expected = sum(
        pi * logistic_empirical_fisher(XB[i : i + 1], [1.0], w)
        + (1 - pi) * logistic_empirical_fisher(XB[i : i + 1], [0.0], w)
        for i, pi in enumerate(p)
    ) / len(p)
    assert_close(logistic_fisher(XB, w), expected, rtol=1e-10, atol=1e-15)
    per = LogisticRegression(XB, Y).per_example_grads(w)
    assert_close(logistic_empirical_fisher(XB, Y, w), per.T @ per / len(Y), rtol=1e-12, atol=1e-15)


@CORE
@given(mu=st.floats(-2, 2), sigma=st.floats(0.2, 3), d_mu=st.floats(-1, 1), d_s=st.floats(-1, 1))
def test_kl_is_locally_half_the_fisher_quadratic_form(mu, sigma, d_mu, d_s):
    eps = 1e-4
    delta = eps * np.array([d_mu, d_s])
    q = delta @ gaussian_fisher(sigma, "sigma") @ delta / 2
    assert kl_gaussian(mu, sigma, mu + delta[0], sigma + delta[1]) == pytest.approx(q, rel=1e-3, abs=1e-14)
    q_log = delta @ gaussian_fisher(sigma, "log_sigma") @ delta / 2
    assert kl_gaussian(mu, sigma, mu + delta[0], sigma * np.exp(delta[1])) == pytest.approx(q_log, rel=1e-3, abs=1e-14)


def test_kl_for_logistic_against_its_fisher():
    w = np.array([0.5, -0.3, 0.2])
    delta = 1e-4 * np.array([1.0, 2.0, -1.0])
    assert kl_logistic(XB, w, w + delta) == pytest.approx(delta @ logistic_fisher(XB, w) @ delta / 2, rel=1e-3)
    assert kl_logistic(XB, w, w + delta) == pytest.approx(
        float(np.mean(kl_bernoulli(sigmoid(XB @ w), sigmoid(XB @ (w + delta))))), rel=1e-8
    )


def test_kl_closed_forms_against_quadrature_and_each_other():
    x = np.linspace(-30, 30, 600_001)

    def log_pdf(m, s):
        return -0.5 * ((x - m) / s) ** 2 - np.log(s * np.sqrt(2 * np.pi))

    lp, lq = log_pdf(0.5, 1.3), log_pdf(-1.0, 2.1)
    quad = np.trapezoid(np.exp(lp) * (lp - lq), x)
    assert kl_gaussian(0.5, 1.3, -1.0, 2.1) == pytest.approx(quad, rel=1e-8)
    assert kl_gaussian(1.0, 2.0, 1.0, 2.0) == 0.0 and kl_logistic(XB, np.ones(3), np.ones(3)) == 0.0
    assert kl_gaussian(0.0, 1.0, 1.0, 1.0) == pytest.approx(0.5)
    assert_close(kl_bernoulli([0.0, 1.0, 0.5], [0.5, 0.5, 0.5]), [np.log(2), np.log(2), 0.0], atol=1e-15)


def test_the_notes_natural_gradient_example():
    """Chapter 6: F = diag(100, 1), ∇L = (1, 1/100) ⇒ F⁻¹∇L = (1/100, 1/100), along (1, 1)."""
    F, g = np.diag([100.0, 1.0]), np.array([1.0, 0.01])
    nat = natural_direction(F, g)
    assert_close(nat, [0.01, 0.01], rtol=1e-15)
    assert angle_between(nat, [1.0, 1.0]) == pytest.approx(0.0, abs=1e-6)
    assert angle_between(g, nat) == pytest.approx(45.0 - np.degrees(np.arctan(0.01)), rel=1e-12)  # ≈ 44.43°


def test_natural_direction_is_steepest_descent_under_the_fisher_metric():
    F = np.array([[4.0, 1.2], [1.2, 0.5]])
    g = np.array([0.7, -1.1])
    nat = natural_direction(F, g)
    best = -nat / np.sqrt(nat @ F @ nat)  # unit step in the metric δᵀFδ = 1
    angles = np.linspace(0, 2 * np.pi, 20_001)
    u = np.stack([np.cos(angles), np.sin(angles)], 1)
    unit = u / np.sqrt(np.einsum("ij,jk,ik->i", u, F, u))[:, None]
    assert g @ best <= (unit @ g).min() + 1e-12


def test_damping_is_added_to_the_diagonal():
    """(F + λI)⁻¹g, built explicitly, for a non-diagonal F and λ > 0; λ → ∞ gives g/λ."""
    F = np.array([[4.0, 1.2], [1.2, 0.5]])
    g = np.array([0.7, -1.1])
    for lam in (0.1, 1.0, 10.0):
        expected = np.linalg.solve(np.array([[4.0 + lam, 1.2], [1.2, 0.5 + lam]]), g)
        assert_close(natural_direction(F, g, damping=lam), expected, rtol=1e-14, atol=1e-15)
        assert np.linalg.norm(np.linalg.solve(F + lam, g) - expected) > 0.1  # not every entry
    assert_close(natural_direction(F, g, damping=1e9) * 1e9, g, rtol=1e-8)
    assert_close(natural_direction(np.zeros((2, 2)), g, damping=2.0), g / 2, rtol=1e-15)  # singular F, damped


def test_natural_gradient_does_not_care_how_sigma_is_parametrised():
    fit_s, fit_l = (
        GaussianFit(np.array([0.3, 1.7, -0.4, 2.2]), "sigma"),
        GaussianFit(np.array([0.3, 1.7, -0.4, 2.2]), "log_sigma"),
    )
    mu, sigma = 0.4, 1.8
    nat_s = natural_direction(gaussian_fisher(sigma, "sigma"), fit_s.grad([mu, sigma]))
    nat_l = natural_direction(gaussian_fisher(sigma, "log_sigma"), fit_l.grad([mu, np.log(sigma)]))
    assert_close(nat_s, [nat_l[0], sigma * nat_l[1]], rtol=1e-12)  # the same step, in either coordinates
    plain_s, plain_l = fit_s.grad([mu, sigma]), fit_l.grad([mu, np.log(sigma)])
    assert angle_between(plain_s, [plain_l[0], sigma * plain_l[1]]) > 1  # plain gradients disagree


@CORE
@given(u=points(4), v=points(4), scale=st.floats(0.1, 10))
def test_angles(u, v, scale):
    if np.linalg.norm(u) < 1e-3 or np.linalg.norm(v) < 1e-3:
        return
    a = angle_between(u, v)
    assert 0 <= a <= 180
    assert angle_between(scale * u, v) == pytest.approx(a, abs=1e-6)
    assert angle_between(u, -v) == pytest.approx(180 - a, abs=1e-6)
    assert angle_between([1, 0], [0, 2]) == pytest.approx(90.0)


def test_hamming_distance_and_gradient_confusion():
    assert hamming_distance([1.0, -2.0, 3.0, 0.5], [2.0, 1.0, -1.0, 0.1]) == 2
    assert hamming_distance([1.0, 2.0], [-1.0, -2.0]) == 2
    per = LogisticRegression(XB, Y).per_example_grads(np.array([1.0, 1.0, 0.0]))
    batches = minibatch_gradients(per, 8, seed=0)
    assert batches.shape == (5, 3)
    assert_close(batches.mean(axis=0), per.mean(axis=0), rtol=1e-12)  # 40 = 5 × 8: a full shuffled epoch
    assert gradient_confusion(np.array([[1.0, -1.0], [1.0, 1.0], [-1.0, -1.0]])).tolist() == [1, 2]


def test_bigger_minibatches_confuse_less():
    Xb, yb = two_blobs(2000, seed=5, separation=1.0)
    model = LogisticRegression(add_bias(Xb), yb)
    w = np.array([0.5, 0.5, 0.0]) + 0.01  # near, not at, a good solution: the true gradient is small
    per = model.per_example_grads(w)
    small = gradient_confusion(minibatch_gradients(per, 4, seed=1)).mean()
    large = gradient_confusion(minibatch_gradients(per, 200, seed=1)).mean()
    assert small > large


def test_bad_input_says_what_was_wrong():
    with pytest.raises(ValueError, match="sigma must be > 0"):
        gaussian_fisher(0.0)
    with pytest.raises(ValueError, match="parametrization must be one of"):
        gaussian_fisher(1.0, "variance")
    with pytest.raises(ValueError, match=r"w must have shape \(3\)"):
        logistic_fisher(XB, [1.0, 2.0])
    with pytest.raises(ValueError, match="fisher .* is singular"):
        natural_direction(np.zeros((2, 2)), [1.0, 1.0])
    with pytest.raises(ValueError, match=r"fisher must be \(2, 2\)"):
        natural_direction(np.eye(3), [1.0, 1.0])
    with pytest.raises(ValueError, match="damping must be >= 0"):
        natural_direction(np.eye(2), [1.0, 1.0], damping=-1.0)
    with pytest.raises(ValueError, match="u and v must be non-zero"):
        angle_between([0.0, 0.0], [1.0, 0.0])
    with pytest.raises(ValueError, match="p must lie in"):
        kl_bernoulli([1.5], [0.5])
    with pytest.raises(ValueError, match="batch_size must be at most"):
        minibatch_gradients(np.ones((3, 2)), 4)
    with pytest.raises(ValueError, match="at least two minibatch gradients"):
        gradient_confusion(np.ones((1, 2)))
    with pytest.raises(ValueError, match="g2 must have shape"):
        hamming_distance([1.0, 2.0], [1.0])
