r"""同样长的一步，KL 可以差上百倍：$\sigma$ 越小，高斯分布对参数的变化越敏感。

左图是 (μ, σ) 平面。每个点周围的实线圈是 KL(p_θ ‖ p_{θ+δ}) = ε 的边界，虚线圈是欧氏长度 ‖δ‖ = r 的圆：
σ 大的地方 KL 圈比虚线圈大（走同样远，分布变化小），σ 小的地方 KL 圈缩得很小（走同样远，分布变化大）。
右图固定一步 δ = (0.1, 0.1)，看它的 KL 随 σ 怎样变化：精确值（实线）与二次近似 ½δᵀFδ（虚线）都大致正比于 1/σ²；
步长相对 σ 很小时两条线重合，σ 小到与步长相当时二次近似就不准了。
"""

import numpy as np
from matplotlib.figure import Figure

from gradbook.engine.draw import offset
from gradbook.engine.style import PALETTE, ink, panels, set_axes
from gradbook.information import gaussian_fisher, kl_gaussian

ALT = (
    "左右两张图。左图横轴 μ、纵轴 σ，三个点各被一个实线 KL 圈和一个同样半径的虚线圆包围：σ = 2 处的 KL 圈比圆大得多，"
    "σ = 1 处两者相近，σ = 0.5 处的 KL 圈比圆小得多。右图是对数坐标，横轴 σ，纵轴是同一步的 KL："
    "实线与虚线在 σ 大时重合，是一条向右下降的直线，σ 接近 0.1 时两者分开。"
)


def data(eps: float = 0.05, radius: float = 0.3, step: float = 0.1):
    """Around three (μ, σ): KL from there on a grid (its eps contour is drawn); and over σ the KL of the step
    (step, step) from (0, σ), exact and as ½δᵀFδ."""
    kl = np.vectorize(kl_gaussian)
    around = []
    for mu, sigma in [(-1.6, 0.5), (0.0, 1.0), (2.0, 2.0)]:
        half = 2.2 * np.sqrt(eps) * sigma
        M, S = np.meshgrid(np.linspace(mu - half, mu + half, 71), np.linspace(sigma - half, sigma + half, 71))
        around.append(dict(mu=mu, sigma=sigma, half=half, M=M, S=S, KL=kl(mu, sigma, M, S)))
    sigmas = np.geomspace(0.1, 10, 60)
    delta = np.array([step, step])
    exact = [kl_gaussian(0.0, s, step, s + step) for s in sigmas]
    quad = [0.5 * delta @ gaussian_fisher(s) @ delta for s in sigmas]
    return dict(around=around, sigmas=sigmas, exact=exact, quad=quad)


def make(eps: float = 0.05, radius: float = 0.3, step: float = 0.1) -> Figure:
    d = data(eps, radius, step)
    fig, (ax, bx) = panels(2, ratios=[1.25, 1.0])
    t = np.linspace(0, 2 * np.pi, 200)
    for point, colour in zip(d["around"], [PALETTE["orange"], PALETTE["blue"], PALETTE["green"]]):
        mu, sigma, half = point["mu"], point["sigma"], point["half"]
        ax.contour(point["M"], point["S"], point["KL"], levels=[eps], colors=[colour], linewidths=2.2)
        ax.plot(mu + radius * np.cos(t), sigma + radius * np.sin(t), ls="--", color=colour, lw=1.2)
        ax.plot(mu, sigma, "o", color=colour, ms=4)
        label = f"$\\sigma = {sigma:g}$"
        offset(ax, label, (mu, sigma + max(radius, half)), 0, 4, ha="center", va="bottom", color=colour)
    ax.plot([], [], color=ink(), lw=2.2, label=f"$\\mathrm{{KL}} = {eps:g}$")
    ax.plot([], [], color=ink(), lw=1.2, ls="--", label=f"$\\|\\delta\\| = {radius:g}$")
    set_axes(
        ax, "均值 $\\mu$", "标准差 $\\sigma$", xlim=(-2.6, 3.3), ylim=(0, 3.1), aspect="equal", legend="upper left"
    )

    bx.loglog(d["sigmas"], d["exact"], color=PALETTE["blue"], lw=3, alpha=0.7, label="精确 KL")
    bx.loglog(d["sigmas"], d["quad"], color=ink(), ls="--", lw=1.3, label="$\\frac{1}{2}\\delta^\\top F\\delta$")
    set_axes(bx, "标准差 $\\sigma$", f"一步 $\\delta = ({step:g}, {step:g})$ 的 KL", legend="upper right")
    return fig


if __name__ == "__main__":
    from gradbook.engine.cli import script_main

    script_main(__file__)
