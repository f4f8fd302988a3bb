r"""左边是数据，右边是参数：每一条直线 $\hat{y} = wx + b$ 对应 $(w, b)$ 平面上的一个点，训练移动的是右边的点。

左图的散点是房屋面积与价格，它们在训练中一动不动；三条直线是三组不同的参数。
右图把同样三组参数画成 (w, b) 平面上的点，背景是损失 L(w, b) 的等高线：直线拟合得越好，点越靠近谷底。
"""

import numpy as np
from matplotlib.figure import Figure

from gradbook.engine.style import CMAP, PALETTE, ink, panels, paper, set_axes
from gradbook.landscapes import on_grid
from gradbook.models import LinearMSE, house_data

ALT = (
    "左右两幅图。左图：房屋面积（横轴，平方米）与价格（纵轴，万元）的散点，以及三条颜色不同的直线，"
    "其中一条穿过数据中间，另两条明显偏离。右图：以 w 为横轴、b 为纵轴的损失等高线，"
    "三个同色的点标出这三条直线的参数，拟合最好的那条正落在狭长山谷的谷底。"
)


def data(n: int = 50, seed: int = 0, w1: float = 1.5, b1: float = 250.0, w2: float = 4.5, b2: float = -150.0):
    """The houses (x, y), the three parameter points (w1, b1), (w2, b2), θ* and their losses, and L on a grid."""
    x, y = house_data(n, seed)
    model = LinearMSE(x, y)
    thetas = [np.array([w1, b1]), np.array([w2, b2]), model.minimizer()]
    W, B = np.meshgrid(np.linspace(0, 6, 200), np.linspace(-250, 400, 200))
    return dict(
        x=x, y=y, thetas=thetas, losses=[float(model.value(t)) for t in thetas], W=W, B=B, Z=on_grid(model.value, W, B)
    )


def make(n: int = 50, seed: int = 0, w1: float = 1.5, b1: float = 250.0, w2: float = 4.5, b2: float = -150.0) -> Figure:
    d = data(n, seed, w1, b1, w2, b2)
    x, y = d["x"], d["y"]
    params = list(zip(d["thetas"], (PALETTE["blue"], PALETTE["purple"], PALETTE["orange"]), d["losses"]))
    fig, (left, right) = panels(2)
    left.scatter(x, y, s=14, color=PALETTE["grey"], label="数据（固定不动）")
    xs = np.linspace(x.min() - 5, x.max() + 5, 2)
    for theta, colour, _ in params:
        left.plot(xs, theta[0] * xs + theta[1], color=colour, lw=1.8, label=f"$w={theta[0]:.2f},\\ b={theta[1]:.0f}$")
    # under the axes: inside, every corner has a line or a point in it
    key = dict(loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=2, columnspacing=1.0, handlelength=1.5)
    set_axes(left, "面积 $x$（m²）", "价格 $y$（万元）", legend=key)
    right.contour(d["W"], d["B"], d["Z"], levels=np.geomspace(1e3, 3e5, 9), cmap=CMAP, linewidths=1.0)
    for theta, colour, loss in params:
        right.plot(*theta, "o", color=colour, mec=ink(), ms=9, zorder=4)
        box = dict(boxstyle="round,pad=0.1", fc=paper(), ec="none", alpha=0.85)  # the label, not the contour under it
        right.annotate(f"$L={loss:.0f}$", theta, xytext=(8, 4), textcoords="offset points", color=colour, bbox=box)
    set_axes(right, "斜率 $w$（会动）", "截距 $b$（会动）")
    return fig


if __name__ == "__main__":
    from gradbook.engine.cli import script_main

    script_main(__file__)
