"""Chapter 4 (梯度的陷阱): every worked number and exercise answer, recomputed with gradbook and found in the prose."""

from __future__ import annotations

import importlib
import inspect
import math
import re

import numpy as np
import pytest
import sympy as sp

from gradbook.calculus import numerical_gradient, numerical_hessian
from gradbook.engine.registry import find_figure
from gradbook.engine.render import data as figure_data
from gradbook.engine.render import figure as drawn
from gradbook.information import hamming_distance
from gradbook.landscapes import saddle
from gradbook.models import sigmoid
from gradbook.networks import activation, clip_by_norm, hidden_state_jacobian_norms, init_params, recurrent_matrix
from gradbook.normalization import DeepNet, input_gradient_ratio, normalize
from gradbook.optimizers import gradient_descent, momentum
from gradbook.pitfalls import LinearRecurrence
from tests.chapters import ROOT, check_off_the_edge, claim, front_matter, markdown

CH = "04"
F16 = np.float16


def dsigmoid(z):
    return activation("sigmoid")[1](z, sigmoid(z))


def spec(name: str):
    """The figure script's parameters, caption and ALT, as the build reads them."""
    return find_figure(name, ROOT / "figures")


def layer_norms(act: str, init: str) -> np.ndarray:
    """One line of figure 4.2."""
    return figure_data("layer_grad_norms")[act, init]


# --- vanishing gradients ---------------------------------------------------------------------


def test_sigmoid_slope_formula_and_its_quarter_bound():
    z = sp.symbols("z")
    s = 1 / (1 + sp.exp(-z))
    assert sp.simplify(sp.diff(s, z) - s * (1 - s)) == 0
    grid = np.linspace(-10, 10, 2001)
    slopes = dsigmoid(grid)
    assert slopes.max() == pytest.approx(0.25) and grid[np.argmax(slopes)] == pytest.approx(0.0)
    num = numerical_gradient(lambda v: float(sigmoid(v[0])), np.array([1.3]))
    assert num[0] == pytest.approx(float(dsigmoid(1.3)), rel=1e-8)
    claim(CH, 0.25, "最大值是 $\\tfrac12 \\cdot \\tfrac12 = 1/4$", value=0.25)


def test_hand_product_of_ten_quarters():
    assert 0.25**10 == 1 / 1048576
    claim(CH, 1 / 0.25**10, "$0.25^{10} = 1/1048576$", value=1048576)
    claim(CH, 0.25**10, r"约 $9.5 \times 10^{-7}$", value=9.5e-7, rel=0.01)


def test_slopes_off_centre_and_the_saturation_edge():
    claim(CH, float(dsigmoid(2.0)), "$\\sigma'(2) \\approx 0.105$", value=0.105, abs=5e-4)
    claim(CH, float(dsigmoid(5.0)), "$\\sigma'(5) \\approx 0.0066$", value=0.0066, abs=5e-5)
    edge = math.log((1 + math.sqrt(1 - 0.04)) / (1 - math.sqrt(1 - 0.04)))  # σ'(z) = 0.01
    assert float(dsigmoid(edge)) == pytest.approx(0.01)
    claim(CH, edge, "超过约 4.6")


def test_initialization_decides_saturation():
    claim(CH, spec("sigmoid_saturation").defaults()["naive_std"], "每个权重都从标准差为 4 的正态分布里抽")
    d = figure_data("sigmoid_saturation")  # figure 4.1's two histograms
    claim(CH, d["mean_slope"]["xavier"], "平均斜率是 0.234")
    claim(CH, d["mean_slope"]["naive"], "平均斜率只剩 0.016")
    z = d["pre"]["naive"]
    assert d["mean_slope"]["naive"] == pytest.approx(float(np.mean(dsigmoid(z))))
    edge = math.log((1 + math.sqrt(1 - 0.04)) / (1 - math.sqrt(1 - 0.04)))  # σ'(z) = 0.01
    assert np.mean(np.abs(z) > edge) > 0.5 and 10 < z.std() < 50  # "散布到正负几十，大部分单元掉进饱和区"


def test_naive_initialization_has_one_meaning():
    # "朴素" is N(0, 1) whatever the width, in the prose and in both figures; figure 4.1's std-4 case is not called that
    text = markdown(CH)
    assert "不看层宽、每个权重都取标准差 1" in text and "本章说“朴素初始化”都指这一种" in text
    init_params = importlib.import_module("gradbook.networks").init_params
    assert inspect.signature(init_params).parameters["naive_std"].default == 1.0
    assert "朴素" not in (ROOT / "figures" / "sigmoid_saturation.py").read_text(encoding="utf-8")
    assert [key for key in figure_data("layer_grad_norms") if key[1] == "naive"] == [("relu", "naive")]
    # the prose explains every dashed line of figure 4.2: there is exactly one, and it is the naive ReLU
    dashed = [line.get_label() for line in drawn("layer_grad_norms").axes[0].lines if line.get_linestyle() == "--"]
    assert dashed == ["ReLU + 朴素 N(0, 1)"] and "唯一的虚线" in text


def test_backward_recursion_formula_matches_finite_differences():
    rng = np.random.default_rng(1)
    W, b = rng.normal(size=(3, 4)), rng.normal(size=3)
    v = rng.normal(size=3)  # ∂L/∂h_l for L = v · h_l

    def loss(h):
        return float(v @ sigmoid(W @ h + b))

    h = rng.normal(size=4)
    formula = W.T @ (dsigmoid(W @ h + b) * v)
    assert np.allclose(formula, numerical_gradient(loss, h), atol=1e-8)


