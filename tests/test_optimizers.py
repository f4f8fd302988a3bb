"""Optimisers: the facts the book states, tested as facts; determinism; precision; bad input."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from gradbook.adaptive import adam, rmsprop
from gradbook.information import gaussian_fisher
from gradbook.landscapes import Quadratic, Rosenbrock, elongated, saddle
from gradbook.models import GaussianFit, LinearMSE, house_data, standardize
from gradbook.optimizers import (
    Objective,
    Trajectory,
    gradient_descent,
    gradient_flow,
    momentum,
    natural_gradient_descent,
    newton,
    sgd,
)
from tests.core_helpers import CORE, assert_close

ORIGIN = np.zeros(2)


@CORE
@given(c1=st.floats(1.0, 50.0), ratio=st.floats(1.0, 20.0), angle=st.floats(0, np.pi), factor=st.floats(0.2, 0.95))
def test_gd_on_a_quadratic_converges_below_two_over_lambda_max(c1, ratio, angle, factor):
    q = elongated((c1, c1 / ratio), angle)
    traj = gradient_descent(q, [1.0, -0.7], factor * q.max_stable_lr, 200)
    assert not traj.diverged
    assert np.all(np.diff(traj.losses) <= 1e-15)  # every eigen-component shrinks, so the loss never rises
    assert traj.losses[-1] < 1e-3 * traj.losses[0]


@CORE
@given(c1=st.floats(1.0, 50.0), ratio=st.floats(1.0, 20.0), angle=st.floats(0, np.pi), factor=st.floats(1.05, 1.5))
def test_gd_on_a_quadratic_diverges_above_two_over_lambda_max(c1, ratio, angle, factor):
    q = elongated((c1, c1 / ratio), angle)
    traj = gradient_descent(q, [1.0, -0.7], factor * q.max_stable_lr, 400)
    assert traj.diverged or traj.losses[-1] > 1e6 * traj.losses[0]
    assert traj.losses[-1] > traj.losses[0]


def test_the_house_price_bowl_forces_a_tiny_learning_rate_until_features_are_scaled():
    """Chapter 2: with x ≈ 100 the stable rate is ~1e-4 and b barely moves; standardising fixes it."""
    x, y = house_data()
    raw = LinearMSE(x, y)
    lam_max = np.linalg.eigvalsh(raw.hessian(ORIGIN)).max()
    assert gradient_descent(raw, ORIGIN, 1.1 * 2 / lam_max, 200).losses[-1] > 1e6
    slow = gradient_descent(raw, ORIGIN, 0.9 * 2 / lam_max, 500)
    assert abs(slow.final[1] - raw.minimizer()[1]) > 0.9 * abs(raw.minimizer()[1])  # b is nowhere near
    z, _, _ = standardize(x)
    scaled = LinearMSE(z, y)
    fast = gradient_descent(scaled, ORIGIN, 0.5, 50)
    assert fast.steps_to_reach(scaled.minimizer(), 1e-6) < 50


def test_momentum_leaves_the_saddle_sooner_than_gd():
    start = [1.0, 1e-3]
    gd = gradient_descent(saddle(), start, 0.01, 2000).steps_to_leave(ORIGIN, 2.0)
    heavy = momentum(saddle(), start, 0.01, 2000, beta=0.9).steps_to_leave(ORIGIN, 2.0)
    assert heavy is not None and gd is not None
    assert heavy < gd / 2


def test_noise_escapes_the_exact_saddle_where_gd_stays_forever():
    stuck = gradient_descent(saddle(), [1.0, 0.0], 0.05, 1000)
    assert stuck.steps_to_leave(ORIGIN, 2.0) is None and stuck.final[1] == 0.0
    noisy = gradient_descent(saddle(), [1.0, 0.0], 0.05, 1000, noise=0.01, seed=0)
    assert noisy.steps_to_leave(ORIGIN, 2.0) is not None


def test_float16_gd_stalls_where_float32_does_not_and_loss_scaling_recovers_it():
    """Chapter 4: the float16 gradient underflows to exactly 0 and descent stops early."""
    q = Quadratic([[1e-3]])
    half = gradient_descent(q, [1.0], 500.0, 30, dtype=np.float16)
    single = gradient_descent(q, [1.0], 500.0, 30, dtype=np.float32)
    scaled = gradient_descent(q, [1.0], 500.0, 30, dtype=np.float16, loss_scale=2.0**16)
    assert half.iterates.dtype == np.float16 and single.iterates.dtype == np.float32
    assert half.grad_norms[-1] == 0.0 and np.all(half.iterates[-5:] == half.iterates[-1])  # stalled
    assert half.final[0] > 1e-6
    assert single.final[0] < 1e-8 and scaled.final[0] < 1e-8
    assert scaled.losses[-1] < 1e-6 * half.losses[-1]
    true_grad = float(q.grad(half.final.astype(float))[0])
    assert 0 < true_grad < np.finfo(np.float16).smallest_subnormal  # the true gradient is not zero


def test_natural_gradient_on_the_gaussian_needs_far_fewer_steps_than_gd():
    data = np.random.default_rng(0).normal(5.0, 0.2, 200)
    fit = GaussianFit(data, "sigma")  # curvature ~1/σ²: flat at the start σ = 3, steep at the optimum σ ≈ 0.2
    best, start = fit.minimizer(), [0.0, 3.0]
    nat = natural_gradient_descent(fit, lambda th: gaussian_fisher(th[1]), start, 1.0, 100)
    nat_steps = nat.steps_to_reach(best, 1e-6)
    assert nat_steps is not None and nat_steps <= 15
    for lr in np.geomspace(1e-3, 0.2, 8):
        try:
            gd_steps = gradient_descent(fit, start, lr, 20 * nat_steps).steps_to_reach(best, 1e-6)
        except ValueError:  # the step overshot to σ ≤ 0
            gd_steps = None
        assert gd_steps is None  # not within 20 times as many steps, whatever the rate


def test_nesterov_is_the_look_ahead_two_sequence_method():
    """Oracle: y_k = θ_k + β(θ_k − θ_{k−1}), θ_{k+1} = y_k − η∇L(y_k) (Sutskever et al. 2013), written out here."""
    r, beta, lr = Rosenbrock(), 0.9, 1e-3
    theta, prev, expected = np.array([-1.2, 1.0]), np.array([-1.2, 1.0]), [np.array([-1.2, 1.0])]
    for _ in range(40):
        look = theta + beta * (theta - prev)
        prev, theta = theta, look - lr * r.grad(look)
        expected.append(theta)
    assert_close(momentum(r, [-1.2, 1.0], lr, 40, beta, nesterov=True).iterates, expected, rtol=1e-12, atol=1e-12)


@CORE
@given(lam=st.floats(0.1, 10.0), factor=st.floats(0.1, 1.9), beta=st.floats(0.0, 0.95))
def test_momentum_on_a_1d_quadratic_follows_its_linear_recurrence(lam, factor, beta):
    """On L = ½λθ²: heavy ball θ_{k+1} = (1 + β − ηλ)θ_k − βθ_{k−1}; Nesterov (1 + β)(1 − ηλ)θ_k − β(1 − ηλ)θ_{k−1}."""
    lr, q = factor / lam, Quadratic([[lam]])
    heavy = momentum(q, [1.0], lr, 12, beta).iterates[:, 0]
    ahead = momentum(q, [1.0], lr, 12, beta, nesterov=True).iterates[:, 0]
    a, b = [1.0, 1.0], [1.0, 1.0]
    for _ in range(12):
        a.append((1 + beta - lr * lam) * a[-1] - beta * a[-2])
        b.append((1 + beta) * (1 - lr * lam) * b[-1] - beta * (1 - lr * lam) * b[-2])
    assert_close(heavy, a[1:], rtol=1e-9, atol=1e-12)
    assert_close(ahead, b[1:], rtol=1e-9, atol=1e-12)


def test_newton_solves_a_quadratic_in_one_step_and_rosenbrock_quickly():
    q = Quadratic([[3.0, 1.0], [1.0, 2.0]], center=[1.0, -2.0])
    assert_close(newton(q, [10.0, 10.0], 1).final, [1.0, -2.0], atol=1e-12)
    r = Rosenbrock()
    traj = newton(r, [-1.2, 1.0], 30)
    assert traj.steps_to_reach(r.minimum, 1e-8) <= 10
    assert gradient_descent(r, [-1.2, 1.0], 1e-3, 30).steps_to_reach(r.minimum, 1e-8) is None


def test_adam_and_rmsprop_take_per_coordinate_steps():
    q = elongated((100.0, 0.01))
    first = adam(q, [1.0, 1.0], 0.1, 1).final
    assert_close(np.abs(first - 1.0), [0.1, 0.1], rtol=1e-5)  # |step| = η in each coordinate, whatever the curvature
    assert_close(
        adam(Objective(lambda t: 1e4 * q.value(t), lambda t: 1e4 * q.grad(t)), [1.0, 1.0], 0.1, 50).iterates,
        adam(q, [1.0, 1.0], 0.1, 50).iterates,
        atol=1e-5,
    )  # invariant to scaling the loss (ε aside)
    assert adam(q, [1.0, 1.0], 0.05, 500).losses[-1] < 1e-4
    assert rmsprop(q, [1.0, 1.0], 0.01, 500).losses[-1] < 1e-4 * q.value([1.0, 1.0])


CONSTANT_G = np.array([2.0, -0.5, 1e-3])
LINEAR = Objective(value=lambda t: float(CONSTANT_G @ t), grad=lambda t: CONSTANT_G.copy())


@pytest.mark.parametrize("rho", [0.9, 0.99])
def test_rmsprop_first_steps_on_a_constant_gradient(rho):
    """s starts at 0 and s_k = ρ s_{k−1} + (1 − ρ) g², so s_k = (1 − ρᵏ) g² and step k is η·sign(g)/√(1 − ρᵏ)."""
    lr, eps = 0.01, 1e-8
    traj = rmsprop(LINEAR, np.zeros(3), lr, 5, rho=rho, eps=eps)
    k = np.arange(1, 6)[:, None]
    steps = lr * CONSTANT_G / (np.sqrt(1 - rho**k) * np.abs(CONSTANT_G) + eps)
    assert_close(traj.iterates, np.vstack([np.zeros(3), -np.cumsum(steps, axis=0)]), rtol=1e-12, atol=0)
    assert traj.iterates[1][0] == pytest.approx(-lr / np.sqrt(1 - rho), rel=1e-6)  # 3.16η at ρ = 0.9, 10η at 0.99


def test_adam_steps_are_exactly_eta_on_a_constant_gradient():
    """With bias correction m̂ = g and v̂ = g² from the first step on, so every step is η·sign(g) (ε aside)."""
    lr, eps = 0.01, 1e-8
    traj = adam(LINEAR, np.zeros(3), lr, 5, eps=eps)
    steps = lr * CONSTANT_G / (np.abs(CONSTANT_G) + eps)
    assert_close(np.diff(traj.iterates, axis=0), np.tile(-steps, (5, 1)), rtol=1e-9, atol=0)


def test_positive_damping_adds_lambda_to_the_diagonal_only():
    """Newton and natural-gradient steps with λ > 0 against an explicit (M + λI)⁻¹g, M not diagonal."""
    A = np.array([[3.0, 1.0], [1.0, 2.0]])
    q = Quadratic(A, center=[1.0, -2.0])
    theta0 = np.array([0.5, 0.7])
    g = q.grad(theta0)
    for lam in (0.5, 4.0):
        expected = theta0 - 0.8 * np.linalg.solve(A + lam * np.eye(2), g)
        assert_close(newton(q, theta0, 1, lr=0.8, damping=lam).final, expected, rtol=1e-14, atol=1e-14)
        nat = natural_gradient_descent(q, lambda th: A, theta0, 0.8, 1, damping=lam)
        assert_close(nat.final, expected, rtol=1e-14, atol=1e-14)
        wrong = theta0 - 0.8 * np.linalg.solve(A + lam, g)  # λ added to every entry
        assert np.linalg.norm(wrong - expected) > 0.05
    # heavy damping turns Newton into gradient descent with step η/λ
    assert_close(newton(q, theta0, 1, damping=1e8).final, theta0 - g / 1e8, rtol=1e-12, atol=1e-15)


def test_sgd_is_deterministic_under_a_seed_and_full_batches_are_gd():
    z, _, _ = standardize(house_data()[0])
    model = LinearMSE(z, house_data()[1])
    a = sgd(model, ORIGIN, 0.1, 100, batch_size=8, seed=3)
    b = sgd(model, ORIGIN, 0.1, 100, batch_size=8, seed=3)
    c = sgd(model, ORIGIN, 0.1, 100, batch_size=8, seed=4)
    assert np.array_equal(a.iterates, b.iterates) and not np.array_equal(a.iterates, c.iterates)
    full = sgd(model, ORIGIN, 0.1, 100, batch_size=model.n_examples)
    assert_close(full.iterates, gradient_descent(model, ORIGIN, 0.1, 100).iterates, rtol=1e-12, atol=1e-12)
    assert a.losses[-1] < 1.1 * model.value(model.minimizer())  # noisy, but near the bottom


def test_clipping_bounds_each_step():
    traj = gradient_descent(Rosenbrock(), [-1.2, 1.0], 1e-3, 50, clip_norm=1.0)
    assert np.all(np.linalg.norm(np.diff(traj.iterates, axis=0), axis=1) <= 1e-3 + 1e-12)


def test_sgd_clips_each_minibatch_gradient():
    z, _, _ = standardize(house_data()[0])
    model = LinearMSE(z, house_data()[1])
    traj = sgd(model, ORIGIN, 0.1, 30, batch_size=4, seed=1, clip_norm=0.5)
    steps = np.linalg.norm(np.diff(traj.iterates, axis=0), axis=1)
    assert np.all(steps <= 0.05 + 1e-12) and steps.max() == pytest.approx(0.05)  # some gradients were clipped


def test_trajectory_distances_at_exactly_the_threshold():
    """steps_to_reach counts ‖θ_k − p‖ ≤ tol as reached; steps_to_leave needs ‖θ_k − p‖ > radius."""
    traj = Trajectory(np.array([[3.0, 4.0], [0.6, 0.8], [0.0, 0.5], [3.0, 0.0]]), np.zeros(4), np.zeros(4))
    assert traj.steps_to_reach(ORIGIN, 1.0) == 1 and traj.steps_to_reach(ORIGIN, 0.5) == 2
    assert traj.steps_to_reach(ORIGIN, 0.4) is None
    assert traj.steps_to_leave(ORIGIN, 5.0) is None and traj.steps_to_leave(ORIGIN, 4.0) == 0
    assert Trajectory(traj.iterates[1:], np.zeros(3), np.zeros(3)).steps_to_leave(ORIGIN, 1.0) == 2


def test_a_gradient_that_overflows_at_the_last_iterate_marks_the_run_diverged():
    """float16 holds at most 65504: from θ = 10 a step with η = 2⁻⁷ on curvature 1000 lands at a finite
    θ = −68.125, whose gradient −68 125 is inf in float16. The run stops there, flagged (all numbers exact)."""
    q = elongated((1000.0, 1.0))
    traj = gradient_descent(q, [10.0, 0.0], 2.0**-7, 1, dtype=np.float16)
    assert traj.iterates.tolist() == [[10.0, 0.0], [-68.125, 0.0]]
    assert np.isinf(traj.grad_norms[-1]) and traj.diverged
    ok = gradient_descent(q, [10.0, 0.0], 3 / 512, 1, dtype=np.float16)  # lands at −48.59375: −48 593.75 fits
    assert ok.iterates[-1, 0] == -48.59375 and not ok.diverged


def test_gradient_flow_matches_the_exact_solution_and_small_step_gd_follows_it():
    q = elongated((4.0, 0.5), angle=0.3)
    flow = gradient_flow(q, [1.0, 2.0], t_end=3.0, steps=300)
    vals, vecs = np.linalg.eigh(q.matrix)
    exact = [vecs @ (np.exp(-vals * t) * (vecs.T @ [1.0, 2.0])) for t in flow.times]
    assert_close(flow.iterates, exact, atol=1e-7)
    assert flow.times[-1] == pytest.approx(3.0)
    gd = gradient_descent(q, [1.0, 2.0], 3.0 / 3000, 3000)
    assert_close(gd.final, flow.final, atol=2e-3)


def test_trajectories_have_consistent_shapes():
    traj = momentum(saddle(), [1.0, 0.5], 0.01, 25)
    assert traj.iterates.shape == (26, 2) and traj.losses.shape == traj.grad_norms.shape == (26,)
    assert traj.losses[0] == pytest.approx(saddle().value([1.0, 0.5]))
    assert traj.grad_norms[0] == pytest.approx(np.linalg.norm(saddle().grad([1.0, 0.5])))


def test_bad_input_says_what_was_wrong():
    q = elongated()
    with pytest.raises(ValueError, match="lr must be > 0"):
        gradient_descent(q, [1.0, 1.0], 0.0, 10)
    with pytest.raises(ValueError, match="lr must be > 0"):
        adam(q, [1.0, 1.0], -0.1, 10)
    with pytest.raises(ValueError, match="theta0 must be finite"):
        momentum(q, [1.0, np.nan], 0.1, 10)
    with pytest.raises(ValueError, match="theta0 must be 1-D"):
        gradient_descent(q, [[1.0, 1.0]], 0.1, 10)
    with pytest.raises(ValueError, match="steps must be an integer >= 1"):
        gradient_descent(q, [1.0, 1.0], 0.1, 0)
    with pytest.raises(ValueError, match="cannot compute in int32"):
        gradient_descent(q, [1.0, 1.0], 0.1, 10, dtype=np.int32)
    with pytest.raises(ValueError, match="newton .* cannot compute in float16"):
        newton(q, [1.0, 1.0], 5, dtype=np.float16)
    with pytest.raises(ValueError, match="cannot compute in float16"):
        gradient_flow(q, [1.0, 1.0], 1.0, 10, dtype=np.float16)
    with pytest.raises(ValueError, match="loss_scale cannot compute in float32"):
        gradient_descent(q, [1.0, 1.0], 0.1, 10, dtype=np.float32, loss_scale=1024.0)
    with pytest.raises(ValueError, match="loss_scale=.* is too large"):
        gradient_descent(q, [1000.0, 1000.0], 0.01, 10, dtype=np.float16, loss_scale=2.0**20)
    with pytest.raises(ValueError, match="beta must lie in"):
        momentum(q, [1.0, 1.0], 0.1, 10, beta=1.0)
    with pytest.raises(ValueError, match="objective must have value"):
        gradient_descent(lambda t: t, [1.0, 1.0], 0.1, 10)
    with pytest.raises(ValueError, match="sgd needs an objective with batch_grad"):
        sgd(q, [1.0, 1.0], 0.1, 10, batch_size=2)
    with pytest.raises(ValueError, match="batch_size must be at most"):
        sgd(LinearMSE(*house_data(10)), [0.0, 0.0], 0.1, 10, batch_size=11)
    with pytest.raises(ValueError, match="needs an objective with a hessian"):
        newton(Objective(q.value, q.grad), [1.0, 1.0], 5)
