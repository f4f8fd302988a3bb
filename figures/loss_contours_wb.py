"""房价模型损失的等高线：负梯度（橙色箭头）都垂直于所在的椭圆，却没有一支对准最小值（五角星）。

面积改用“百平方米”为单位，两条坐标轴取同样的刻度，直角才画得出直角。
灰色虚线是从每个点直奔最小值的方向；橙色箭头是负梯度，也就是下降最快的方向。两者差得很远：
负梯度主要在横穿山谷，而不是顺着山谷往最小值走。
"""

import numpy as np
from matplotlib.figure import Figure

from gradbook.engine.draw import point
from gradbook.engine.style import CMAP, PALETTE, figsize, mark_minimum, set_axes
from gradbook.landscapes import on_grid
from gradbook.models import LinearMSE, house_data

ALT = (
    "等高线图：横轴 w、纵轴 b，刻度相同。等高线是一族斜向 -45 度左右的狭长椭圆，中心的五角星是最小值。"
    "椭圆上取了五个点，每点画一支垂直于椭圆的橙色箭头表示负梯度，并用灰色虚线连到五角星；"
    "箭头几乎都横穿山谷，与虚线方向相差很大。"
)


def data(
    n: int = 50,
    seed: int = 0,
    unit: float = 100.0,
    half_width: float = 200.0,
    level: float = 500.0,
    arrow: float = 45.0,
):
    """L − L* on a grid around θ*, five points p on the contour L − L* = level, and the gradient at each."""
    x, y = house_data(n, seed)
    model = LinearMSE(x / unit, y)
    star = model.minimizer()
    W, B = np.meshgrid(
        np.linspace(star[0] - half_width, star[0] + half_width, 240),
        np.linspace(star[1] - half_width, star[1] + half_width, 240),
    )
    # 在等高线 L = L* + level 上取点：沿 Hessian 的两个主轴，半轴长为 √(2·level/λ)
    lams, vecs = np.linalg.eigh(model.hessian(star))
    radii = np.sqrt(2 * level / lams)
    points = [
        star + radii[0] * np.cos(t) * vecs[:, 0] + radii[1] * np.sin(t) * vecs[:, 1]
        for t in np.radians([35, 80, 145, 215, 290])
    ]
    Z = on_grid(model.value, W, B) - float(model.value(star))
    return dict(star=star, W=W, B=B, Z=Z, points=points, grads=[model.grad(p) for p in points])


def make(
    n: int = 50,
    seed: int = 0,
    unit: float = 100.0,
    half_width: float = 200.0,
    level: float = 500.0,
    arrow: float = 45.0,
) -> Figure:
    d = data(n, seed, unit, half_width, level, arrow)
    W, B, Z, star = d["W"], d["B"], d["Z"], d["star"]
    fig = Figure(figsize=figsize("tall"))
    ax = fig.add_subplot()
    ax.contour(W, B, Z, levels=level * np.array([0.15, 0.45, 2.0, 4.0, 7.0]), cmap=CMAP, linewidths=1.0)
    ax.contour(W, B, Z, levels=[level], colors=[PALETTE["blue"]], linewidths=2.0)
    head = dict(arrowstyle="-|>", color=PALETTE["orange"], lw=2.2, mutation_scale=16)
    for p, g in zip(d["points"], d["grads"]):
        down = -g / np.linalg.norm(g) * arrow
        ax.plot([p[0], star[0]], [p[1], star[1]], color=PALETTE["grey"], ls="--", lw=1)
        ax.annotate("", xy=p + down, xytext=p, arrowprops=head)
        point(ax, *p, ms=4)
    mark_minimum(ax, *star, ms=18)
    ax.plot([], [], color=PALETTE["orange"], lw=2.2, label=r"负梯度 $-\nabla L$（下降最快）")
    ax.plot([], [], color=PALETTE["grey"], ls="--", lw=1, label="直奔最小值的方向")
    set_axes(ax, f"斜率 $w$（万元 / {unit:g} m²）", "截距 $b$（万元）", aspect="equal", legend="upper right")
    return fig


if __name__ == "__main__":
    from gradbook.engine.cli import script_main

    script_main(__file__)