def test_ten_layer_gradient_norms():
    sig = layer_norms("sigmoid", "xavier")
    claim(CH, sig[-1], "输出层的约 2.9")
    claim(CH, sig[0], r"输入层的 $1.4 \times 10^{-6}$", value=1.4e-6, rel=0.04)
    claim(CH, sig[0] / sig[-1], r"约 $4.7 \times 10^{-7}$ 倍", value=4.7e-7, rel=0.02)
    he = layer_norms("relu", "he")
    assert he.min() >= 0.9 and he.max() <= 2.4
    claim(CH, he.min(), "都在 0.9 到 2.4 之间")
    tanh = layer_norms("tanh", "xavier")
    assert tanh.max() / tanh.min() < 2
    naive = layer_norms("relu", "naive")
    assert np.all((naive > 1e10) & (naive < 1e12))
    claim(CH, math.sqrt(32 / 2), "$\\sqrt{32/2} = 4$", value=4)
    # the ALT's ranges come from the same lines
    assert 0.15 < min(tanh.min(), he.min()) and max(tanh.max(), he.max()) < 2.45
    assert "约 0.2 到 2.4 之间" in spec("layer_grad_norms").alt and "四条折线" in spec("layer_grad_norms").alt
    assert len(figure_data("layer_grad_norms")) == 4


# --- exploding gradients -----------------------------------------------------------------------


def test_linear_rnn_jacobian_norm_is_radius_to_the_k():
    d = figure_data("rnn_jacobian_norms")  # figure 4.3's lines: ρ = 1.1, 1 and 0.9
    assert [line["rho"] for line in d["lines"]] == [1.1, 1.0, 0.9]
    for line in d["lines"]:
        assert np.allclose(line["linear"], line["rho"] ** d["k"], rtol=1e-9)


def test_rnn_growth_numbers():
    high, _, low = figure_data("rnn_jacobian_norms")["lines"]
    claim(CH, high["linear"][50], "$1.1^{50} \\approx 117.4$", value=117.4, abs=0.05)
    claim(CH, low["linear"][50], "$0.9^{50} \\approx 0.0052$", value=0.0052, abs=5e-5)
    assert np.all(high["tanh"] <= high["linear"] + 1e-12)  # "tanh 只会把乘积再压小"


# --- remedies: clipping --------------------------------------------------------------------------


def test_clipping_formula_keeps_direction():
    g = np.array([3.0, 4.0])
    clipped, before = clip_by_norm(g, 1.0)
    assert before == 5.0 and np.allclose(clipped, g * min(1, 1 / 5))
    small, _ = clip_by_norm(np.array([0.3, 0.4]), 1.0)
    assert np.allclose(small, [0.3, 0.4])


def test_residual_jacobian_is_identity_plus_branch():
    rng = np.random.default_rng(2)
    A = 0.01 * rng.normal(size=(3, 3))

    def block(h):
        return h + np.tanh(A @ h)

    from gradbook.calculus import numerical_jacobian

    J = numerical_jacobian(block, np.zeros(3))
    assert np.allclose(J, np.eye(3) + A, atol=1e-8)


def test_the_derivative_is_a_sum_over_the_twenty_uses_of_w():
    # BPTT: the use of w at step t contributes (20 − t Jacobians w) · h_{t−1}, and h_{t−1} = w^{t−1}
    w = sp.symbols("w")
    per_use = [w ** (20 - t) * w ** (t - 1) for t in range(1, 21)]
    assert all(sp.simplify(term - w**19) == 0 for term in per_use)
    assert sp.simplify(sum(per_use) - 20 * w**19) == 0
    L = LinearRecurrence(steps=20, target=0.5)
    for w0 in (0.9, 1.05):
        assert float(L.grad(np.array([w0]))[0]) == pytest.approx(20 * w0**19 * (w0**20 - 0.5), rel=1e-12)
    claim(CH, 20, "$20\\, w^{19}$ 是 20 项之和")


def test_clipping_tames_the_exploding_run():
    d = figure_data("clipping_exploding")  # figure 4.6: from w = 1.1 at η = 0.01, plain and clipped to norm 1
    w_star, plain, clipped = d["w_star"], d["plain"], d["clipped"]
    claim(CH, w_star, "$w^* = 0.5^{1/20} \\approx 0.966$", value=0.966, abs=5e-4)
    claim(CH, float(LinearRecurrence(steps=20, target=0.5).grad(plain.iterates[0])[0]), "梯度已有约 761.7")
    claim(CH, float(plain.iterates[1, 0]), "$w$ 甩到约 $-6.52$", value=-6.52, abs=0.005)
    assert plain.diverged and len(plain.iterates) == 3 and 1e31 <= abs(plain.iterates[2, 0]) < 1e32
    assert not clipped.diverged
    assert np.allclose(np.diff(clipped.iterates[:12, 0]), -0.01)
    claim(CH, clipped.steps_to_reach(np.array([w_star]), 1e-6), "在第 17 步离 $w^*$ 已不到 $10^{-6}$")


# --- remedies: initialisation, normalisation, residual connections ------------------------------------------


