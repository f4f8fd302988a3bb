"""The book's autodiff: both modes and the Hessian-vector product against closed forms, finite
differences and sympy, on compositions it was not written for; exact operation counts."""

from __future__ import annotations

import math

import numpy as np
import pytest
import sympy as sp
from hypothesis import given
from hypothesis import strategies as st

from gradbook import autodiff as ad
from gradbook.calculus import numerical_gradient, numerical_hessian
from gradbook.landscapes import Rosenbrock
from gradbook.models import LogisticRegression, OnePointLinear, two_blobs
from tests.core_helpers import CORE, assert_close, points

# --- primitives: each op's derivative in both modes, against its closed form -------------------------

UNARY = {
    "exp": (ad.exp, math.exp),
    "log": (ad.log, lambda x: 1 / x),
    "sin": (ad.sin, math.cos),
    "cos": (ad.cos, lambda x: -math.sin(x)),
    "tanh": (ad.tanh, lambda x: 1 - math.tanh(x) ** 2),
    "sigmoid": (ad.sigmoid, lambda x: ad.sigmoid(x) * (1 - ad.sigmoid(x))),
    "relu": (ad.relu, lambda x: 1.0 if x > 0 else 0.0),
    "neg": (lambda x: -x, lambda x: -1.0),
    "square": (lambda x: x**2, lambda x: 2 * x),
    "inverse_sqrt": (lambda x: x**-0.5, lambda x: -0.5 * x**-1.5),
    "reciprocal": (lambda x: 1 / x, lambda x: -1 / x**2),
    "shift": (lambda x: 3 - x, lambda x: -1.0),
}


@pytest.mark.parametrize("name", sorted(UNARY))
@CORE
@given(x=st.floats(0.1, 3.0))
def test_each_primitive_in_both_modes(name, x):
    f, df = UNARY[name]
    assert ad.derivative(f, x) == pytest.approx(df(x), rel=1e-12, abs=1e-12)
    v = ad.Value(x)
    out = f(v)
    out.backward()
    assert out.data == pytest.approx(f(x), rel=1e-12)
    assert v.grad == pytest.approx(df(x), rel=1e-12, abs=1e-12)


@CORE
@given(a=st.floats(-3, 3), b=st.floats(0.2, 3))
def test_binary_operations_in_both_modes(a, b):
    ops = {
        "+": (lambda x, y: x + y, (1, 1)),
        "-": (lambda x, y: x - y, (1, -1)),
        "*": (lambda x, y: x * y, (b, a)),
        "/": (lambda x, y: x / y, (1 / b, -a / b**2)),
    }
    for f, expected in ops.values():
        g = lambda z, f=f: f(z[0], z[1])  # noqa: E731
        assert_close(ad.gradient_forward(g, [a, b]), expected, rtol=1e-12, atol=1e-12)
        assert_close(ad.gradient_reverse(g, [a, b]), expected, rtol=1e-12, atol=1e-12)


def test_the_notes_pytorch_example_and_gradient_accumulation():
    """Chapter 3: y = x² + 3x at x = 2 gives 7; a second backward adds to .grad until zero_grad."""
    x = ad.Value(2.0)
    y = x**2 + 3 * x
    y.backward(retain_graph=True)  # keep the saved values: this graph is replayed below
    assert y.data == 10.0 and x.grad == 7.0
    (x**2 + 3 * x).backward()
    assert x.grad == 14.0
    x.zero_grad()
    (x**2 + 3 * x).backward()
    assert x.grad == 7.0
    y.backward()  # replaying one graph twice accumulates in the leaf only, not in the intermediates
    assert x.grad == 14.0


def test_relu_at_its_kink_has_derivative_zero_in_every_mode():
    """Convention (as PyTorch and the networks' relu): relu'(0) = 0, the same in forward, reverse and HVP."""
    assert ad.relu(0.0) == 0.0
    assert ad.derivative(ad.relu, 0.0) == 0.0
    assert ad.gradient_forward(lambda z: ad.relu(z[0]), [0.0])[0] == 0.0
    assert ad.gradient_reverse(lambda z: ad.relu(z[0]), [0.0])[0] == 0.0
    v = ad.Value(0.0)
    (3 * ad.relu(v)).backward()
    assert v.grad == 0.0
    # a kink reached inside a composition: relu(x − 1) at x = 1, times x, so the gradient would be 1 if relu'(0) = 1
    f = lambda z: ad.relu(z[0] - 1) * z[0] + z[1]  # noqa: E731
    for grad in (ad.gradient_forward(f, [1.0, 2.0]), ad.gradient_reverse(f, [1.0, 2.0])):
        assert grad.tolist() == [0.0, 1.0]
    assert ad.hessian_vector_product(lambda z: ad.relu(z[0]) * z[0], [0.0], [1.0]).tolist() == [0.0]
    # just off the kink both modes switch together
    for x, slope in ((1e-300, 1.0), (-1e-300, 0.0)):
        assert ad.derivative(ad.relu, x) == ad.gradient_reverse(lambda z: ad.relu(z[0]), [x])[0] == slope


