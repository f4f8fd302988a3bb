"""同一只碗，从正上方看：等高线是同心圆，梯度箭头处处垂直于等高线、背离圆心，离圆心越远越长。

这是一张“地图”：横轴 x、纵轴 y，颜色越亮表示 z 越高。灰色小箭头是各处的梯度 ∇f = (2x, 2y)
（统一按比例缩短）；橙色箭头是 (1, 1) 处的梯度 (2, 2)，绿色虚线是过该点的等高线的切线，两者成直角。
"""

import numpy as np
from matplotlib.figure import Figure

from gradbook.engine.draw import arrow, note, point
from gradbook.engine.style import CMAP, PALETTE, SMALL, figsize, mark_minimum, set_axes
from gradbook.landscapes import bowl, on_grid

ALT = (
    "等高线图：横轴 x、纵轴 y，范围 -2.2 到 2.2，刻度相同。等高线是以原点为圆心的同心圆。"
    "网格上每一点画一支灰色小箭头，全部背离原点、垂直于所在的圆，越靠外越长。"
    "点 (1, 1) 处有一支较粗的橙色箭头指向右上方，旁边一条绿色虚线与圆相切，和箭头成直角。"
)


def data(x0: float = 1.0, y0: float = 1.0, extent: float = 2.2, grid: int = 7, scale: float = 0.12):
    """The bowl on a grid, its gradients (U, V) at grid points (GX, GY), and the gradient g at p = (x0, y0)."""
    f = bowl()
    X, Y = np.meshgrid(np.linspace(-extent, extent, 200), np.linspace(-extent, extent, 200))
    side = np.linspace(-1.5, 1.5, grid)
    GX, GY = np.meshgrid(side, side)
    far = np.hypot(GX - x0, GY - y0) > 0.3  # 不在高亮的点上重复画
    GX, GY = GX[far], GY[far]
    U, V = on_grid(f.grad, GX, GY)
    p = np.array([x0, y0])
    return dict(X=X, Y=Y, Z=on_grid(f.value, X, Y), GX=GX, GY=GY, U=U, V=V, p=p, g=f.grad(p))


def make(x0: float = 1.0, y0: float = 1.0, extent: float = 2.2, grid: int = 7, scale: float = 0.12) -> Figure:
    d = data(x0, y0, extent, grid, scale)
    fig = Figure(figsize=figsize("tall"))
    ax = fig.add_subplot()
    cs = ax.contour(d["X"], d["Y"], d["Z"], levels=[0.5, 1, 2, 3, 4], cmap=CMAP, vmin=0, vmax=5.5, linewidths=1.2)
    ax.clabel(cs, fmt="z=%g", fontsize=SMALL)
    field = dict(angles="xy", scale_units="xy", scale=1, color=PALETTE["grey"], width=0.004, alpha=0.8)
    ax.quiver(d["GX"], d["GY"], d["U"] * scale, d["V"] * scale, **field)
    p, g = d["p"], d["g"]
    tip = p + 0.3 * g
    arrow(ax, p, tip, "orange", lw=2.8, size=18)
    label = rf"$\nabla f({x0:g},{y0:g}) = ({g[0]:g},{g[1]:g})$"
    note(ax, tip[0], tip[1] + 0.12, label, color=PALETTE["orange"], ha="right", va="bottom")
    tangent = np.array([-g[1], g[0]]) / np.linalg.norm(g)
    ends = np.array([p - 0.7 * tangent, p + 0.7 * tangent])
    ax.plot(ends[:, 0], ends[:, 1], color=PALETTE["green"], ls="--", lw=1.8, label="等高线的切线")
    point(ax, *p, zorder=5)
    mark_minimum(ax, 0, 0, ms=14)
    set_axes(ax, "$x$", "$y$", xlim=(-extent, extent), ylim=(-extent, extent), aspect="equal", legend="lower left")
    return fig


if __name__ == "__main__":
    from gradbook.engine.cli import script_main

    script_main(__file__)