def test_the_variance_derivation_behind_xavier_and_he():
    a, s = sp.symbols("a s", positive=True)
    density = sp.exp(-(a**2) / (2 * s**2)) / (s * sp.sqrt(2 * sp.pi))
    assert sp.simplify(sp.integrate(a**2 * density, (a, 0, sp.oo)) - s**2 / 2) == 0  # E[max(0, a)²] = Var(a)/2
    assert sp.simplify(sp.integrate(density, (a, 0, sp.oo)) - sp.Rational(1, 2)) == 0  # E[relu'(a)²] = 1/2
    n_in, n_out = sp.symbols("n_in n_out", positive=True)
    x, y = 1 / n_in, 1 / n_out  # Xavier is the harmonic mean of what forward and backward each ask for
    assert sp.simplify(2 * x * y / (x + y) - 2 / (n_in + n_out)) == 0
    # Monte Carlo on a square ReLU layer: He keeps E[h²], Xavier halves it
    rng = np.random.default_rng(0)
    h = rng.normal(size=(256, 2000))
    for init, factor in (("he", 1.0), ("xavier", 0.5)):
        W = init_params([256, 256], init, seed=1)[0][0]
        assert np.mean(np.maximum(W @ h, 0) ** 2) / np.mean(h**2) == pytest.approx(factor, rel=0.05)
    text = markdown(CH)
    assert r"\tfrac12 n \cdot \tfrac1n = \tfrac12" in text and r"\operatorname{Var}(W) = 2/n_{\text{in}}" in text
    claim(CH, 1 / math.sqrt(2), r"$1/\sqrt2 \approx 0.707$", value=0.707, abs=5e-4)


def test_the_twenty_layer_profile_matches_the_prediction():
    assert spec("init_variance_profile").defaults()["width"] == 256
    claim(CH, spec("init_variance_profile").defaults()["depth"], "宽 256、共 20 层的网络", value=20)
    d = figure_data("init_variance_profile")
    rx, he, th = (d["lines"][k] for k in (("relu", "xavier"), ("relu", "he"), ("tanh", "xavier")))
    assert rx["forward"][0] == pytest.approx(1.0, abs=0.005) and len(d["layers"]) - 1 == 19
    claim(CH, rx["forward"][-1], "经过 19 个 ReLU 层后只剩 0.0014", value=0.0014, abs=5e-5)
    claim(CH, 2**-9.5, r"$2^{-19/2} \approx 0.0014$", value=0.0014, abs=5e-5)
    for key in ("forward", "backward"):  # the measured line hugs the halving line
        assert np.all(np.abs(np.log(rx[key] / d["halving"][key])) < 0.3)
        assert he[key].max() / he[key].min() < 1.3  # "两头都持平"
    claim(CH, rx["backward"][0] / rx["backward"][-1], "梯度只剩最后一个隐藏层的 0.0013 倍")
    claim(CH, he["backward"][0] / he["backward"][-1], "输入处的梯度是最后一个隐藏层的 0.94 倍")
    claim(CH, th["forward"][-1], "前向的均方根慢慢降到 0.16")
    claim(CH, th["backward"][0] / th["backward"][-1], "梯度也缩小到 0.15 倍")


def test_batch_norm_gradient_as_the_chapter_writes_it():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(7)
    a, dy, gamma, eps = rng.normal(2.0, 3.0, 8), rng.normal(size=8), 1.7, 1e-5
    mu, var = a.mean(), a.var()
    ahat = (a - mu) / np.sqrt(var + eps)
    g = gamma * dy
    formula = (g - g.mean() - ahat * np.mean(g * ahat)) / np.sqrt(var + eps)  # the displayed formula, term by term
    t = torch.tensor(a[:, None], dtype=torch.float64, requires_grad=True)
    w = torch.tensor([gamma], dtype=torch.float64, requires_grad=True)
    b = torch.zeros(1, dtype=torch.float64, requires_grad=True)
    out = torch.nn.functional.batch_norm(t, None, None, w, b, training=True, eps=eps)
    (out[:, 0] * torch.tensor(dy)).sum().backward()
    assert np.allclose(formula, t.grad.numpy()[:, 0], atol=1e-12)
    assert w.grad.item() == pytest.approx(float(dy @ ahat)) and b.grad.item() == pytest.approx(dy.sum())
    # γ = √(σ² + ε), β = μ undoes the normalisation
    undone, _ = normalize(a[None, :], np.array([np.sqrt(var + eps)]), np.array([mu]), "batch", eps=eps)
    assert np.allclose(undone[0], a)
    # a batch of one has no variance to divide by; layer normalisation needs no batch
    with pytest.raises(ValueError):
        normalize(a[:, None], np.ones(8), np.zeros(8), "batch")
    assert normalize(a[:, None], np.ones(8), np.zeros(8), "layer")[0].std() == pytest.approx(1.0, rel=1e-5)
    claim(CH, eps, r"（这里取 $10^{-5}$）", value=1e-5)
    assert inspect.signature(normalize).parameters["eps"].default == eps


def normalisation_gains(kind: str) -> np.ndarray:
    """1/√(σ² + ε) averaged over the units of each hidden layer of figure 4.5's sigmoid network."""
    rng = np.random.default_rng(0)
    h = rng.normal(size=(32, 64))
    net = DeepNet.create([32] * 10 + [1], "sigmoid", "xavier", seed=0, norm=kind)
    gains = []
    for W, _ in net.params[:-1]:
        out, cache = normalize(W @ h, np.ones(32), np.zeros(32), kind)
        h = sigmoid(out)
        gains.append(float(np.mean(cache.inv_std)))
    return np.array(gains)


