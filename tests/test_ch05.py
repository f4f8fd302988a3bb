"""Chapter 5 (优化器): every worked number and exercise answer, recomputed with gradbook and found in the prose."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest
import sympy as sp

from gradbook.adaptive import adam
from gradbook.engine.render import data as figure_data
from gradbook.landscapes import Quadratic, elongated, saddle
from gradbook.models import LinearMSE, house_data
from gradbook.optimizers import Objective, momentum
from gradbook.quasi_newton import bfgs_update
from tests.chapters import DOCS, claim, front_matter, markdown

CH = "05"
FIGURES = (
    "heavy_ball_ode",
    "momentum_condition_number",
    "adam_bias_correction",
    "lr_schedules",
    "house_valley_optimizers",
    "overfitting_early_stopping",
)


def test_front_matter_terms_and_figures():
    fm = front_matter(CH)
    assert fm["chapter"] == 5 and fm["title"] == "第 5 章 优化器"
    body = markdown(CH).split("---", 2)[2]
    listed = {ln.split()[0] for ln in (DOCS / "search-terms.txt").read_text(encoding="utf-8").splitlines() if ln}
    assert all(term in body for term in fm["search_terms"]) and set(fm["search_terms"]) <= listed
    for name in FIGURES:  # each embedded once and referred to by name
        assert len(re.findall(rf"!\[\]\(\.\./figures/{name}\.svg[?)]", body)) == 1 and f"(#fig:{name})" in body


def test_euler_and_the_heavy_ball_discretisation():
    """η = h², β = 1 − γh: the finite-difference form, expanded by sympy, is the heavy-ball update."""
    h, g, t0, t1, grad = sp.symbols("h gamma theta0 theta1 grad")
    t2 = sp.solve((sp.Symbol("x") - 2 * t1 + t0) / h**2 + g * (t1 - t0) / h + grad, sp.Symbol("x"))[0]
    assert sp.simplify(t2 - (t1 - h**2 * grad + (1 - g * h) * (t1 - t0))) == 0
    d = figure_data("heavy_ball_ode")
    claim(CH, d["eta"], "对应 $\\eta = 0.25$")
    claim(CH, d["beta"], "$\\beta = 0.75$。")
    claim(CH, 2 * math.sqrt(1.0), "（这里是 2）")


def test_kappa_against_root_kappa():
    claim(CH, 99 / 101, r"$99/101 \approx 0.980$", value=0.980, abs=0.0005)
    claim(CH, 9 / 11, r"$9/11 \approx 0.818$", value=0.818, abs=0.0005)
    d = figure_data("momentum_condition_number")
    claim(CH, d["reach"]["gd"], "梯度下降 691 步才把误差缩小到百万分之一")
    claim(CH, d["reach"]["momentum"], "$\\beta = 0.67$ 的动量用 82 步", value=82)
    assert math.log(1e6) / -math.log(99 / 101) == pytest.approx(690.75, abs=0.01)  # "近 700 步"
    slope_gd = np.polyfit(np.log(d["kappas"]), np.log(d["counts"]["gd"]), 1)[0]
    slope_hb = np.polyfit(np.log(d["kappas"]), np.log(d["counts"]["momentum"]), 1)[0]
    assert slope_gd == pytest.approx(1.0, abs=0.02) and slope_hb == pytest.approx(0.5, abs=0.05)
    q, start = elongated((100.0, 1.0)), [0.1, 1.0]
    best = momentum(q, start, 4 / 121, 2000, beta=(9 / 11) ** 2).steps_to_reach([0, 0], 1e-6 * np.hypot(0.1, 1.0))
    claim(CH, best, "691 85", value=85)


def test_momentum_leaves_the_saddle_at_rate_1_5():
    r = max(np.roots([1, -(1 + 0.9 + 2 * 0.1), 0.9]).real)
    claim(CH, r, "取较大的根约为 1.5")
    traj = momentum(saddle(), [0.0, 1e-6], 0.1, 60, 0.9)
    ratio = traj.iterates[-1, 1] / traj.iterates[-2, 1]
    assert ratio == pytest.approx(1.5, rel=1e-3)


def test_adam_first_steps_and_bias_correction():
    claim(CH, 0.1 / math.sqrt(0.001), r"\approx 3.16\eta")
    d = figure_data("adam_bias_correction")
    claim(CH, d["peak_step"], "第 12 步达到")
    claim(CH, d["peak"], "第 12 步达到 $6.57\\eta$", value=6.57, abs=0.005)
    assert d["raw"][-1] > 2  # "两百步后仍是两倍多"
    g = np.array([100.0, 0.01])
    line = Objective(lambda t: float(g @ t), lambda t: g)
    assert adam(line, [0.0, 0.0], 0.1, 1).final.round(4).tolist() == [-0.1, -0.1]


def test_schedules_and_the_noise_floor():
    d = figure_data("lr_schedules")
    claim(CH, d["final"]["constant"], "仍比最小值高约 182")
    claim(CH, d["final"]["step"], "步进衰减降到 9.89")
    claim(CH, d["final"]["cosine"], "余弦降到 5.37")
    rates = d["rates"]["step"]
    assert rates[0] == 0.1 and rates[100] == pytest.approx(0.01) and rates[200] == pytest.approx(0.001)


def test_bfgs_hand_example_and_memory():
    A = np.diag([2.0, 1.0])
    s = np.array([1.0, 0.0])
    H = bfgs_update(np.eye(2), s, A @ s)
    assert H.tolist() == [[0.5, 0.0], [0.0, 1.0]] and (H @ (A @ s)).tolist() == s.tolist()
    claim(CH, H[0, 0], r"\operatorname{diag}(0.5, 1) .", value=0.5)
    claim(CH, 8 * 1e12 / 1e12, "按双精度是 8 TB", value=8)
    claim(CH, 2 * 10 * 1e6 * 8 / 1e6, "160 MB", value=160)


def test_the_house_valley_race():
    d = figure_data("house_valley_optimizers")
    model = LinearMSE(*house_data())
    assert d["kappa"] == pytest.approx(354775, rel=1e-5)  # "约 35 万", the figure of chapter 2
    claim(CH, d["distance"]["gd"][-1], "梯度下降走了 5000 步仍差 0.97", value=0.97, abs=0.005)
    claim(CH, d["reach"]["momentum"], "动量 3605 步")
    claim(CH, d["reach"]["adam"], "按余弦调度的 Adam 1508 步")
    claim(CH, d["reach"]["bfgs"], "BFGS 用精确线搜索 2 步到底")
    claim(CH, d["reach"]["newton"], "牛顿法 1 步")
    assert model.minimizer().round(3).tolist() == [2.821, 69.346]


def test_overfitting_example():
    d = figure_data("overfitting_early_stopping")
    claim(CH, d["train"][0], "训练误差从 0.53")
    claim(CH, d["train"][-1], "一路降到 0.0035")
    claim(CH, d["best"], "在第 19 步降到最低的")
    claim(CH, d["val"][d["best"]], "最低的 0.14")
    claim(CH, d["val"][-1], "最后到 1.73")


def test_training_loop_minimum():
    from gradbook.models import standardize

    x, y = house_data()
    z, _, _ = standardize(x)
    best = LinearMSE(z, y).minimizer()
    claim(CH, best[0], "最小值 $(51.4, 358.7)$", value=51.4, abs=0.05)
    assert best[1] == pytest.approx(358.7, abs=0.05)


# --- 习题 -------------------------------------------------------------------------------------------


def test_exercise_1_rates_and_steps():
    claim(CH, 9999 / 10001, r"9999/10001 \approx 0.9998", value=0.9998, abs=0.00005)
    claim(CH, math.log(1e6) / -math.log(9999 / 10001), "约 69078 步", abs=0.5)
    claim(CH, 99 / 101, r"99/101 \approx 0.9802", value=0.9802, abs=0.00005)
    claim(CH, math.log(1e6) / -math.log(99 / 101), "约 691 步", abs=0.5)


def test_exercise_2_uncorrected_first_step():
    claim(CH, 0.1 / math.sqrt(1 - 0.99), r"$0.1/\sqrt{0.01} = 1$", value=1, rel=1e-12)
    claim(CH, 0.1 / math.sqrt(1 - 0.9999), r"$0.1/\sqrt{0.0001} = 10$", value=10, rel=1e-9)
    g = np.array([1.0])
    line = Objective(lambda t: float(g @ t), lambda t: g)
    assert adam(line, [0.0], 1.0, 1, beta2=0.99, eps=1e-300, bias_correction=False).final[0] == pytest.approx(-1.0)


def test_exercise_5_larger_beta_redrawn():
    claim(CH, figure_data("momentum_condition_number", beta=0.9)["reach"]["momentum"], "变多：237 步")
    assert figure_data("momentum_condition_number", beta=0.3)["momentum"].diverged  # "迭代会发散"
    assert 4 / 121 > 2 / 100


def test_exercise_6_smaller_beta2_redrawn():
    d = figure_data("adam_bias_correction", beta2=0.99)
    claim(CH, d["peak_step"], "最大值在第 13 步")
    claim(CH, d["peak"], r"约 $2.13\eta$", value=2.13, abs=0.005)


def test_exercise_7_discretisation_and_memory():
    claim(CH, 0.1**2, r"$\eta = h^2 = 0.01$", value=0.01, rel=1e-12)
    claim(CH, 1 - 1 * 0.1, r"$\beta = 1 - \gamma h = 0.9$", value=0.9, rel=1e-12)
    n, m = 10**7, 5
    claim(CH, n**2, "$n^2 = 10^{14}$ 个数", value=1e14)
    claim(CH, 8 * n**2 / 1e12, "双精度 800 TB", value=800)
    claim(CH, 2 * m * n, "$2mn = 10^8$ 个数", value=1e8)
    claim(CH, 8 * 2 * m * n / 1e6, "约 800 MB", value=800)


def test_secant_condition_on_a_random_quadratic():
    """Exercise 3's claim, numerically: H⁺y = s and H⁺ symmetric for a quadratic's pair."""
    q = Quadratic([[3.0, 1.0], [1.0, 2.0]])
    s = np.array([0.4, -1.3])
    H = bfgs_update(np.array([[2.0, 0.5], [0.5, 1.0]]), s, q.matrix @ s)
    assert H @ (q.matrix @ s) == pytest.approx(s) and H == pytest.approx(H.T)
