"""The tape in practice (chapter 3): detach, no_grad, backward(gradient=…) as a VJP, retain_graph,
softmax cross-entropy's gradient p − y, and gradient checkpointing on a deep chain."""

from __future__ import annotations

import math

import numpy as np
import pytest
import sympy as sp
import torch
from hypothesis import given
from hypothesis import strategies as st

from gradbook import autodiff as ad
from gradbook.calculus import numerical_gradient
from tests.core_helpers import CORE, assert_close, points


def test_detach_cuts_one_path_and_no_grad_records_nothing():
    x = ad.Value(3.0)
    (x * x.detach()).backward()
    assert x.grad == 3.0  # only the path through the first factor
    with ad.counting() as ops, ad.no_grad():
        y = x * 3 + 1
    assert ops.recorded == 0 and y.parents == () and not y.requires_grad
    with pytest.raises(RuntimeError, match="does not require grad"):
        y.backward()
    z = x * 2  # recording is back on after the block
    assert z.requires_grad and z.parents


def test_backward_frees_the_tape_unless_retained():
    x = ad.Value(3.0)
    y = x**2
    y.backward(retain_graph=True)
    y.backward()
    assert x.grad == 12.0
    with pytest.raises(RuntimeError, match="retain_graph=True"):
        y.backward()


@CORE
@given(points(3), points(3))
def test_backward_with_a_gradient_is_a_vector_jacobian_product(x, u):
    # y = (x₀x₁, sin x₂ · x₀, x₁ + x₂); uᵀJ against PyTorch's backward(gradient=u) and against u·∇ by differences
    def f(v):
        return [v[0] * v[1], ad.sin(v[2]) * v[0], v[1] + v[2]]

    xs = [ad.Value(float(a)) for a in x]
    sum(float(c) * y for c, y in zip(u, f(xs))).backward()
    t = torch.tensor(x, requires_grad=True)
    torch.stack([t[0] * t[1], torch.sin(t[2]) * t[0], t[1] + t[2]]).backward(gradient=torch.tensor(u))
    assert_close([v.grad for v in xs], t.grad.numpy(), rtol=1e-12, atol=1e-12)
    fd = numerical_gradient(lambda v: float(np.dot(u, [float(y) for y in f(list(v))])), x)
    assert_close([v.grad for v in xs], fd, rtol=1e-6, atol=1e-6)


# --- softmax cross-entropy ---------------------------------------------------------------------------


def test_softmax_cross_entropy_gradient_against_sympy():
    z = sp.symbols("z0:3")
    for label in range(3):
        loss = sp.log(sum(sp.exp(zi) for zi in z)) - z[label]
        p = [sp.exp(zi) / sum(sp.exp(zj) for zj in z) for zi in z]
        for i in range(3):
            assert sp.simplify(sp.diff(loss, z[i]) - (p[i] - (1 if i == label else 0))) == 0
    # the softmax Jacobian diag(p) − ppᵀ times the loss's ∂ℓ/∂p = −y/p gives the same p − y
    pk = sp.symbols("p0:3", positive=True)
    J = sp.diag(*pk) - sp.Matrix(pk) * sp.Matrix(pk).T
    row = sp.Matrix([[-1 / pk[0], 0, 0]]) * J
    assert [sp.simplify(e.subs(pk[2], 1 - pk[0] - pk[1])) for e in row] == [
        sp.simplify(pk[0] - 1),
        pk[1],
        sp.simplify(1 - pk[0] - pk[1]),
    ]


@CORE
@given(points(4, bound=20.0), st.integers(0, 3), st.floats(-50, 50))
def test_reverse_mode_gives_p_minus_y_for_any_logits(z, label, shift):
    zs = [ad.Value(float(a)) for a in z]
    loss = ad.softmax_cross_entropy(zs, label)
    loss.backward()
    grad = np.array([v.grad for v in zs])
    assert_close(grad, ad.softmax_cross_entropy_grad(z, label), rtol=1e-12, atol=1e-12)
    assert abs(grad.sum()) < 1e-12  # p and y both sum to 1
    assert_close(ad.softmax_cross_entropy_grad(z + shift, label), grad, rtol=1e-9, atol=1e-9)  # shift-invariant
    assert loss.data == pytest.approx(-math.log(ad.softmax(z)[label]), rel=1e-9, abs=1e-12)
    assert_close(ad.gradient_forward(lambda v: ad.softmax_cross_entropy(v, label), z), grad, rtol=1e-12, atol=1e-12)


def test_softmax_cross_entropy_against_differences_and_pytorch():
    z = np.array([2.0, 1.0, 0.0, -1.5])
    fd = numerical_gradient(lambda v: ad.softmax_cross_entropy(list(v), 2), z)
    assert_close(ad.softmax_cross_entropy_grad(z, 2), fd, rtol=1e-7, atol=1e-8)
    t = torch.tensor(z, requires_grad=True)
    torch.nn.functional.cross_entropy(t[None], torch.tensor([2])).backward()
    assert_close(t.grad.numpy(), ad.softmax_cross_entropy_grad(z, 2), rtol=1e-12, atol=1e-12)
    assert np.isfinite(ad.softmax_cross_entropy([1000.0, 0.0], 1))  # no overflow
    with pytest.raises(ValueError):
        ad.softmax_cross_entropy([1.0, 2.0], 2)


# --- gradient checkpointing -------------------------------------------------------------------------


@pytest.mark.parametrize("depth", [1, 7, 64, 100])
def test_checkpointing_gives_the_same_gradient_for_less_memory(depth):
    plain = ad.chain_gradient(0.8, depth)
    assert plain.peak_stored == depth and plain.layer_evals == depth
    fd = numerical_gradient(lambda v: ad.checkpoint.run_layers(float(v[0]), depth), np.array([0.8]))[0]
    assert plain.grad == pytest.approx(fd, rel=1e-6)
    for k in range(2, depth + 1):
        run = ad.chain_gradient(0.8, depth, k)
        assert run.grad == plain.grad  # the same operations: the same bits
        lengths = [len(s) for s in np.array_split(np.arange(depth), k)]  # segment j runs with j + 1 checkpoints held
        assert run.peak_stored == max(j + 1 + n for j, n in enumerate(lengths)) and run.layer_evals == 2 * depth
        assert run.peak_stored <= k + math.ceil(depth / k)


def test_square_root_checkpoints_are_the_cheapest_in_memory():
    for depth in (16, 100, 400):
        peaks = {k: ad.chain_gradient(0.5, depth, k).peak_stored for k in range(2, depth + 1)}
        root = math.isqrt(depth)
        assert min(peaks.values()) == peaks[root] == 2 * root
    with pytest.raises(ValueError):
        ad.chain_gradient(1.0, 3, 4)
