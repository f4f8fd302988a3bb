r"""特征向量是椭圆的主轴：梯度下降沿每条主轴各走各的，误差每步乘以 $1 - \eta\lambda$。

损失 L(θ) = ½ θᵀHθ，H = [[5, 4], [4, 5]]，特征值 9 和 1。左图：等高线与两条主轴（虚线），橙色是学习率 η 的梯度下降。
右图：把每一步的位置投影到两个特征向量上：陡轴（λ = 9）上的坐标每步乘以 1 − 9η，符号来回翻转，这就是锯齿；
平轴（λ = 1）上的坐标每步乘以 1 − η，从同一侧慢慢缩小。
"""

import numpy as np
from matplotlib.figure import Figure

from gradbook.engine.style import CMAP, PALETTE, ink, mark_minimum, mark_start, panels, set_axes
from gradbook.landscapes import Quadratic, on_grid
from gradbook.optimizers import gradient_descent

ALT = (
    "左右两个面板。左图：以原点为中心、沿 45 度方向拉长的一族椭圆等高线，两条虚线是主轴："
    "短轴方向 (1, 1) 标 λ = 9，长轴方向 (1, −1) 标 λ = 1。梯度下降从 (3, 1) 出发，在短轴方向来回横跳，"
    "沿长轴慢慢走向中心的五角星。右图：横轴是步数，纵轴是位置在两个特征向量上的坐标："
    "陡轴坐标从 2.83 出发每步乘以 −0.8，正负交替；平轴坐标从 1.41 出发每步乘以 0.8，单调缩小。"
)


def data(lr: float = 0.2, steps: int = 12, x0: float = 3.0, y0: float = 1.0):
    """H, its eigenvalues (ascending) and unit eigenvectors (columns), the run, and its coordinates on them."""
    H = np.array([[5.0, 4.0], [4.0, 5.0]])
    lam, vecs = np.linalg.eigh(H)
    vecs = vecs * np.sign(vecs[0])  # first component positive: (1, −1)/√2 and (1, 1)/√2
    path = gradient_descent(Quadratic(H), np.array([x0, y0]), lr, steps).iterates
    factors, bound = 1 - lr * lam, 2 / lam.max()
    return dict(H=H, eigenvalues=lam, eigenvectors=vecs, path=path, coords=path @ vecs, factors=factors, bound=bound)


def make(lr: float = 0.2, steps: int = 12, x0: float = 3.0, y0: float = 1.0) -> Figure:
    d = data(lr, steps, x0, y0)
    fig, (ax, bx) = panels(2, ratios=[1, 1.2], heights=[1.25, 1])
    X, Y = np.meshgrid(np.linspace(-3.5, 3.5, 241), np.linspace(-3.5, 3.5, 241))
    Z = on_grid(Quadratic(d["H"]).value, X, Y)
    ax.contour(X, Y, Z, levels=[0.5, 2, 5, 10, 18, 30], cmap=CMAP, vmax=45, linewidths=1.0)
    colours = (PALETTE["blue"], PALETTE["purple"])  # flat axis, steep axis
    for lam, v, c in zip(d["eigenvalues"], d["eigenvectors"].T, colours):
        ax.plot(*np.outer([-3.4, 3.4], v).T, ls="--", lw=1.2, color=c)
        ax.text(*(3.4 * v + [0.1, 0]), f"$\\lambda = {lam:g}$", color=c, va="center")
    p = d["path"]
    ax.plot(p[:, 0], p[:, 1], "-o", color=PALETTE["orange"], ms=3.5, lw=1.4, label=f"$\\eta = {lr:g}$")
    mark_start(ax, *p[0], label="起点")
    mark_minimum(ax, 0, 0, ms=15)
    box = dict(xlim=(-3.5, 3.5), ylim=(-3.5, 3.5), aspect="equal")
    set_axes(ax, r"$\theta_1$", r"$\theta_2$", **box, legend="lower right")

    k = np.arange(len(p))
    for i, (name, c) in enumerate(zip(("平轴", "陡轴"), colours)):
        lam, f = d["eigenvalues"][i], d["factors"][i]
        label = f"{name} $\\lambda = {lam:g}$：每步 $\\times({f:.2f})$"
        bx.plot(k, d["coords"][:, i], "-o", ms=3.5, color=c, label=label)
    bx.axhline(0, color=ink(), lw=0.8)
    bx.set(xlabel="步数 $k$", ylabel="在特征向量上的坐标", xlim=(0, len(p) - 1))
    set_axes(bx, ylim=(-3.2, 3.6), legend="upper right")
    return fig


if __name__ == "__main__":
    from gradbook.engine.cli import script_main

    script_main(__file__)