# --- compositions the engine was not written for -------------------------------------------------


def comp_a(x):
    return ad.sin(x[0] * x[1]) / (1 + x[2] ** 2) + ad.exp(ad.tanh(x[0])) * ad.log(1 + ad.sigmoid(x[2]))


def comp_b(x):
    u = x[0] * x[0] - 2 * x[1] + x[2] / 3
    return ad.cos(u) ** 3 - (x[1] - x[2]) ** 2 * ad.sigmoid(u) + ad.log(2 + ad.sin(x[0] * x[2]))


def comp_c(x):
    h = ad.tanh(0.5 * x[0] - x[1]) * 1.5 + ad.relu(x[2] + 4)
    return (h - 1) ** 2 / (1 + x[0] ** 2 * x[1] ** 2) + ad.exp(-(x[2] ** 2))


s = sp.symbols("x0 x1 x2", real=True)
SYMBOLIC = {
    comp_a: sp.sin(s[0] * s[1]) / (1 + s[2] ** 2) + sp.exp(sp.tanh(s[0])) * sp.log(1 + 1 / (1 + sp.exp(-s[2]))),
    comp_b: (lambda u: sp.cos(u) ** 3 - (s[1] - s[2]) ** 2 / (1 + sp.exp(-u)) + sp.log(2 + sp.sin(s[0] * s[2])))(
        s[0] ** 2 - 2 * s[1] + s[2] / 3
    ),
    comp_c: (
        (sp.tanh(s[0] / 2 - s[1]) * sp.Rational(3, 2) + s[2] + 4 - 1) ** 2 / (1 + s[0] ** 2 * s[1] ** 2)
        + sp.exp(-(s[2] ** 2))
    ),  # relu(x₂ + 4) = x₂ + 4 on the sampled box
}
LAMBDIFIED = {
    f: (sp.lambdify(s, [sp.diff(e, v) for v in s]), sp.lambdify(s, sp.hessian(e, s))) for f, e in SYMBOLIC.items()
}
COMPOSITIONS = {"a": comp_a, "b": comp_b, "c": comp_c}


def plain(f):
    return lambda z: f(list(z))


@pytest.mark.parametrize("name", sorted(COMPOSITIONS))
@CORE
@given(x=points(3, 2.0), v=points(3, 1.0))
def test_both_modes_and_hvp_agree_with_sympy_and_finite_differences(name, x, v):
    f = COMPOSITIONS[name]
    grad_sym, hess_sym = LAMBDIFIED[f]
    g_exact = np.array(grad_sym(*x), dtype=float)
    h_exact = np.array(hess_sym(*x), dtype=float)
    assert_close(ad.gradient_forward(f, x), g_exact, rtol=1e-10, atol=1e-10)
    assert_close(ad.gradient_reverse(f, x), g_exact, rtol=1e-10, atol=1e-10)
    assert_close(ad.hessian_vector_product(f, x, v), h_exact @ v, rtol=1e-9, atol=1e-9)
    assert_close(ad.gradient_reverse(f, x), numerical_gradient(plain(f), x), rtol=1e-6, atol=1e-6)
    assert_close(ad.hessian(f, x), numerical_hessian(plain(f), x), rtol=1e-4, atol=1e-4)
    assert ad.jvp(f, x, v) == pytest.approx(g_exact @ v, rel=1e-9, abs=1e-9)


@CORE
@given(theta=points(2, 2.0))
def test_autodiff_reproduces_the_analytic_rosenbrock(theta):
    def rosen(t):
        return (1 - t[0]) ** 2 + 100 * (t[1] - t[0] ** 2) ** 2

    r = Rosenbrock()
    assert_close(ad.gradient_reverse(rosen, theta), r.grad(theta), rtol=1e-12, atol=1e-9)
    assert_close(ad.gradient_forward(rosen, theta), r.grad(theta), rtol=1e-12, atol=1e-9)
    assert_close(ad.hessian(rosen, theta), r.hessian(theta), rtol=1e-12, atol=1e-9)


def test_a_function_that_ignores_its_inputs_has_zero_derivatives():
    const = lambda z: 3.5  # noqa: E731
    x = np.array([0.4, -1.2])
    assert ad.hessian_vector_product(const, x, [1.0, 2.0]).tolist() == [0.0, 0.0]
    assert ad.hessian(const, x).tolist() == [[0.0, 0.0], [0.0, 0.0]]
    assert ad.gradient_reverse(const, x).tolist() == ad.gradient_forward(const, x).tolist() == [0.0, 0.0]
    linear = lambda z: 2 * z[0] - z[1]  # noqa: E731  the gradient is constant: the Hessian is 0, not missing
    assert ad.hessian(linear, x).tolist() == [[0.0, 0.0], [0.0, 0.0]]


