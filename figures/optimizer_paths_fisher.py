"""特征尺度相差 10 倍的逻辑回归：梯度下降第一步就沿敏感的 $w_1$ 冲出去十倍远，自然梯度几步直达，Adam 居中。

数据是两团二维点（two_blobs），第一个特征乘以 10，模型没有偏置，参数只有 (w₁, w₂)，可以画在平面上。
三种方法都从原点出发：梯度下降（橙）、Adam（紫）、自然梯度（绿，用逻辑回归的 Fisher 矩阵）。
右图是损失与最小值之差，纵轴取对数。
"""

import numpy as np
from matplotlib.figure import Figure

from gradbook.adaptive import adam
from gradbook.engine.landscape import landscape
from gradbook.engine.style import PALETTE, panels, set_axes
from gradbook.information import logistic_fisher
from gradbook.landscapes import on_grid
from gradbook.models import LogisticRegression, two_blobs
from gradbook.optimizers import gradient_descent, natural_gradient_descent, newton

ALT = (
    "左右两张图。左图是逻辑回归损失的等高线，横轴 w₁、纵轴 w₂，最小值（星）在 (0.21, 2.1)。从原点出发，橙色的梯度下降"
    "第一步横跳到 w₁ ≈ 2 处，再慢慢折回；紫色的 Adam 先沿斜线走、略有绕行；绿色的自然梯度几乎沿直线几步到达星。"
    "右图是损失差的对数随步数变化：绿线几步内跌到底，紫线其次，橙线下降最慢。"
)


def data(
    scale: float = 10.0,
    n: int = 200,
    seed: int = 0,
    lr_gd: float = 0.4,
    lr_adam: float = 0.1,
    lr_natural: float = 1.0,
    steps: int = 60,
):
    """The logistic model on two blobs with feature 1 scaled, its minimum w* (Newton) and L*, L − L* on a grid,
    and from w = 0 the gradient descent, Adam and natural-gradient runs."""
    X, y = two_blobs(n, seed=seed, separation=2.0)
    X = X * np.array([scale, 1.0])
    model = LogisticRegression(X, y)
    w0 = np.zeros(2)
    star = newton(model, w0, 25).final
    W1, W2 = np.meshgrid(np.linspace(-0.3, 2.4, 160), np.linspace(-0.4, 2.8, 160))
    best = float(model.value(star))
    grid = dict(W1=W1, W2=W2, Z=on_grid(model.value, W1, W2) - best)
    runs = dict(
        gd=gradient_descent(model, w0, lr_gd, steps),
        adam=adam(model, w0, lr_adam, steps),
        natural=natural_gradient_descent(model, lambda w: logistic_fisher(X, w), w0, lr_natural, steps),
    )
    return dict(X=X, model=model, w0=w0, star=star, best=best, **grid, **runs)


def make(
    scale: float = 10.0,
    n: int = 200,
    seed: int = 0,
    lr_gd: float = 0.4,
    lr_adam: float = 0.1,
    lr_natural: float = 1.0,
    steps: int = 60,
) -> Figure:
    d = data(scale, n, seed, lr_gd, lr_adam, lr_natural, steps)
    best = d["best"]
    runs = [
        ("梯度下降", "orange", d["gd"], lr_gd),
        ("Adam", "purple", d["adam"], lr_adam),
        ("自然梯度", "green", d["natural"], lr_natural),
    ]
    fig, (ax, bx) = panels(2, ratios=[1.15, 1.0])
    # the zigzag underneath, thin; Adam and the natural gradient on top in paper halos, so neither hides
    paths = [
        (traj.iterates, colour, None, dict(lw=1.0, ms=2.5) if colour == "orange" else dict(lw=1.4, ms=3, top=True))
        for _, colour, traj, _ in runs
    ]
    levels = np.geomspace(0.003, 3.0, 7)
    landscape(ax, d["W1"], d["W2"], d["Z"], levels=levels, paths=paths, start=d["w0"], minimum=d["star"])
    set_axes(ax, f"$w_1$（特征放大 {scale:g} 倍）", "$w_2$")
    for name, colour, traj, lr in runs:
        gap = np.maximum(traj.losses - best, 1e-16)
        bx.semilogy(np.arange(gap.size), gap, color=PALETTE[colour], lw=2, label=f"{name}，$\\eta = {lr:g}$")
    set_axes(bx, "步数", "$L(w_k) - L(w^*)$", ylim=(1e-12, 3), legend="lower right")
    return fig


if __name__ == "__main__":
    from gradbook.engine.cli import script_main

    script_main(__file__)
