"""Batch and layer normalisation, and the deep network of chapter 4's remedies: backward passes against
finite differences and against PyTorch's own BatchNorm and LayerNorm."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gradbook.calculus import numerical_gradient
from gradbook.networks import MLP
from gradbook.normalization import DeepNet, input_gradient_ratio, normalize, normalize_backward

KINDS = ("batch", "layer")


def setup(seed: int, units: int = 4, n: int = 6):
    rng = np.random.default_rng(seed)
    A = rng.normal(1.0, 2.0, size=(units, n))
    gamma, beta = rng.normal(1.0, 0.3, units), rng.normal(size=units)
    C = rng.normal(size=(units, n))  # L = Σ C ⊙ out, so ∂L/∂out = C
    return A, gamma, beta, C


@pytest.mark.parametrize("kind", KINDS)
def test_normalised_values_have_mean_zero_and_variance_one_along_the_kinds_axis(kind):
    A, gamma, beta, _ = setup(0)
    out, cache = normalize(A, np.ones(4), np.zeros(4), kind, eps=1e-12)
    axis = 1 if kind == "batch" else 0
    assert np.allclose(out.mean(axis=axis), 0) and np.allclose(out.var(axis=axis), 1)
    shifted, _ = normalize(A, gamma, beta, kind, eps=1e-12)
    assert np.allclose(shifted, gamma[:, None] * out + beta[:, None])


@pytest.mark.parametrize("kind", KINDS)
@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 10_000))
def test_backward_matches_finite_differences(kind, seed):
    A, gamma, beta, C = setup(seed)

    def loss(A_=A, g_=gamma, b_=beta):
        return float(np.sum(C * normalize(A_, g_, b_, kind)[0]))

    dA, dg, db = normalize_backward(C, normalize(A, gamma, beta, kind)[1])
    assert np.allclose(dA, numerical_gradient(lambda x: loss(A_=x), A), atol=1e-6)
    assert np.allclose(dg, numerical_gradient(lambda x: loss(g_=x), gamma), atol=1e-6)
    assert np.allclose(db, numerical_gradient(lambda x: loss(b_=x), beta), atol=1e-6)


@pytest.mark.parametrize("kind", KINDS)
def test_forward_and_backward_match_pytorch(kind):
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    A, gamma, beta, C = setup(3, units=5, n=7)
    # PyTorch puts examples in rows: our (units, n) is its (n, units) transposed
    a = torch.tensor(A.T, dtype=torch.float64, requires_grad=True)
    g = torch.tensor(gamma, dtype=torch.float64, requires_grad=True)
    b = torch.tensor(beta, dtype=torch.float64, requires_grad=True)
    if kind == "batch":
        out = F.batch_norm(a, None, None, g, b, training=True, eps=1e-5)
    else:
        out = F.layer_norm(a, (A.shape[0],), g, b, eps=1e-5)
    (out * torch.tensor(C.T)).sum().backward()
    ours, cache = normalize(A, gamma, beta, kind, eps=1e-5)
    dA, dg, db = normalize_backward(C, cache)
    assert np.allclose(ours, out.detach().numpy().T, atol=1e-12)
    assert np.allclose(dA, a.grad.numpy().T, atol=1e-10)
    assert np.allclose(dg, g.grad.numpy(), atol=1e-10) and np.allclose(db, b.grad.numpy(), atol=1e-10)


def test_the_gradient_loses_its_components_along_one_and_along_xhat():
    A, gamma, beta, C = setup(5)
    for kind, axis in (("batch", 1), ("layer", 0)):
        _, cache = normalize(A, np.ones(4), np.zeros(4), kind, eps=1e-12)
        dA = normalize_backward(C, cache)[0]
        assert np.allclose(dA.sum(axis=axis), 0, atol=1e-10)  # shifting A along the axis changes nothing
        assert np.allclose((dA * A).sum(axis=axis), 0, atol=1e-8)  # nor does scaling it


def test_layer_norm_needs_no_batch_but_batch_norm_does():
    x = np.array([[0.5], [-1.0], [2.0]])  # one example: a sequence model at inference, one token at a time
    out, _ = normalize(x, np.ones(3), np.zeros(3), "layer")
    assert out.mean() == pytest.approx(0) and out.var() == pytest.approx(1, rel=1e-4)
    with pytest.raises(ValueError, match="at least 2"):
        normalize(x, np.ones(3), np.zeros(3), "batch")
    with pytest.raises(ValueError, match="kind"):
        normalize(x, np.ones(3), np.zeros(3), "group")


def test_the_plain_network_is_the_mlp():
    rng = np.random.default_rng(0)
    X, Y = rng.normal(size=(6, 9)), rng.normal(size=(1, 9))
    for act in ("sigmoid", "relu", "tanh"):
        plain = DeepNet.create([6, 5, 5, 1], act, "xavier", seed=2).backprop(X, Y)
        mlp = MLP.create([6, 5, 5, 1], act, "xavier", seed=2).backprop(X, Y)
        assert plain.loss == mlp.loss
        assert np.array_equal(plain.layer_grad_norms, mlp.layer_grad_norms)
        assert np.array_equal(plain.activation_grad_norms, mlp.activation_grad_norms)


@pytest.mark.parametrize("norm", [None, "batch", "layer"])
@pytest.mark.parametrize("residual", [False, True])
def test_deep_net_gradients_match_finite_differences(norm, residual):
    rng = np.random.default_rng(1)
    X, Y = rng.normal(size=(4, 6)), rng.normal(size=(2, 6))
    net = DeepNet.create([4, 4, 4, 2], "tanh", "xavier", seed=3, norm=norm, residual=residual, branch_scale=0.7)
    grads = net.backprop(X, Y).grads
    for i, (W, b) in enumerate(net.params):

        def loss(w, i=i):
            ps = [w if j == i else p for j, p in enumerate(net.params)]
            return DeepNet(ps, "tanh", residual, 0.7, norm).backprop(X, Y).loss

        assert np.allclose(grads[i][0], numerical_gradient(lambda V, b=b: loss((V, b)), W), atol=1e-7), f"W[{i}]"
        assert np.allclose(grads[i][1], numerical_gradient(lambda v, W=W: loss((W, v)), b), atol=1e-7), f"b[{i}]"
    # the input gradient too: the first entry of activation_grad_norms is ‖∂L/∂X‖
    num = numerical_gradient(lambda x: net.backprop(x, Y).loss, X)
    assert net.backprop(X, Y).activation_grad_norms[0] == pytest.approx(np.linalg.norm(num), rel=1e-6)


def test_a_skip_adds_the_identity_to_each_layers_jacobian():
    from gradbook.calculus import numerical_jacobian

    W = DeepNet.create([3, 3, 1], "tanh", "xavier", seed=0).params[0][0]
    x = np.random.default_rng(4).normal(size=3)
    J = np.eye(3) + (1 - np.tanh(W @ x) ** 2)[:, None] * W  # ∂h_1/∂h_0 = I + diag(f'(a)) W
    assert np.allclose(numerical_jacobian(lambda v: v + np.tanh(W @ v), x), J, atol=1e-8)
    # the network's backward pass agrees: with an identity output layer, ∂L/∂h_0 = Jᵀ (h_1 − y)
    y = np.zeros((3, 1))
    net = DeepNet([(W, np.zeros(3)), (np.eye(3), np.zeros(3))], "tanh", residual=True)
    h1 = x + np.tanh(W @ x)
    assert net.backprop(x[:, None], y).loss == pytest.approx(0.5 * float(h1 @ h1))
    assert net.backprop(x[:, None], y).activation_grad_norms[0] == pytest.approx(np.linalg.norm(J.T @ h1))


def test_input_gradient_ratio_reads_the_profile():
    r = input_gradient_ratio("relu", "he", 4, width=8, batch=16)
    rng = np.random.default_rng(0)
    X, Y = rng.normal(size=(8, 16)), rng.normal(size=(1, 16))
    norms = DeepNet.create([8] * 4 + [1], "relu", "he", 0).backprop(X, Y).activation_grad_norms
    assert r == pytest.approx(norms[0] / norms[-1])
    with pytest.raises(ValueError):
        input_gradient_ratio("relu", "he", 1)
    with pytest.raises(ValueError, match="norm"):
        DeepNet.create([3, 3, 1], norm="group")
