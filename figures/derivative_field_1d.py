"""$y = x^2$ 上每一点都有自己的梯度箭头：它躺在 $x$ 轴上，指向让 $y$ 变大的一侧，长度是 $|f'(x)|$。

上图是曲线，圆点是几个取样点；下图只画 x 轴，每个取样点下方是它的梯度箭头（长度按比例缩小后画出，
旁边标的是真实数值）。x < 0 的箭头指向左边，x > 0 的指向右边，越远离 0 越长；在 x = 0 处箭头缩成一个点，
那里正是最低点。
"""

import numpy as np
from matplotlib.figure import Figure

from gradbook.autodiff import derivative
from gradbook.engine.draw import arrow
from gradbook.engine.style import PALETTE, figsize, ink, set_axes

ALT = (
    "上下两个面板。上面是抛物线 y = x²，在 x = -1.5、-0.5、0、0.5、1.5 处标了圆点。"
    "下面是一条 x 轴，每个点下方画一支水平箭头：左半边的箭头指向左，右半边的指向右，"
    "长度分别对应导数 -3、-1、0、1、3，x = 0 处没有箭头。"
)


def data(spacing: float = 1.0, scale: float = 0.3, xmax: float = 2.6):
    """y = x² on [−xmax, xmax], five points on it and the derivative (autodiff) at each."""
    f = lambda x: x**2  # noqa: E731
    points = spacing * np.array([-1.5, -0.5, 0.0, 0.5, 1.5])
    xs = np.linspace(-xmax, xmax, 200)
    return dict(xs=xs, ys=f(xs), points=points, heights=f(points), slopes=[derivative(f, float(x)) for x in points])


def make(spacing: float = 1.0, scale: float = 0.3, xmax: float = 2.6) -> Figure:
    d = data(spacing, scale, xmax)
    points = d["points"]
    fig = Figure(figsize=figsize("one"))
    top, bottom = fig.subplots(2, 1, sharex=True, gridspec_kw=dict(height_ratios=[2.3, 1]))
    top.plot(d["xs"], d["ys"], color=PALETTE["blue"], label="$y = x^2$")
    colors = [PALETTE["orange"] if x != 0 else PALETTE["grey"] for x in points]
    top.scatter(points, d["heights"], color=colors, zorder=3, s=30)
    for x, y in zip(points, d["heights"]):
        top.vlines(x, 0, y, color=PALETTE["grey"], lw=0.8, ls=":")
        bottom.vlines(x, 0.45, 1.0, color=PALETTE["grey"], lw=0.8, ls=":")
    set_axes(top, ylabel="$y$", ylim=(-0.3, xmax**2 * 0.95), legend="upper center")
    bottom.axhline(0.45, color=ink(), lw=0.8)
    for x, slope in zip(points, d["slopes"]):
        if slope == 0:
            bottom.plot([x], [0.45], "o", color=PALETTE["grey"], ms=6)
        else:
            arrow(bottom, (x, 0.45), (x + scale * slope, 0.45), "orange", lw=2.6, size=16)
        hue = PALETTE["orange"] if slope else PALETTE["grey"]
        bottom.text(x + 0.12, 0.8, f"${slope:g}$", ha="left", va="center", color=hue)
    bottom.text(0.0, 0.12, "箭头旁的数是 $f'(x) = 2x$：梯度箭头都躺在 $x$ 轴上", ha="center", va="center", color=ink())
    bottom.set_ylim(0, 1)
    bottom.set_yticks([])
    bottom.spines["left"].set_visible(False)
    set_axes(bottom, "$x$", xlim=(-xmax, xmax))
    return fig


if __name__ == "__main__":
    from gradbook.engine.cli import script_main

    script_main(__file__)