def test_normalisation_flattens_the_profile():
    d = figure_data("normalization_profile")
    sig, relu = d["sigmoid", "xavier"], d["relu", "naive"]
    assert np.allclose(sig[None], layer_norms("sigmoid", "xavier"))  # the network of figure 4.2
    assert np.allclose(relu[None], layer_norms("relu", "naive"))
    claim(CH, sig[None][0] / sig[None][-1], r"本来首尾相差 $4.7 \times 10^{-7}$ 倍", value=4.7e-7, rel=0.02)
    bn, ln = sig["batch"], sig["layer"]
    claim(CH, len(bn) - 1, "九个隐藏层", value=9)
    claim(CH, bn[:-1].min(), "都落在 0.21 到 0.58 之间")
    claim(CH, bn[:-1].max(), "到 0.58 之间", value=0.58, abs=0.005)
    claim(CH, bn[0] / bn[-1], "首尾之比变成 0.11")
    claim(CH, ln[0] / ln[-1], r"首尾之比是 $1.6 \times 10^{-5}$", value=1.6e-5, rel=0.03)
    bn_gain, ln_gain = normalisation_gains("batch")[1:], normalisation_gains("layer")[1:]
    assert np.all((0.17 < 1 / bn_gain) & (1 / bn_gain < 0.23))  # "批内的标准差约 0.2"
    assert np.all((4.5 < bn_gain) & (bn_gain < 5.6)) and "梯度每过一层被放大约 5 倍" in markdown(CH)
    assert np.all(ln_gain < 2.3) and "只把梯度放大不到 2.3 倍" in markdown(CH)
    assert np.all((relu[None] > 1e11) & (relu[None] < 1e12))
    claim(CH, relu["batch"].min(), "批归一化的各层在 2.2 到 7.7 之间")
    claim(CH, relu["batch"].max(), "到 7.7 之间", value=7.7, abs=0.05)
    claim(CH, relu["layer"].min(), "层归一化的在 0.94 到 3.3 之间")
    claim(CH, relu["layer"].max(), "到 3.3 之间", value=3.3, abs=0.05)


RESIDUAL_COLUMNS = (
    ("sigmoid", "xavier", {}),
    ("sigmoid", "xavier", {"residual": True}),
    ("relu", "he", {"norm": "batch"}),
    ("relu", "he", {"norm": "batch", "residual": True}),
)


def table_cell(v: float) -> tuple[str, float, float]:
    """How the residual table prints a ratio: (text, the value it spells, half a unit of its last digit)."""
    if 0.01 <= v < 1000:
        text = f"{v:#.3g}"
        decimals = len(text.split(".")[1]) if "." in text else 0
        return text, float(text), 0.5 * 10.0**-decimals
    mantissa, exponent = f"{v:.1e}".split("e")
    return f"${mantissa} \\times 10^{{{int(exponent)}}}$", float(f"{v:.1e}"), 0.05 * 10.0 ** int(exponent)


def test_the_residual_table():
    text = markdown(CH)
    ratios = {}
    for depth in (10, 20, 50, 100):
        row = [input_gradient_ratio(act, init, depth, **opts) for act, init, opts in RESIDUAL_COLUMNS]
        ratios[depth] = row
        cells = [table_cell(v) for v in row]
        assert f"| {depth} | " + " | ".join(c[0] for c in cells) + " |" in text, f"the table's row for L = {depth}"
        for v, (cell, shown, half) in zip(row, cells):
            literal = None if cell.startswith("$") else cell
            check_off_the_edge(v, shown, f"the residual table at L = {depth}", rel=0.0, abs=half, literal=literal)
    plain, skip, bn, bn_skip = zip(*ratios.values())
    assert 1e-62 <= plain[-1] < 1e-61 and "100 层时只剩 $10^{-62}$ 量级" in text
    assert all(0.9 < r < 1.3 for r in skip) and "到 100 层都还在 1 附近" in text
    claim(CH, bn[-1], r"100 层时放大了 $4.8 \times 10^{8}$ 倍", value=4.8e8, rel=0.01)
    claim(CH, bn_skip[-1], "缓慢地增长到 13.5")
    alone = input_gradient_ratio("relu", "he", 100, residual=True)  # skips without batch normalisation
    assert 1e21 <= alone < 1e22 and "100 层后梯度被放大 $10^{21}$ 量级" in text


def test_residual_nets_link_to_gradient_flow_in_chapter_5():
    assert "[第 5 章的梯度流](05-optimizers.md#梯度流下山的连续版本)" in markdown(CH)
    assert "## 梯度流：下山的连续版本" in markdown("5")


# --- saddle points ---------------------------------------------------------------------------------


def test_saddle_gradient_and_gd_factors():
    L = saddle()
    theta = np.array([0.7, -0.4])
    assert np.allclose(L.grad(theta), numerical_gradient(lambda t: float(L.value(t)), theta))
    assert np.allclose(L.grad(theta), [2 * 0.7, 2 * 0.4])
    nxt = gradient_descent(L, theta, 0.1, 1).final
    assert np.allclose(nxt, [0.8 * 0.7, 1.2 * -0.4])
    claim(CH, 1 - 2 * 0.1, "$\\theta_1$ 每步乘 0.8", value=0.8)
    claim(CH, 1 + 2 * 0.1, "$\\theta_2$ 每步乘 1.2", value=1.2)


