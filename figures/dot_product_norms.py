r"""点积 $\boldsymbol a \cdot \boldsymbol b$ 是投影乘长度；三种范数下“长度为 1”的图形各不相同。

左图：a = (3, 4)，b = (2, 1)。从 a 的箭头尖向 b 所在的直线作垂线，垂足到原点的距离就是 a 在 b 方向上的投影
‖a‖ cos α，再乘以 ‖b‖ 就是点积。右图：长度为 1 的全部向量组成的图形：L2 范数是圆，L1 范数是菱形，
L∞ 范数是正方形；同一个向量 x = (0.6, 0.8) 的三种长度各不相同。
"""

import numpy as np
from matplotlib.figure import Figure

from gradbook.engine.draw import arrow
from gradbook.engine.style import PALETTE, ink, panels, set_axes

ALT = (
    "左右两个面板。左图：从原点出发的两支箭头 a = (3, 4) 和 b = (2, 1)，两者夹角约 26.57 度；"
    "一条虚线从 a 的尖端垂直落到 b 所在的直线上，沿 b 方向的一段粗线标出投影长度约 4.47，点积为 10。"
    "右图：以原点为中心的三个图形：L1 范数等于 1 的菱形在最里面，L2 范数等于 1 的圆居中，"
    "L∞ 范数等于 1 的正方形在最外面；向量 (0.6, 0.8) 的尖端落在圆上，标出它的三种长度 1.4、1 和 0.8。"
)


def data(a1: float = 3.0, a2: float = 4.0, b1: float = 2.0, b2: float = 1.0):
    """The dot product, lengths, angle (degrees) and projection of a onto b."""
    a, b = np.array([a1, a2]), np.array([b1, b2])
    dot, na, nb = float(a @ b), float(np.linalg.norm(a)), float(np.linalg.norm(b))
    x = np.array([0.6, 0.8])
    angle = float(np.degrees(np.arccos(dot / (na * nb))))
    norms_x = {p: float(np.linalg.norm(x, p)) for p in (1, 2, np.inf)}
    return dict(a=a, b=b, dot=dot, norm_a=na, norm_b=nb, angle=angle, projection=dot / nb, x=x, norms_x=norms_x)


def make(a1: float = 3.0, a2: float = 4.0, b1: float = 2.0, b2: float = 1.0) -> Figure:
    d = data(a1, a2, b1, b2)
    fig, (ax, bx) = panels(2)
    a, b, foot = d["a"], d["b"], d["projection"] * d["b"] / d["norm_b"]
    ax.plot(*np.outer([-0.3, 1.15 * max(1.0, d["projection"] / d["norm_b"])], b).T, color=PALETTE["grey"], lw=0.8)
    label = f"投影 $\\|\\mathbf{{a}}\\|\\cos\\alpha = {d['projection']:.2f}$"
    ax.plot([0, foot[0]], [0, foot[1]], color=PALETTE["green"], lw=6, alpha=0.6, label=label)
    ax.plot([a[0], foot[0]], [a[1], foot[1]], "--", color=ink(), lw=1)
    for v, c, name in ((a, "blue", "a"), (b, "orange", "b")):
        arrow(ax, (0, 0), v, c, lw=2.2, size=16)
        label = f"$\\mathbf{{{name}}} = ({v[0]:g}, {v[1]:g})$"
        ax.text(*(v + (0.15 if name == "a" else [0.1, -0.45])), label, color=PALETTE[c])
    title = f"$\\mathbf{{a}}\\cdot\\mathbf{{b}} = {d['dot']:g}$，夹角 $\\alpha \\approx {d['angle']:.2f}^\\circ$"
    set_axes(ax, title=title, aspect="equal", xlim=(-0.5, 5.5), ylim=(-0.5, 5.0), legend="lower right")

    t = np.linspace(0, 2 * np.pi, 400)
    shapes = {1: ([1, 0, -1, 0, 1], [0, 1, 0, -1, 0]), 2: (np.cos(t), np.sin(t))}  # unit balls: diamond, circle
    shapes[np.inf] = ([1, -1, -1, 1, 1], [1, 1, -1, -1, 1])  # and square
    names = {1: "$L_1$", 2: "$L_2$", np.inf: "$L_\\infty$"}
    for (p, (xs, ys)), c in zip(shapes.items(), ("purple", "blue", "orange")):
        label = f"{names[p]}：$\\|\\mathbf{{x}}\\| = 1$，$\\mathbf{{x}}$ 的长度 {d['norms_x'][p]:g}"
        bx.plot(xs, ys, color=PALETTE[c], label=label)
    arrow(bx, (0, 0), d["x"], lw=2.2, size=16)
    bx.text(d["x"][0], 1.1, "$\\mathbf{x} = (0.6, 0.8)$", color=ink(), ha="center")
    set_axes(bx, aspect="equal", xlim=(-1.3, 1.3), ylim=(-1.3, 2.5), legend=dict(loc="upper center", ncol=1))
    return fig


if __name__ == "__main__":
    from gradbook.engine.cli import script_main

    script_main(__file__)
