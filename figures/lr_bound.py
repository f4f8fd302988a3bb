r"""误差每步乘以 $|1 - \eta\lambda|$：最陡方向定出上限 $2/\lambda_{\max}$，最平方向的 $\lambda_{\min}$ 决定步数。

沿 Hessian 的每个主轴，误差每步乘以 1 − ηλ。两条曲线都必须落在 1 以下才会收敛；
阴影区 η > 2/λ_max 里快方向的误差每步放大。即使把 η 推到上限附近，慢方向的倍数也几乎等于 1。
数据是房价模型，面积以“百平方米”为单位，与锯齿图相同。
"""

import numpy as np
from matplotlib.figure import Figure

from gradbook.engine.draw import offset
from gradbook.engine.style import PALETTE, figsize, ink, set_axes
from gradbook.landscapes import Quadratic
from gradbook.models import LinearMSE, house_data

ALT = (
    "折线图：横轴是学习率 η，纵轴是每步误差缩小的倍数 |1 − ηλ|。快方向的曲线是一个 V 形，"
    "在 η = 1/λ_max 处降到 0，在 η = 2/λ_max 处回到 1，之后进入标为“发散”的阴影区；"
    "慢方向的曲线几乎贴着 1 的水平线，只略微下降。"
)


def data(n: int = 50, seed: int = 0, unit: float = 100.0, lr_mark: float = 0.95):
    """The Hessian's eigenvalues λ_min, λ_max, the bound 2/λ_max, the marked rate lr_mark · 2/λ_max, and the
    factors |1 − ηλ| over a range of η."""
    x, y = house_data(n, seed)
    model = LinearMSE(x / unit, y)
    bowl = Quadratic(model.hessian(model.minimizer()), model.minimizer())
    lam_min, lam_max = bowl.eigenvalues
    etas = np.linspace(0, 1.3 * bowl.max_stable_lr, 400)
    bound, fast, slow = bowl.max_stable_lr, abs(1 - etas * lam_max), abs(1 - etas * lam_min)
    return dict(lam_min=lam_min, lam_max=lam_max, bound=bound, eta=lr_mark * bound, etas=etas, fast=fast, slow=slow)


def make(n: int = 50, seed: int = 0, unit: float = 100.0, lr_mark: float = 0.95) -> Figure:
    d = data(n, seed, unit, lr_mark)
    lam_min, lam_max, bound, eta, etas = d["lam_min"], d["lam_max"], d["bound"], d["eta"], d["etas"]
    fig = Figure(figsize=figsize("one"))
    ax = fig.add_subplot()
    ax.axvspan(bound, etas[-1], color=PALETTE["orange"], alpha=0.12, lw=0)
    ax.text((bound + etas[-1]) / 2, 0.5, "发散", color=PALETTE["orange"], ha="center")  # below the V: nothing there
    ax.axhline(1, color=ink(), lw=0.8, ls=":")
    ax.plot(etas, d["fast"], color=PALETTE["orange"], label=f"快方向 $\\lambda_{{\\max}} = {lam_max:.2f}$")
    ax.plot(etas, d["slow"], color=PALETTE["blue"], label=f"慢方向 $\\lambda_{{\\min}} = {lam_min:.4f}$")
    ax.axvline(bound, color=PALETTE["orange"], lw=1, ls="--")
    offset(ax, f"$2/\\lambda_{{\\max}} = {bound:.3f}$", (bound, 1.48), -8, 0, ha="right", color=PALETTE["orange"])
    for lam, colour in ((lam_max, PALETTE["orange"]), (lam_min, PALETTE["blue"])):
        ax.plot(eta, abs(1 - eta * lam), "o", color=colour, mec=ink(), ms=6, zorder=4)
    slow = f"锯齿图的 $\\eta$：慢方向每步 ×{1 - eta * lam_min:.3f}"
    line = dict(arrowstyle="-", color=PALETTE["blue"], lw=0.8)
    offset(ax, slow, (eta, 1 - eta * lam_min), -20, 24, ha="right", color=PALETTE["blue"], arrowprops=line)
    set_axes(ax, "学习率 $\\eta$", "每步误差的倍数 $|1 - \\eta\\lambda|$", xlim=(0, etas[-1]), ylim=(0, 1.6))
    fig.legend(loc="outside lower center", ncol=2)  # under the axes: the V crosses every corner on a phone
    return fig


if __name__ == "__main__":
    from gradbook.engine.cli import script_main

    script_main(__file__)