def test_gd_on_the_stable_axis_stalls_at_the_saddle():
    tr = figure_data("saddle_escape")["plain"]  # figure 4.7's grey run, from (1, 0)
    assert np.all(tr.iterates[:, 1] == 0) and tr.steps_to_leave(np.zeros(2), 2.0) is None
    claim(CH, float(np.linalg.norm(tr.final)), r"约 $1.5 \times 10^{-6}$", value=1.5e-6, rel=0.03)


def test_noise_and_momentum_escape():
    d, origin = figure_data("saddle_escape"), np.zeros(2)
    claim(CH, d["noisy"].steps_to_leave(origin, 2.0), "在第 48 步离开了半径为 2 的圆")
    claim(CH, d["offset"].steps_to_leave(origin, 2.0), "在第 42 步离开")
    claim(CH, d["momentum"].steps_to_leave(origin, 2.0), "动量在第 20 步就离开")


def test_escape_factor_along_a_negative_eigenvalue():
    L, eta = saddle(), 0.1
    lams = np.linalg.eigvalsh(numerical_hessian(lambda t: float(L.value(t)), np.zeros(2)))
    lam = float(lams.min())
    assert lam == pytest.approx(-2.0, abs=1e-6)
    factor = 1 - eta * lam
    assert factor == pytest.approx(1 + eta * abs(lam))
    claim(CH, factor, "得到的正是上面的 1.2")
    tr = gradient_descent(L, [0.0, 1e-6], eta, 5)
    assert np.allclose(tr.iterates[1:, 1] / tr.iterates[:-1, 1], factor, rtol=1e-12)
    assert "1 + 2\\eta|\\lambda|" not in markdown(CH)


def test_momentum_growth_rate_is_the_larger_root():
    roots = np.sort(np.roots([1, -(1 + 2 * 0.1 + 0.9), 0.9]))
    claim(CH, roots[1], "两个根是 1.5 和 0.6")
    claim(CH, roots[0], "和 0.6", value=0.6)
    claim(CH, 1 + 2 * 0.1 + 0.9, "$r^2 - 2.1 r + 0.9 = 0$", value=2.1, abs=1e-12)
    # the recursion's growth matches the root: ratio of successive θ₂ deep into the run
    tr = momentum(saddle(), [0.0, 1e-9], 0.1, 60, beta=0.9)
    ratios = tr.iterates[40:, 1] / tr.iterates[39:-1, 1]
    assert np.allclose(ratios, 1.5, rtol=1e-6)


# --- anisotropy ------------------------------------------------------------------------------------


def anisotropy(scale: float = 5.0) -> list[dict]:
    """Figure 4.8's two panels: the loss, its run and its gap at s = 1 and at s = ``scale``."""
    return figure_data("input_scale_anisotropy", scale=scale)["panels"]


@pytest.mark.parametrize("s", [1.0, 3.0, 10.0])
def test_input_scale_multiplies_the_weight_gradient_only(s):
    base, scaled = (panel["loss"] for panel in anisotropy(s))
    theta = np.array([0.4, -0.3])
    g1, gs = base.grad(theta), scaled.grad(theta / [s, 1])
    assert gs[0] == pytest.approx(s * g1[0]) and gs[1] == pytest.approx(g1[1])
    H = scaled.hessian(theta)
    assert np.allclose(H, 2 * np.diag([s**2, 1.0]), atol=1e-9)
    assert np.allclose(H, numerical_hessian(lambda t: float(scaled.value(t)), theta), rtol=1e-5, atol=1e-5)
    assert np.linalg.cond(H) == pytest.approx(s**2)


def test_condition_numbers_and_the_slow_run():
    for s, text in ((10, "$s = 10$ 时 $\\kappa = 100$"), (100, "$s = 100$ 时 $\\kappa = 10000$")):
        claim(CH, anisotropy(float(s))[1]["kappa"], text, value=s**2, rel=1e-9)
    easy, slow = anisotropy()
    L = slow["loss"]
    lam = np.linalg.eigvalsh(L.hessian(np.zeros(2))).max()
    assert 2 / lam == pytest.approx(1 / 25)
    assert slow["run"].iterates[0] == pytest.approx(L.minimizer() - 1.6) and len(slow["run"].iterates) == 31
    claim(CH, float(slow["gap"]), "30 步后离最小值还有 0.53", value=0.53, abs=0.005)
    assert easy["gap"] < 1e-10
    # along b the error is multiplied by 1 − 2η each step, and η < 1/s² keeps that above 1 − 2/s²
    lam_b = np.linalg.eigvalsh(L.hessian(np.zeros(2))).min()
    assert lam_b == pytest.approx(2.0) and 1 - lam_b * 0.9 / lam > 1 - 2 / 25
    claim(CH, 1 - 2 / 25, "这个数大于 $1 - 2/s^2$", value=1 - 2 / 5**2)


# --- minibatch noise -------------------------------------------------------------------------------