def test_autodiff_reproduces_the_analytic_models():
    assert_close(
        ad.gradient_reverse(lambda t: 0.5 * (3 * t[0] + t[1] - 8) ** 2, [1.0, 1.0]),
        OnePointLinear().grad([1.0, 1.0]),
        rtol=0,
        atol=0,
    )
    X, y = two_blobs(12, seed=4)
    model = LogisticRegression(X, y)

    def bce(w):
        total = 0.0
        for xi, yi in zip(X, y):
            p = ad.sigmoid(w[0] * float(xi[0]) + w[1] * float(xi[1]))
            total = total - (yi * ad.log(p) + (1 - yi) * ad.log(1 - p))
        return total / len(y)

    w = np.array([0.4, -0.3])
    assert_close(ad.gradient_reverse(bce, w), model.grad(w), rtol=1e-10)
    assert_close(ad.hessian(bce, w), model.hessian(w), rtol=1e-9)


# --- operation counts: the notes' product f = x₁·x₂·…·xₙ --------------------------------------------


def test_op_counts_match_exact_formulas_for_n_up_to_50():
    for n in range(1, 51):
        measured = ad.product_gradient_cost(n)
        assert measured == ad.predicted_product_gradient_cost(n) == ad.GradientCost(forward=n * n, reverse=2 * n)


def test_each_count_is_what_it_says():
    x = np.linspace(0.5, 1.5, 7)
    with ad.counting() as one_pass:
        ad.jvp(ad.product, x, np.eye(7)[0])
    assert one_pass.dual == 7 and one_pass.reverse == 0  # one forward pass: n multiplications
    with ad.counting() as rev:
        ad.gradient_reverse(ad.product, x)
    assert rev.recorded == 7 and rev.backward == 7 and rev.dual == 0
    assert_close(ad.gradient_reverse(ad.product, x), [np.prod(np.delete(x, i)) for i in range(7)], rtol=1e-12)


def test_what_n_2500_costs():
    """Chapter 3: n = 2500 takes 2500 forward passes (6 250 000 ops) but one reverse sweep (5 000 ops)."""
    cost = ad.predicted_product_gradient_cost(2500)
    assert cost.forward == 6_250_000 and cost.reverse == 5_000
    assert cost.forward / cost.reverse == 1250
    with ad.counting() as rev:
        g = ad.gradient_reverse(ad.product, np.ones(2500))  # long chains need no recursion
    assert rev.reverse == 5_000 and np.all(g == 1.0)


COUNTED_UNARY = ("exp", "log", "sin", "cos", "tanh", "sigmoid", "relu")


@pytest.mark.parametrize("name", COUNTED_UNARY)
def test_each_unary_op_counts_once_in_each_mode(name):
    op = getattr(ad, name)
    with ad.counting() as fwd:
        op(ad.Dual(0.7, 1.0))
    assert (fwd.dual, fwd.recorded, fwd.backward) == (1, 0, 0)
    with ad.counting() as rev:
        x = ad.Value(0.7)
        op(x).backward()
    assert (rev.dual, rev.recorded, rev.backward) == (0, 1, 1)


def test_op_counts_of_a_function_using_every_unary_op():
    """n = 7 inputs, each through its own unary op, summed: 7 unary ops + 6 additions = 13 per pass.

    Forward mode needs one pass per input (7 × 13 = 91); reverse records 13 and replays 13 (26).
    """

    def f(z):
        return (
            ad.exp(z[0]) + ad.log(z[1]) + ad.sin(z[2]) + ad.cos(z[3]) + ad.tanh(z[4]) + ad.sigmoid(z[5]) + ad.relu(z[6])
        )

    x = np.array([0.3, 1.7, -0.4, 0.9, 0.2, -1.1, 0.6])
    with ad.counting() as one_pass:
        ad.jvp(f, x, np.ones(7))
    assert one_pass.dual == 13
    with ad.counting() as fwd:
        g_fwd = ad.gradient_forward(f, x)
    with ad.counting() as rev:
        g_rev = ad.gradient_reverse(f, x)
    assert (fwd.dual, fwd.reverse) == (91, 0)
    assert (rev.recorded, rev.backward, rev.dual) == (13, 13, 0)
    assert_close(g_fwd, g_rev, rtol=1e-15, atol=0)


def test_counting_blocks_nest_and_restore():
    with ad.counting() as outer:
        ad.Dual(1.0, 1.0) * 2
        with ad.counting() as inner:
            ad.Dual(1.0, 1.0) + 2
        ad.Dual(1.0, 1.0) - 2
    assert outer.dual == 2 and inner.dual == 1


def test_bad_input_says_what_was_wrong():
    with pytest.raises(ValueError, match="exponent must be a plain number"):
        ad.Value(2.0) ** ad.Value(3.0)
    with pytest.raises(ValueError, match="log needs a positive argument"):
        ad.log(ad.Value(-1.0))
    with pytest.raises(ValueError, match="x must be 1-D"):
        ad.gradient_reverse(ad.product, np.ones((2, 2)))
    with pytest.raises(ValueError, match=r"v must have shape \(3\)"):
        ad.hessian_vector_product(comp_a, np.ones(3), np.ones(2))
    with pytest.raises(ValueError, match="x must be finite"):
        ad.gradient_forward(comp_a, [1.0, np.nan, 0.0])
    with pytest.raises(ValueError, match="n must be an integer >= 1"):
        ad.predicted_product_gradient_cost(0)
