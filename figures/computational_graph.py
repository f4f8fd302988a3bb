"""计算图 $f = (x + y)\\cdot(xy)$ 在 $x = 2$、$y = 3$ 处：蓝字是前向传播存下的值，橙字是反向传播送回的敏感度。

每个圆是一次基本运算。前向时从左往右算，每个节点记住自己的值；反向时从右端的 $\\bar f = 1$ 出发，
沿每条边乘上灰色的局部导数再往左送。x 同时流向加法和乘法两个节点，所以它的敏感度是两条路径之和：
$\\bar x = 6\\cdot 1 + 5\\cdot 3 = 21$。
"""

from matplotlib.figure import Figure
from matplotlib.patches import Circle

from gradbook.autodiff import Value
from gradbook.engine.draw import arrow
from gradbook.engine.style import PALETTE, figsize, ink, paper, set_axes

ALT = (
    "五个节点的计算图：输入 x = 2 和 y = 3，加法节点 a = x + y = 5，乘法节点 b = xy = 6，输出 f = ab = 30。"
    "每个节点下方标出反向传播得到的敏感度：f 为 1，a 为 6，b 为 5，y 为 16，x 为 21；"
    "每条边上标出局部导数。"
)


def data(x: float = 2.0, y: float = 3.0):
    """Each node's value and backward sensitivity, and each edge's local derivative ∂to/∂from."""
    vx, vy = Value(x), Value(y)
    a = vx + vy
    b = vx * vy
    f = a * b
    f.backward()
    nodes = {"x": vx, "y": vy, "a": a, "b": b, "f": f}
    return dict(
        value={k: float(v.data) for k, v in nodes.items()},
        grad={k: float(v.grad) for k, v in nodes.items()},
        local={
            ("x", "a"): 1.0,
            ("y", "a"): 1.0,
            ("x", "b"): vy.data,
            ("y", "b"): vx.data,
            ("a", "f"): b.data,
            ("b", "f"): a.data,
        },
    )


def make(x: float = 2.0, y: float = 3.0) -> Figure:
    d = data(x, y)
    pos = {"x": (0.0, 1.0), "y": (0.0, -1.0), "a": (2.6, 1.0), "b": (2.6, -1.0), "f": (5.2, 0.0)}
    ops = {"x": "x", "y": "y", "a": "+", "b": r"\times", "f": r"\times"}
    # where along each edge (from, to) its local derivative ∂to/∂from sits
    label_at = {("x", "a"): 0.5, ("y", "a"): 0.3, ("x", "b"): 0.3, ("y", "b"): 0.5, ("a", "f"): 0.5, ("b", "f"): 0.5}
    fig = Figure(figsize=figsize("one"))
    ax = fig.add_subplot()
    r = 0.36
    box = dict(boxstyle="round,pad=0.2", fc=paper(), ec=PALETTE["grey"], lw=0.6)
    for (src, dst), t in label_at.items():
        local = d["local"][src, dst]
        (x0, y0), (x1, y1) = pos[src], pos[dst]
        arrow(ax, (x0, y0), (x1, y1), "grey", lw=1.4, size=14, shrinkA=25, shrinkB=25)
        mx, my = x0 + t * (x1 - x0), y0 + t * (y1 - y0)
        ax.text(mx, my, f"${local:g}$", color=PALETTE["grey"], ha="center", va="center", bbox=box)
    for key, label in ops.items():
        cx, cy = pos[key]
        ax.add_patch(Circle((cx, cy), r, fc=paper(), ec=ink(), lw=1.6))
        ax.text(cx, cy, f"${label}$", ha="center", va="center", color=ink())
        ax.text(cx, cy + r + 0.12, f"${key} = {d['value'][key]:g}$", ha="center", va="bottom", color=PALETTE["blue"])
        ax.text(
            cx, cy - r - 0.12, rf"$\bar{{{key}}} = {d['grad'][key]:g}$", ha="center", va="top", color=PALETTE["orange"]
        )
    ax.text(2.6, 2.05, "前向：存下每个节点的值", color=PALETTE["blue"], ha="center")
    backward = r"反向：$\bar v = \partial f/\partial v$，沿边乘上框中的局部导数，汇合处相加"
    ax.text(2.6, -2.1, backward, color=PALETTE["orange"], ha="center")
    set_axes(ax, xlim=(-0.8, 6.0), ylim=(-2.35, 2.3), aspect="equal")
    ax.axis("off")
    return fig


if __name__ == "__main__":
    from gradbook.engine.cli import script_main

    script_main(__file__)