def test_minibatch_variance_falls_as_one_over_b():
    d = figure_data("minibatch_variance", shuffles=60)  # figure 4.9's measurement, with twice its shuffles
    G, tr_sigma = d["grads"], d["tr_sigma"]
    n = len(G)
    claim(CH, tr_sigma, "$\\operatorname{tr}\\Sigma \\approx 55.0$")
    claim(CH, tr_sigma / 16, "$B = 16$ 时方差约 3.4", value=3.4, abs=0.05)
    claim(CH, math.ceil(tr_sigma / 2), "要让它降到 2 以下需要 $B \\ge 28$", value=28)
    full = G.mean(axis=0)
    measured = dict(zip(d["sizes"].tolist(), d["measured"]))
    for b in (1, 4, 16, 64):
        assert measured[b] == pytest.approx(tr_sigma / b * (n - b) / (n - 1), rel=0.06)
    # with replacement the formula is exact in expectation: check with many draws
    rng = np.random.default_rng(0)
    draws = G[rng.integers(0, n, size=(20000, 8))].mean(axis=1)
    assert np.mean(np.sum((draws - full) ** 2, axis=1)) == pytest.approx(tr_sigma / 8, rel=0.03)


def test_batch_gradient_descent_takes_four_steps_for_the_budget():
    assert len(figure_data("minibatch_variance")["runs"]["full"].iterates) - 1 == 4
    assert "全量的批量梯度下降只走了 4 步" in markdown(CH)


# --- gradient confusion ------------------------------------------------------------------------------


def test_hamming_snippet_value():
    assert hamming_distance(np.array([0.3, -1.2, 0.5, 2.0]), np.array([0.1, 0.4, -0.2, 1.5])) == 2


def test_zero_hamming_distance_does_not_mean_the_same_direction():
    a, b = np.array([1.0, 0.01]), np.array([0.01, 1.0])
    assert hamming_distance(a, b) == 0
    angle = math.degrees(math.acos(float(a @ b) / (np.linalg.norm(a) * np.linalg.norm(b))))
    claim(CH, angle, "夹角却约有 88.9°")
    assert hamming_distance(a, -a) == 2


def test_curriculum_lowers_confusion_and_speeds_early_descent():
    d = figure_data("gradient_confusion")
    claim(CH, d["random"]["mean"], "平均有 9.2 个分量符号相反")
    claim(CH, d["curriculum"]["mean"], "平均汉明距离降到 8.4")
    rand, curr = d["random"]["run"], d["curriculum"]["run"]
    claim(CH, curr.losses[4], "损失是 0.33")
    claim(CH, rand.losses[4], "随机顺序还是 0.42")
    claim(CH, rand.losses[-1], "都到了 0.21 左右")
    assert abs(rand.losses[-1] - curr.losses[-1]) < 0.005


# --- floating-point underflow ---------------------------------------------------------------------------


def test_float16_thresholds():
    f = np.finfo(F16)
    assert float(f.smallest_subnormal) == 2.0**-24 and float(f.tiny) == 2.0**-14
    claim(CH, 2.0**-14, r"$2^{-14} \approx 6.10 \times 10^{-5}$", value=6.10e-5, rel=0.002)
    claim(CH, 2.0**-24, r"$2^{-24} \approx 5.96 \times 10^{-8}$", value=5.96e-8, rel=0.002)
    # ties to even: exactly 2⁻²⁵ (halfway between 0 and 2⁻²⁴) rounds to 0, the next double above it does not
    assert float(F16(2.0**-25)) == 0.0 and float(F16(-(2.0**-25))) == 0.0
    assert float(F16(np.nextafter(2.0**-25, 1.0))) == 2.0**-24 and float(F16(1.01 * 2.0**-25)) == 2.0**-24
    assert float(F16(np.nextafter(2.0**-25, 0.0))) == 0.0
    claim(CH, 2.0**-25, "绝对值不超过它的一半（$2^{-25}$）的数，舍入后就是 0", value=2.0**-25)
    claim(CH, 2.0**-25, "float16 把绝对值 $\\le 2^{-25}$ 的数舍成 0", value=2.0**-25)
    claim(CH, float(np.finfo(np.float32).tiny), r"$2^{-126} \approx 1.2 \times 10^{-38}$", value=1.2e-38, rel=0.03)
    claim(CH, float(f.max), "约是 65504")


def float16_runs(scale: float | None) -> object:
    """Figure 4.12's float16 run, without loss scaling (``None``) or scaled by ``scale``."""
    if scale is None:
        return figure_data("float16_underflow")["float16"]
    return figure_data("float16_underflow", loss_scale=scale)["scaled"]


def test_float16_descent_stops_at_step_15():
    tr = float16_runs(None)
    assert tr.iterates.dtype == F16
    assert np.array_equal(tr.iterates[:16, 0].astype(float), 2.0 ** -np.arange(16))
    claim(CH, int(np.flatnonzero(tr.grad_norms == 0)[0]), "到第 15 步，梯度是 $2^{-25}$")
    claim(CH, float(tr.final[0]), r"$2^{-15} \approx 3.05 \times 10^{-5}$", value=3.05e-5, rel=0.002)
    assert float(tr.final[0]) == 2.0**-15
    assert float(figure_data("float16_underflow")["float32"].final[0]) == 2.0**-40


def test_loss_scaling_buys_ten_more_steps():
    assert spec("float16_underflow").defaults()["loss_scale"] == 1024.0
    tr = float16_runs(1024.0)
    stop = int(np.flatnonzero(np.diff(tr.iterates[:, 0]) == 0)[0])
    assert stop == 25 and float(tr.final[0]) == 2.0**-25
    claim(CH, stop, "直到第 25 步梯度")
    claim(CH, float(tr.final[0]), r"$2^{-25} \approx 2.98 \times 10^{-8}$", value=2.98e-8, rel=0.002)


