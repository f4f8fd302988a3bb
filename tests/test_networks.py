"""Networks: manual backprop and BPTT against finite differences; vanishing/exploding facts; clipping."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from gradbook.calculus import numerical_gradient, numerical_jacobian
from gradbook.networks import (
    MLP,
    activation,
    affine_backward,
    clip_by_norm,
    hidden_state_jacobian_norms,
    init_params,
    recurrent_matrix,
    rnn_bptt,
    rnn_forward,
)
from tests.core_helpers import CORE, assert_close


def fd_wrt(f, arr):
    """Finite-difference gradient of f with respect to one array it reads (modified in place)."""

    def g(z):
        saved = arr.copy()
        arr[...] = z
        try:
            return f()
        finally:
            arr[...] = saved

    return numerical_gradient(g, arr.copy())


@CORE
@given(seed=st.integers(0, 10_000))
def test_affine_layer_gradients(seed):
    rng = np.random.default_rng(seed)
    W, X, b, C = rng.normal(size=(3, 4)), rng.normal(size=(4, 5)), rng.normal(size=3), rng.normal(size=(3, 5))
    loss = lambda: float(np.sum(C * (W @ X + b[:, None])))  # noqa: E731  so G = ∂L/∂A = C
    dW, db, dX = affine_backward(W, X, C)
    assert_close(dW, C @ X.T, rtol=1e-12)  # ∇_W L = G Xᵀ
    assert_close(db, C.sum(axis=1), rtol=1e-12)  # ∂L/∂b = Σ g
    assert_close(dW, fd_wrt(loss, W), atol=1e-6)
    assert_close(db, fd_wrt(loss, b), atol=1e-6)
    assert_close(dX, fd_wrt(loss, X), atol=1e-6)


@pytest.mark.parametrize("act", ["sigmoid", "tanh", "relu", "linear"])
@pytest.mark.parametrize("init", ["xavier", "he", "naive"])
def test_mlp_backprop_matches_finite_differences(act, init):
    rng = np.random.default_rng(3)
    # non-zero biases: with b = 0 a ReLU unit fed by all-dead units sits exactly on its kink
    params = [(W, rng.normal(0, 0.5, b.shape)) for W, b in init_params([3, 5, 4, 2], init, seed=3, naive_std=0.7)]
    net = MLP(params, act)
    X, Y = rng.normal(size=(3, 6)), rng.normal(size=(2, 6))
    bp = net.backprop(X, Y)
    assert bp.loss == pytest.approx(net.loss(X, Y))
    for (W, b), (dW, db) in zip(net.params, bp.grads):
        assert_close(dW, fd_wrt(lambda: net.loss(X, Y), W), rtol=1e-5, atol=1e-7)
        assert_close(db, fd_wrt(lambda: net.loss(X, Y), b), rtol=1e-5, atol=1e-7)
    assert_close(bp.layer_grad_norms, [np.linalg.norm(dW) for dW, _ in bp.grads], rtol=1e-12)
    assert bp.activation_grad_norms.shape == (3,)
    # ‖∂L/∂H_l‖ at each layer's input: H_0 = X, then the hidden outputs, each fed to the rest of the network
    H = X
    for i, expected in enumerate(bp.activation_grad_norms):
        rest = MLP(net.params[i:], act)
        assert expected == pytest.approx(np.linalg.norm(fd_wrt(lambda H=H, rest=rest: rest.loss(H, Y), H)), rel=1e-5)
        W, b = net.params[i]
        H = activation(act)[0](W @ H + b[:, None])


def test_activation_derivatives_and_the_sigmoid_bound():
    a = np.linspace(-6, 6, 241)
    for name in ("sigmoid", "tanh", "relu", "linear"):
        f, df = activation(name)
        fd = np.array([numerical_gradient(lambda z, f=f: float(f(z)), np.array(x)) for x in a[a != 0]])
        assert_close(df(a[a != 0], f(a[a != 0])), fd.ravel(), atol=1e-6)
    f, df = activation("sigmoid")
    assert df(a, f(a)).max() == pytest.approx(0.25)  # σ' ≤ 1/4, reached at 0
    f, df = activation("relu")
    assert df(np.zeros(1), f(np.zeros(1))).tolist() == [0.0]  # relu'(0) = 0, as in gradbook.autodiff


def _deep_norms(act, init, naive_std=1.0):
    rng = np.random.default_rng(0)
    X, Y = rng.normal(size=(20, 64)), rng.normal(size=(1, 64))
    return MLP.create([20] + [20] * 10 + [1], act, init, seed=0, naive_std=naive_std).backprop(X, Y).layer_grad_norms


def test_deep_sigmoid_vanishes_while_tanh_xavier_and_relu_he_keep_their_gradients():
    sig = _deep_norms("sigmoid", "xavier")
    assert sig[0] / sig[-1] < 1e-4 and np.all(np.diff(sig) > 0)  # shrinks towards the input
    for act, init in (("tanh", "xavier"), ("relu", "he")):
        norms = _deep_norms(act, init)
        assert 0.1 < norms[0] / norms[-1] < 10
    assert _deep_norms("relu", "naive", naive_std=1.0).min() > 1e8  # N(0, 1) weights explode


def test_init_scales():
    wide = init_params([400, 300, 200], "xavier", seed=0)
    assert wide[0][0].std() == pytest.approx(np.sqrt(2 / 700), rel=0.02)
    assert init_params([400, 300], "he")[0][0].std() == pytest.approx(np.sqrt(2 / 400), rel=0.02)
    assert init_params([400, 300], "naive", naive_std=0.01)[0][0].std() == pytest.approx(0.01, rel=0.02)
    assert np.array_equal(init_params([3, 4], seed=5)[0][0], init_params([3, 4], seed=5)[0][0])


def _rnn(seed, T=6, hidden=4, features=3):
    rng = np.random.default_rng(seed)
    return (
        rng.normal(0, 0.6, (hidden, hidden)),
        rng.normal(0, 0.6, (hidden, features)),
        rng.normal(0, 0.3, hidden),
        rng.normal(size=(T, features)),
        rng.normal(0, 0.5, hidden),
        rng.normal(0, 0.5, (T, hidden)),
    )


@CORE
@given(seed=st.integers(0, 10_000))
def test_bptt_matches_finite_differences(seed):
    W, U, b, xs, h0, ys = _rnn(seed)
    g = rnn_bptt(W, U, b, xs, h0, ys)
    loss = lambda: 0.5 * float(np.sum((rnn_forward(W, U, b, xs, h0)[1:] - ys) ** 2))  # noqa: E731
    assert g.loss == pytest.approx(loss())
    for grad, arr in ((g.dW, W), (g.dU, U), (g.db, b), (g.dh0, h0)):
        assert_close(grad, fd_wrt(loss, arr), rtol=1e-5, atol=1e-7)
    hs = rnn_forward(W, U, b, xs, h0)
    assert_close(g.dW, sum(np.outer(g.grad_a[t], hs[t]) for t in range(len(xs))), rtol=1e-12)  # Σ ∇a_t L h_{t−1}ᵀ


@pytest.mark.parametrize("rho", [0.5, 0.9, 1.0, 1.1])
def test_linear_rnn_jacobian_norms_are_powers_of_the_spectral_radius(rho):
    W = recurrent_matrix(8, rho, seed=2)
    assert np.max(np.abs(np.linalg.eigvals(W))) == pytest.approx(rho)
    norms = hidden_state_jacobian_norms(W, 40, "linear")
    assert_close(norms, rho ** np.arange(41), rtol=1e-9)


def test_tanh_rnn_vanishes_below_radius_one_and_never_beats_the_linear_bound():
    small = hidden_state_jacobian_norms(recurrent_matrix(8, 0.9, seed=2), 60, "tanh")
    assert np.all(small <= 0.9 ** np.arange(61) + 1e-12) and small[-1] < 1e-2
    big = hidden_state_jacobian_norms(recurrent_matrix(8, 1.5, seed=2), 10, "tanh", h0_scale=1e-4)
    assert big[-1] > 0.9 * 1.5**10  # small states keep tanh nearly linear, so ρ > 1 makes gradients explode


def _unrolled(W, h, k):
    for _ in range(k):
        h = np.tanh(W @ h)
    return h


def test_tanh_rnn_jacobian_norms_against_the_explicit_product_and_finite_differences():
    """A non-orthogonal W and tanh units, where diag(f′)·W and W·diag(f′) have different norms."""
    W = np.random.default_rng(4).normal(0.0, 1.0, (4, 4))
    steps, seed, scale = 6, 3, 1.0
    norms = hidden_state_jacobian_norms(W, steps, "tanh", seed=seed, h0_scale=scale)
    hs = [np.random.default_rng(seed).normal(0.0, scale, 4)]  # the documented seeded h₀
    for _ in range(steps):
        hs.append(np.tanh(W @ hs[-1]))
    jac, wrong = np.eye(4), np.eye(4)
    for k in range(1, steps + 1):
        t = steps - k + 1  # ∂h_T/∂h_{t−1} = ∂h_T/∂h_t · diag(1 − h_t²) W
        jac = jac @ np.diag(1 - hs[t] ** 2) @ W
        wrong = wrong @ W @ np.diag(1 - hs[t] ** 2)
        assert norms[k] == pytest.approx(np.linalg.norm(jac, 2), rel=1e-12)
        fd = numerical_jacobian(lambda h, k=k: _unrolled(W, h, k), hs[steps - k])
        assert norms[k] == pytest.approx(np.linalg.norm(fd, 2), rel=1e-6)
        assert abs(np.linalg.norm(wrong, 2) / norms[k] - 1) > 0.3  # the other order is far off
    assert norms[0] == 1.0 and norms.shape == (steps + 1,)


@CORE
@given(scale=st.floats(0.01, 100.0), max_norm=st.floats(0.1, 10.0))
def test_clipping_caps_the_norm_and_keeps_the_direction(scale, max_norm):
    grads = [np.array([3.0, -4.0]) * scale, np.array([[12.0]]) * scale]  # joint norm 13·scale
    clipped, norm = clip_by_norm(grads, max_norm)
    assert norm == pytest.approx(13 * scale)
    new_norm = np.sqrt(sum(np.sum(g**2) for g in clipped))
    assert new_norm == pytest.approx(min(norm, max_norm))
    assert_close(clipped[0] / np.linalg.norm(clipped[0]), [0.6, -0.8])
    single, _ = clip_by_norm(np.array([30.0, 40.0]), 5.0)
    assert_close(single, [3.0, 4.0])


def test_clipping_a_zero_gradient_leaves_it_zero():
    clipped, norm = clip_by_norm([np.zeros(3), np.zeros((2, 2))], 1.0)
    assert norm == 0.0 and all(np.array_equal(c, np.zeros_like(c)) for c in clipped)
    small, norm = clip_by_norm(np.array([0.3, 0.4]), 1.0)  # already inside: untouched
    assert norm == pytest.approx(0.5) and small.tolist() == [0.3, 0.4]


def test_bad_input_says_what_was_wrong():
    with pytest.raises(ValueError, match="activation must be one of"):
        MLP.create([2, 2], activation="swish")
    with pytest.raises(ValueError, match="init must be one of"):
        init_params([2, 2], init="orthogonal")
    with pytest.raises(ValueError, match=r"X must have shape \(3, any\)"):
        MLP.create([3, 2]).forward(np.ones((2, 4)))
    with pytest.raises(ValueError, match="W\\[1\\] takes 3 inputs but layer 0 gives 4 outputs"):
        MLP([(np.ones((4, 2)), np.zeros(4)), (np.ones((1, 3)), np.zeros(1))])
    with pytest.raises(ValueError, match=r"G must have shape \(3, 5\)"):
        affine_backward(np.ones((3, 4)), np.ones((4, 5)), np.ones((3, 4)))
    with pytest.raises(ValueError, match="max_norm must be > 0"):
        clip_by_norm(np.ones(3), 0.0)
    with pytest.raises(ValueError, match="grads must be finite"):
        clip_by_norm(np.array([1.0, np.inf]), 1.0)
    with pytest.raises(ValueError, match="W must be square"):
        rnn_forward(np.ones((3, 2)), np.ones((3, 1)), np.zeros(3), np.ones((4, 1)), np.zeros(3))
    with pytest.raises(ValueError, match="spectral_radius must be > 0"):
        recurrent_matrix(4, -1.0)
