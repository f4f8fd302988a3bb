"""碗 $z = x^2 + y^2$：站在 $(1, 1)$ 上（高度 2），脚下有无数个方向可以迈步；梯度是画在地面 $(x, y)$ 平面上的箭头。

曲面上的圆点是你站的位置，竖直虚线把它投到地面。地面上的圆圈是等高线（把曲面的等高切片压平），
橙色箭头是梯度 ∇f(1, 1) = (2, 2)（按比例缩短后画出）：它只有 x、y 两个分量，所以躺在地面上，而不是贴着曲面。
"""

import numpy as np
from matplotlib.figure import Figure

from gradbook.engine.style import CMAP, PALETTE, figsize, ink, set_axes
from gradbook.landscapes import bowl, on_grid

ALT = (
    "三维曲面图：一只开口向上的碗 z = x² + y²，最低点在原点。碗上 (1, 1, 2) 处有一个圆点，"
    "一条竖直虚线把它连到地面上的 (1, 1)。地面上画着一圈圈同心圆等高线，"
    "从 (1, 1) 出发有一支沿 (1, 1) 方向、背离原点的橙色箭头，代表梯度，它位于地面而不在曲面上。"
)


def data(
    x0: float = 1.0,
    y0: float = 1.0,
    extent: float = 2.0,
    arrow_scale: float = 0.45,
    elev: float = 22.0,
    azim: float = -40.0,
):
    """The bowl over a disc of radius extent, and at p = (x0, y0) its height z0 and gradient g."""
    f = bowl()
    R, T = np.meshgrid(np.linspace(0, extent, 30), np.linspace(0, 2 * np.pi, 73))
    X, Y = R * np.cos(T), R * np.sin(T)  # 圆形的地面，碗口是一圈等高线
    p = np.array([x0, y0])
    return dict(X=X, Y=Y, Z=on_grid(f.value, X, Y), p=p, z0=float(f.value(p)), g=f.grad(p))


def make(
    x0: float = 1.0,
    y0: float = 1.0,
    extent: float = 2.0,
    arrow_scale: float = 0.45,
    elev: float = 22.0,
    azim: float = -40.0,
) -> Figure:
    d = data(x0, y0, extent, arrow_scale, elev, azim)
    X, Y, Z, p, z0, g = d["X"], d["Y"], d["Z"], d["p"], d["z0"], d["g"]
    # No constrained layout: it blows a 3-D axes up to the whole figure, and the rasterised
    # surface with it (about 30 kB more gzipped on the page).
    fig = Figure(figsize=figsize("tall"), layout="none")
    ax = fig.add_subplot(projection="3d")
    ax.plot_surface(X, Y, Z, cmap=CMAP, rstride=1, cstride=1, linewidth=0, alpha=0.55, rasterized=True)
    ax.contour(X, Y, Z, levels=[0.5, 1, 2, 3], zdir="z", offset=0, cmap=CMAP, linewidths=1.0)
    ax.plot([x0], [y0], [z0], "o", color=PALETTE["orange"], mec=ink(), ms=8, zorder=10)
    ax.plot([x0, x0], [y0, y0], [0, z0], color=ink(), ls="--", lw=1)
    ax.plot([x0], [y0], [0], "o", color=ink(), ms=4)
    tip = p + arrow_scale * g
    ax.quiver(x0, y0, 0, tip[0] - x0, tip[1] - y0, 0, color=PALETTE["orange"], lw=2.6, arrow_length_ratio=0.3)
    # in front of the arrow (+x comes toward the reader), clear of the z ticks behind its tip
    mid = p + 0.6 * (tip - p)
    ax.text(mid[0] + 0.7, mid[1], 0, r"$\nabla f$", color=PALETTE["orange"], ha="center", va="top")
    ax.text2D(0.02, 0.95, f"圆点：你站在 $({x0:g},{y0:g})$，高度 $f={z0:g}$", transform=ax.transAxes, color=ink())
    ax.text2D(0.02, 0.89, "橙色箭头：梯度，画在地面上", transform=ax.transAxes, color=PALETTE["orange"])
    set_axes(ax, "$x$", "$y$")
    ax.set_zlabel("$z$")
    ticks = np.arange(-extent, extent + 1)
    ax.set(zlim=(0, extent**2), zticks=np.arange(0, extent**2 + 1), xticks=ticks, yticks=ticks)
    ax.view_init(elev=elev, azim=azim)
    ax.set_box_aspect(None, zoom=0.9)
    return fig


if __name__ == "__main__":
    from gradbook.engine.cli import script_main

    script_main(__file__)