# --- exercises ------------------------------------------------------------------------------------------


def test_exercise_1_sigmoid_slope_and_twenty_layers():
    claim(CH, float(sigmoid(2.0)), "$\\sigma(2) \\approx 0.881$", value=0.881, abs=5e-4)
    claim(CH, float(dsigmoid(2.0)), "0.119 \\approx 0.105$", value=0.105, abs=5e-4)
    claim(CH, 0.25**20, r"$0.25^{20} \approx 9.1 \times 10^{-13}$", value=9.1e-13, rel=0.01)


def test_exercise_2_steps_to_shrink_a_hundredfold():
    k_exact = math.log(0.01) / math.log(0.95)
    claim(CH, k_exact, "\\ln 0.95 \\approx 89.8", value=89.8, abs=0.05)
    norms = hidden_state_jacobian_norms(recurrent_matrix(8, 0.95, seed=1), 100)
    first = int(np.flatnonzero(norms < 0.01)[0])
    claim(CH, first, "所以至少 90 步", value=90)


def test_exercise_3_momentum_rate_with_half_beta():
    r = max(np.roots([1, -(1 + 0.2 + 0.5), 0.5]).real)
    claim(CH, r, "\\approx 1.322$", value=1.322, abs=5e-4)
    tr = momentum(saddle(), [0.0, 1e-9], 0.1, 60, beta=0.5)
    assert tr.iterates[-1, 1] / tr.iterates[-2, 1] == pytest.approx(r, rel=1e-6)


def test_exercise_4_scale_twenty():
    H = anisotropy(20.0)[1]["loss"].hessian(np.zeros(2))  # figure 4.8 redrawn at s = 20
    claim(CH, np.linalg.cond(H), "$\\kappa = s^2 = 400$", value=400, rel=1e-9)
    lam = np.linalg.eigvalsh(H).max()
    claim(CH, lam, "$\\lambda_{\\max} = 2 s^2 = 800$", value=800, rel=1e-9)
    claim(CH, 2 / lam, "$2/\\lambda_{\\max} = 0.0025$", value=0.0025, abs=1e-12)


def test_exercise_4_lr_threshold_really_separates_convergence_from_divergence():
    L = anisotropy(20.0)[1]["loss"]
    good = gradient_descent(L, [0.0, 0.0], 0.0024, 3000)
    bad = gradient_descent(L, [0.0, 0.0], 0.0026, 3000)
    assert np.linalg.norm(good.final - L.minimizer()) < 1e-3
    assert bad.diverged or np.linalg.norm(bad.final - L.minimizer()) > 1e3


def test_exercise_5_bigger_batches():
    tr_sigma = figure_data("minibatch_variance")["tr_sigma"]
    claim(CH, tr_sigma / 64, "$55.0 / 64 \\approx 0.86$", value=0.86, abs=0.005)


def test_exercise_6_smaller_loss_scale():
    tr = float16_runs(32.0)
    stop = int(np.flatnonzero(np.diff(tr.iterates[:, 0]) == 0)[0])
    claim(CH, stop, "第 20 步等于 $2^{-25}$")
    claim(CH, float(tr.final[0]), r"$2^{-20} \approx 9.54 \times 10^{-7}$", value=9.54e-7, rel=0.002)


# --- the page ----------------------------------------------------------------------------------------------


def test_front_matter_and_search_terms_are_on_the_page():
    fm = front_matter(CH)
    assert fm["chapter"] == 4 and fm["title"] == "第 4 章 梯度的陷阱"
    text = markdown(CH)
    assert len(fm["search_terms"]) >= 2 and all(term in text for term in fm["search_terms"])


def test_every_figure_of_the_chapter_is_embedded():
    text = markdown(CH)
    for name in (
        "sigmoid_saturation",
        "layer_grad_norms",
        "rnn_jacobian_norms",
        "init_variance_profile",
        "normalization_profile",
        "clipping_exploding",
        "saddle_escape",
        "input_scale_anisotropy",
        "minibatch_variance",
        "minibatch_paths",
        "gradient_confusion",
        "float16_underflow",
    ):
        assert re.search(rf"^!\[\]\(\.\./figures/{name}\.svg(\?sweep=\w+)?\)$", text, re.M)  # or explorable


# --- 习题（先猜再验、证明、编程） ---------------------------------------------------------------------


def test_exercise_3_momentum_half_beta_redrawn():
    assert "[图](#fig:saddle_escape) 里 $\\beta = 0.9$ 的第 20 步" in markdown(CH)
    r = (1.7 + math.sqrt(0.89)) / 2
    claim(CH, math.log(2000) / math.log(r), r"\ln 2000 / \ln 1.322 \approx 27.3", value=27.3, abs=0.05)
    default, redrawn = figure_data("saddle_escape"), figure_data("saddle_escape", beta=0.5)
    half, full = redrawn["momentum"], default["momentum"]
    claim(CH, half.steps_to_leave(np.zeros(2), 2.0), "在第 28 步越过半径 2 的虚线")
    claim(CH, full.steps_to_leave(np.zeros(2), 2.0), "的第 20 步晚")
    claim(CH, redrawn["offset"].steps_to_leave(np.zeros(2), 2.0), "比梯度下降的第 42 步早")
    claim(CH, full.iterates[:, 0].min(), r"到 $\theta_1 \approx -0.71$ 才折回", value=-0.71, abs=0.005)
    claim(CH, half.iterates[:, 0].min(), r"只冲到 $\theta_1 \approx -0.07$", value=-0.07, abs=0.005)


