"""$y = x^2$ 在 $x = 1$ 处：切线是一条线，梯度是 $x$ 轴上长度为 $f'(1) = 2$ 的箭头。

左边是函数曲线与它在 x₀ 处的切线；箭头画在 x 轴上，从 x₀ 出发、长度等于导数。
它告诉我们：沿 x 轴往哪个方向挪动 x，函数值会上升，以及上升得多快。
"""

import numpy as np
from matplotlib.figure import Figure

from gradbook.engine.draw import arrow
from gradbook.engine.style import PALETTE, figsize, ink, set_axes

ALT = (
    "抛物线 y = x² 与它在 x = 1 处的切线；x 轴上从 x = 1 出发、向右长度为 2 的箭头表示梯度，"
    "它躺在 x 轴上，与切线不是同一个东西。"
)

# A slider under the figure in chapter 1 (gradbook.engine.sweep): move the point, watch the arrow.
SWEEPS = {"x0": {"label": "x_0", "name": "切点 x₀", "values": "-1.5..2:15"}}


def data(x0: float = 1.0, xmin: float = -1.0, xmax: float = 3.5):
    """y = x² and its tangent at x0 on a range xs that holds the point and the arrow from x0 to x0 + f'(x0)."""
    if not xmin < xmax:
        raise ValueError(f"xmin ({xmin:g}) must be less than xmax ({xmax:g})")
    f = lambda x: x**2  # noqa: E731
    slope = 2 * x0
    end = x0 + slope  # where the gradient arrow ends
    # The axes reach past the point and both ends of the arrow, whatever x0 is: matplotlib
    # silently drops an arrow that leaves them.
    margin = 0.1 * (max(xmax, x0, end) - min(xmin, x0, end))
    lo, hi = min(xmin, min(x0, end) - margin), max(xmax, max(x0, end) + margin)
    xs = np.linspace(lo, hi, 200)
    return dict(xs=xs, ys=f(xs), y0=f(x0), slope=slope, tangent=f(x0) + slope * (xs - x0))


def readout(d) -> str:
    x0, slope = d["slope"] / 2, d["slope"]
    way = "右" if slope > 0 else "左"
    if slope == 0:
        return "f′(0) = 0：谷底，梯度箭头缩成一个点"
    return f"f′({x0:g}) = {slope:g}：箭头朝{way}，长 {abs(slope):g}，往{way}挪 x 函数值上升".replace("-", "−")


def make(x0: float = 1.0, xmin: float = -1.0, xmax: float = 3.5) -> Figure:
    d = data(x0, xmin, xmax)
    xs, ys, slope = d["xs"], d["ys"], d["slope"]
    end, lo, hi = x0 + slope, xs[0], xs[-1]
    top = max(ys[0], ys[-1]) * 0.85
    below = top / (3.5**2 * 0.85)  # room under the x-axis in proportion to the y range (1 by default)
    fig = Figure(figsize=figsize("one"))
    ax = fig.add_subplot()
    ax.plot(xs, ys, color=PALETTE["blue"], label="$y = x^2$")
    line = f"{d['y0']:g} {'-' if slope < 0 else '+'} {abs(slope):g}(x {'+' if x0 < 0 else '-'} {abs(x0):g})"
    ax.plot(xs, d["tangent"], color=PALETTE["grey"], ls="--", lw=1.5, label=f"切线  $y = {line}$")
    ax.plot([x0], [d["y0"]], "o", color=PALETTE["blue"])
    ax.vlines(x0, 0, d["y0"], color=PALETTE["grey"], lw=0.8, ls=":")
    ax.axhline(0, color=ink(), lw=0.8)
    arrow(ax, (x0, 0), (end, 0), "orange", lw=3, size=20)
    # The label is about half the axes wide: keep its centre in the middle 40 % so it stays inside.
    label_x = min(max(x0 + slope / 2, lo + 0.3 * (hi - lo)), hi - 0.3 * (hi - lo))
    gradient = f"梯度 $f'({x0:g}) = {slope:g}$：x 轴上的箭头"
    ax.text(label_x, -0.9 * below, gradient, color=PALETTE["orange"], ha="center", va="top")
    set_axes(ax, "$x$", "$y$", xlim=(lo, hi), ylim=(-2.2 * below, top), legend="upper left")
    return fig


if __name__ == "__main__":
    from gradbook.engine.cli import script_main

    script_main(__file__)
