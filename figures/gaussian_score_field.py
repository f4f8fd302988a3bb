r"""高斯对数密度的梯度 $-\Sigma^{-1}(\boldsymbol x - \boldsymbol\mu)$ 处处往里指，被精度矩阵 $\Sigma^{-1}$ 拉偏了方向。

默认 μ = (0, 0)，Σ = diag(4, 1)：x 方向宽（方差 4），y 方向窄（方差 1）。灰色小箭头是各处的梯度（统一缩短），
每一支都垂直于所在的椭圆。橙色箭头是点 (2, 1) 处的梯度 (−0.5, −1)，灰色虚线是从该点直奔 μ 的方向：
窄的 y 方向精度大，分量被放大，所以箭头比虚线更“往下”，两者夹角约 36.9°。
"""

import numpy as np
from matplotlib.figure import Figure

from gradbook.engine.draw import arrow, note, point
from gradbook.engine.style import CMAP, PALETTE, figsize, ink, mark_minimum, set_axes
from gradbook.information import angle_between
from gradbook.landscapes import on_grid
from gradbook.models import GaussianLogDensity

ALT = (
    "等高线图：横轴 x1 从 -4 到 4，纵轴 x2 从 -2.6 到 2.6，刻度相同。对数密度的等高线是一族以原点为中心、"
    "横向较宽的同心椭圆，原点处有五角星标出均值。网格上的灰色小箭头都指向椭圆内部，垂直于所在的椭圆。"
    "点 (2, 1) 处的橙色箭头是梯度 (-0.5, -1)，一条灰色虚线从该点连到原点；箭头比虚线更陡地指向下方，"
    "两者相差约 37 度。"
)


def data(
    var_x: float = 4.0, var_y: float = 1.0, rho: float = 0.0, x0: float = 2.0, y0: float = 1.0, scale: float = 0.45
):
    """log p of N(0, Σ) on a grid and its peak, its gradient (U, V) at grid points (GX, GY), and at p = (x0, y0)
    the gradient g and its angle (degrees) to the straight way to the mean."""
    cov_xy = rho * np.sqrt(var_x * var_y)
    logp = GaussianLogDensity(mean=np.zeros(2), cov=np.array([[var_x, cov_xy], [cov_xy, var_y]]))
    wx, wy = 2.0 * np.sqrt(var_x), 2.6 * np.sqrt(var_y)
    X, Y = np.meshgrid(np.linspace(-wx, wx, 240), np.linspace(-wy, wy, 200))
    GX, GY = np.meshgrid(np.linspace(-1.5, 1.5, 7) * np.sqrt(var_x), np.linspace(-2, 2, 5) * np.sqrt(var_y))
    far = np.hypot(GX - x0, GY - y0) > 0.4
    U, V = on_grid(logp.grad, GX[far], GY[far])
    p = np.array([x0, y0])
    g = logp.grad(p)
    return dict(
        X=X,
        Y=Y,
        Z=on_grid(logp.value, X, Y),
        top=float(logp.value(logp.mean)),
        GX=GX[far],
        GY=GY[far],
        U=U,
        V=V,
        p=p,
        g=g,
        mean=logp.mean,
        angle=angle_between(g, logp.mean - p),
    )


def make(
    var_x: float = 4.0, var_y: float = 1.0, rho: float = 0.0, x0: float = 2.0, y0: float = 1.0, scale: float = 0.45
) -> Figure:
    d = data(var_x, var_y, rho, x0, y0, scale)
    X, Y, Z, top, p, g, mean = d["X"], d["Y"], d["Z"], d["top"], d["p"], d["g"], d["mean"]
    fig = Figure(figsize=figsize("tall"))
    ax = fig.add_subplot()
    levels = top - np.array([4.5, 2.0, 1.125, 0.5, 0.125])
    ax.contour(X, Y, Z, levels=levels, cmap=CMAP, vmin=top - 5.5, vmax=top + 1.5, linewidths=1.3)
    field = dict(angles="xy", scale_units="xy", scale=1, color=PALETTE["grey"], width=0.0035, alpha=0.85)
    ax.quiver(d["GX"], d["GY"], d["U"] * scale, d["V"] * scale, **field)
    straight = r"直奔 $\boldsymbol{\mu}$ 的方向"
    ax.plot([x0, mean[0]], [y0, mean[1]], color=PALETTE["grey"], ls="--", lw=1.3, label=straight)
    arrow(ax, p, p + 1.2 * g, "orange", lw=2.8, size=18)
    score = r"$\nabla\log p = -\Sigma^{-1}(\mathbf{x}-\boldsymbol{\mu})$"
    ax.plot([], [], color=PALETTE["orange"], lw=2.8, label=score)  # the arrow's entry in the legend
    note(ax, x0 + 0.15, y0 + 0.1, f"$({x0:g},{y0:g})$\n夹角 ${d['angle']:.1f}^\\circ$", va="bottom")
    point(ax, *p, zorder=5)
    mark_minimum(ax, *mean, ms=15)
    ax.text(mean[0] + 0.15, mean[1] - 0.3, r"$\boldsymbol{\mu}$", color=ink())
    set_axes(ax, "$x_1$", "$x_2$", aspect="equal", legend=dict(loc="upper left", bbox_to_anchor=(0.0, 1.16), ncol=2))
    return fig


if __name__ == "__main__":
    from gradbook.engine.cli import script_main

    script_main(__file__)