def test_exercise_6_loss_scale_32_redrawn():
    assert "重画[图](#fig:float16_underflow)" in markdown(CH)
    plain, scaled = float16_runs(None), float16_runs(32.0)
    stop = int(np.flatnonzero(np.diff(scaled.iterates[:, 0].astype(float)) == 0)[0])
    assert stop == 20 and float(scaled.final[0]) == 2.0**-20
    claim(CH, stop, "绿色虚线正是在第 20 步")
    plain_stop = int(np.flatnonzero(np.diff(plain.iterates[:, 0].astype(float)) == 0)[0])
    claim(CH, plain_stop, "不缩放的 float16（第 15 步）", value=15)
    claim(CH, stop - 15, "多走 5 步")
    for k in range(1, 11):  # one more step per doubling of the scale
        run = float16_runs(2.0**k)
        assert int(np.flatnonzero(np.diff(run.iterates[:, 0].astype(float)) == 0)[0]) == 15 + k


def test_exercise_7_tanh_is_a_stretched_sigmoid():
    z = sp.symbols("z", real=True)
    s = 1 / (1 + sp.exp(-z))
    assert sp.simplify((2 * s.subs(z, 2 * z) - 1 - sp.tanh(z)).rewrite(sp.exp)) == 0
    assert sp.simplify(sp.diff(sp.tanh(z), z) - 4 * sp.diff(s, z).subs(z, 2 * z)) == 0
    grid = np.linspace(-6, 6, 2001)
    slope = 1 - np.tanh(grid) ** 2
    assert slope.max() == pytest.approx(1.0) and grid[np.argmax(slope)] == pytest.approx(0.0)
    np.testing.assert_allclose(slope, 4 * dsigmoid(2 * grid), atol=1e-12)
    claim(CH, 0.25**10, r"sigmoid 至多 $0.25^{10} \approx 9.5 \times 10^{-7}$", value=9.5e-7, rel=0.01)


def test_exercise_8_minibatch_variance_is_trace_over_b():
    # exact expectation over all ordered draws with replacement of B out of n per-example gradients
    import itertools

    rng = np.random.default_rng(0)
    G = rng.normal(size=(5, 3))
    mean = G.mean(axis=0)
    trace = np.trace(np.cov(G.T, bias=True))
    for B in (1, 2, 3):
        errs = [np.sum((G[list(idx)].mean(axis=0) - mean) ** 2) for idx in itertools.product(range(5), repeat=B)]
        assert np.mean(errs) == pytest.approx(trace / B)
    assert "$B \\operatorname{tr}\\Sigma / B^2 = \\operatorname{tr}\\Sigma / B$" in markdown(CH)


def test_exercise_9_clipping_thresholds():
    loss = LinearRecurrence(steps=20, target=0.5)
    w_star = loss.minimum[0]
    runs = {c: figure_data("clipping_exploding", max_norm=c, steps=1000)["clipped"] for c in (0.1, 1.0, 10.0, 100.0)}
    shown = {c: run.steps_to_reach(loss.minimum, 1e-6) for c, run in runs.items()}
    assert shown == {0.1: 136, 1.0: 17, 10.0: 11, 100.0: None}
    claim(CH, shown[0.1], "要 136 步才下完悬崖")
    claim(CH, shown[1.0], "就是正文的[图](#fig:clipping_exploding)，17 步", value=17)
    claim(CH, shown[10.0], "阈值 10 更快，11 步", value=11)
    stuck = runs[100.0]
    assert stuck.iterates[1, 0] == pytest.approx(0.1) and np.ptp(stuck.iterates[1:, 0]) < 1e-12
    claim(CH, float(loss.grad(np.array([1.1]))[0]), "第一步的梯度约 761.7")
    claim(CH, float(loss.grad(np.array([0.1]))[0]), r"只有约 $-10^{-18}$", value=-1e-18, rel=0.01)
    claim(CH, 1.1 - w_star, "离起点只有约 0.13")


def test_exercise_10_leaky_relu_initialisation():
    a, s, alpha = sp.symbols("a s alpha", positive=True)
    density = sp.exp(-(a**2) / (2 * s**2)) / (s * sp.sqrt(2 * sp.pi))
    second = sp.integrate(a**2 * density, (a, 0, sp.oo)) + sp.integrate(alpha**2 * a**2 * density, (a, 0, sp.oo))
    assert sp.simplify(second - (1 + alpha**2) / 2 * s**2) == 0
    var_w = 2 / ((1 + 0.1**2) * 256)
    rng = np.random.default_rng(0)
    h = rng.normal(size=(256, 2000))
    W = rng.normal(0.0, math.sqrt(var_w), (256, 256))
    z = W @ h
    assert np.mean(np.maximum(z, 0.1 * z) ** 2) / np.mean(h**2) == pytest.approx(1.0, rel=0.05)
    claim(CH, var_w, r"$2 / (1.01 \times 256) \approx 0.00774$", value=0.00774, abs=5e-6)
    claim(CH, 2 / 256, r"$2/256 \approx 0.00781$", value=0.00781, abs=5e-6)
