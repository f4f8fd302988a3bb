"""房价模型的损失曲面 $L(w, b)$：一条又长又窄、底部几乎平坦的斜向山谷，而不是一只圆碗。

横轴是斜率 w，纵深是截距 b，高度是均方误差。面积以平方米为单位（x ≈ 100），
所以 w 只要偏离 0.1，损失就涨得像 b 偏离 10 一样多：曲面在 w 方向是峭壁，在谷底方向几乎是平地。
五角星是最小值点 (w*, b*)。
"""

import numpy as np
from matplotlib.figure import Figure

from gradbook.engine.style import CMAP, PALETTE, figsize, ink, set_axes
from gradbook.landscapes import on_grid
from gradbook.models import LinearMSE, house_data

ALT = (
    "三维曲面图：横轴为 w（0 到 6），纵深为 b（-200 到 350），高度为均方误差损失。"
    "曲面是一条斜着穿过 (w, b) 平面的狭长山谷，沿 w 方向两侧陡峭，沿谷底几乎平坦，"
    "最小值在 w 约 2.82、b 约 69.3 处，用五角星标出。"
)


def data(
    n: int = 50,
    seed: int = 0,
    w_min: float = 0.0,
    w_max: float = 6.0,
    b_min: float = -200.0,
    b_max: float = 350.0,
    elev: float = 30.0,
    azim: float = -60.0,
):
    """The loss L(w, b) (in 万) on the grid, its minimum (w*, b*, L*), and the valley floor through it."""
    model = LinearMSE(*house_data(n, seed))
    W, B = np.meshgrid(np.linspace(w_min, w_max, 80), np.linspace(b_min, b_max, 80))
    w_star, b_star = model.minimizer()
    _, vecs = np.linalg.eigh(model.hessian([w_star, b_star]))
    t = np.linspace(-1, 1, 60) * (b_max - b_min)  # 谷底：沿最小曲率方向穿过最小值点
    floor = np.array([w_star, b_star]) + t[:, None] * vecs[:, 0] / abs(vecs[1, 0])
    keep = (floor[:, 0] >= w_min) & (floor[:, 0] <= w_max) & (floor[:, 1] >= b_min) & (floor[:, 1] <= b_max)
    floor = floor[keep]
    lowest = float(model.value([w_star, b_star])) / 1e4  # losses in 万
    Z = on_grid(model.value, W, B) / 1e4
    return dict(W=W, B=B, Z=Z, star=(w_star, b_star), lowest=lowest, floor=floor, floor_loss=model.value(floor) / 1e4)


def make(
    n: int = 50,
    seed: int = 0,
    w_min: float = 0.0,
    w_max: float = 6.0,
    b_min: float = -200.0,
    b_max: float = 350.0,
    elev: float = 30.0,
    azim: float = -60.0,
) -> Figure:
    d = data(n, seed, w_min, w_max, b_min, b_max, elev, azim)
    (w_star, b_star), floor = d["star"], d["floor"]
    # No constrained layout: it blows a 3-D axes up to the whole figure, and the rasterised
    # surface with it (about 30 kB more gzipped on the page).
    fig = Figure(figsize=figsize("tall"), layout="none")
    ax = fig.add_subplot(projection="3d")
    ax.plot_surface(d["W"], d["B"], d["Z"], cmap=CMAP, rstride=2, cstride=2, linewidth=0, alpha=0.92, rasterized=True)
    ax.plot(
        [w_star], [b_star], [d["lowest"]], marker="*", ms=16, color=PALETTE["yellow"], mec=ink(), zorder=10
    )  # the house star
    label = "谷底：这里 $b$ 变很多，损失几乎不变"
    ax.plot(floor[:, 0], floor[:, 1], d["floor_loss"], color=PALETTE["orange"], lw=2, ls="--", zorder=9, label=label)
    set_axes(ax, "斜率 $w$", "截距 $b$", legend="upper left")
    ax.yaxis.labelpad = 14  # clear of the b ticks it sits against
    ax.set_zlabel("损失 $L(w,b)$（万）")
    ax.view_init(elev=elev, azim=azim)
    ax.set_box_aspect(None, zoom=0.88)
    return fig


if __name__ == "__main__":
    from gradbook.engine.cli import script_main

    script_main(__file__)
