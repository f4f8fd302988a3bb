"""换一套参数，梯度下降的路径跟着变，自然梯度的路径几乎不动。

同一个任务：用 N(μ, σ²) 拟合 200 个样本，从 μ = 2、σ = 0.5 出发。一次把参数写成 (μ, σ)（实线），
一次写成 (μ, log σ)（虚线），两种写法跑同样的学习率和步数，再把路径都画回 (μ, σ) 平面。
左图是梯度下降：两条路径从第一步起就分开了。右图是自然梯度：两条路径几乎重合。
"""

import numpy as np
from matplotlib.figure import Figure

from gradbook.engine.style import CMAP, PALETTE, mark_minimum, mark_start, panels, set_axes
from gradbook.information import gaussian_fisher
from gradbook.landscapes import on_grid
from gradbook.models import GaussianFit
from gradbook.optimizers import gradient_descent, natural_gradient_descent

ALT = (
    "左右两张图，横轴 μ、纵轴 σ，背景是负对数似然的等高线，最小值（星）在 (0, 1) 附近。左图两条梯度下降路径："
    "按 (μ, σ) 写的那条第一步就把 σ 抬高很多，按 (μ, log σ) 写的那条走得低而缓，两条路明显不同。"
    "右图两条自然梯度路径从起点沿同一条弧线走到星，实线与虚线几乎重合。"
)


def data(
    n: int = 200,
    seed: int = 0,
    mu0: float = 2.0,
    sigma0: float = 0.5,
    lr_gd: float = 0.02,
    lr_natural: float = 0.02,
    steps: int = 200,
):
    """The negative log-likelihood (its minimum subtracted) on a (μ, σ) grid, the fit θ*, and the four runs
    (gradient descent and natural gradient, in (μ, σ) and in (μ, log σ)), each as iterates in (μ, σ)."""
    samples = np.random.default_rng(seed).normal(0.0, 1.0, size=n)
    nll = GaussianFit(samples)
    star = nll.minimizer()
    M, S = np.meshgrid(np.linspace(-0.6, 2.5, 160), np.linspace(0.3, 2.6, 160))
    out = dict(star=star, M=M, S=S, Z=on_grid(nll.value, M, S) - float(nll.value(star)))
    for param, theta0 in [("sigma", np.array([mu0, sigma0])), ("log_sigma", np.array([mu0, np.log(sigma0)]))]:
        fit = GaussianFit(samples, param)

        def fisher(t, fit=fit, param=param):
            return gaussian_fisher(float(fit.sigma(t)), param)

        for name, traj in [
            ("gd", gradient_descent(fit, theta0, lr_gd, steps)),
            ("natural", natural_gradient_descent(fit, fisher, theta0, lr_natural, steps)),
        ]:
            it = traj.iterates
            out[f"{name}_{param}"] = np.stack([it[:, 0], fit.sigma(it)], axis=1)
    return out


def make(
    n: int = 200,
    seed: int = 0,
    mu0: float = 2.0,
    sigma0: float = 0.5,
    lr_gd: float = 0.02,
    lr_natural: float = 0.02,
    steps: int = 200,
) -> Figure:
    d = data(n, seed, mu0, sigma0, lr_gd, lr_natural, steps)
    M, S, Z, star = d["M"], d["S"], d["Z"], d["star"]
    fig, axes = panels(2, sharey=True)
    for ax, kind, title, lr in [(axes[0], "gd", "梯度下降", lr_gd), (axes[1], "natural", "自然梯度", lr_natural)]:
        ax.contour(M, S, Z, levels=np.geomspace(0.02, 4.0, 7), cmap=CMAP, linewidths=0.8)
        for param, ls, label, colour in [
            ("sigma", "-", "按 $(\\mu, \\sigma)$", PALETTE["orange"]),
            ("log_sigma", "--", "按 $(\\mu, \\log\\sigma)$", PALETTE["blue"]),
        ]:
            p = d[f"{kind}_{param}"]
            ax.plot(p[:, 0], p[:, 1], ls=ls, color=colour, lw=2.2, label=label)
            ax.plot(p[::20, 0], p[::20, 1], "o", color=colour, ms=3.5)
        mark_start(ax, mu0, sigma0)
        mark_minimum(ax, *star, ms=15)
        set_axes(ax, "均值 $\\mu$", title=f"{title}，$\\eta = {lr:g}$，{steps} 步", legend="upper right")
    axes[0].set_ylabel("标准差 $\\sigma$")
    return fig


if __name__ == "__main__":
    from gradbook.engine.cli import script_main

    script_main(__file__)
