r"""训练损失一路下降，验证损失先降后升：多项式回归上的过拟合与早停。

20 个带噪声的样本取自 $\sin(\pi x)$，模型是 15 次多项式（16 个参数，Legendre 基），用梯度下降拟合。
左图：训练集与验证集上的均方误差随步数的变化（双对数），竖线标出验证误差最低的那一步。
右图：那一步的曲线（早停）和最后一步的曲线：后者穿过了更多训练点，却在点与点之间乱摆。
"""

import numpy as np
from matplotlib.figure import Figure
from numpy.polynomial import legendre

from gradbook.engine.style import PALETTE, ink, panels, set_axes
from gradbook.optimizers import Objective, gradient_descent

ALT = (
    "左图：横轴步数（对数）到 10000，训练误差从 0.53 一路降到 0.0035；验证误差从 0.55 先降，"
    "在第 19 步到最低的 0.14，此后回升，最后到 1.73。右图：区间 −1 到 1 上，"
    "灰色虚线是 sin(πx)，黑点是 20 个训练样本；早停的橙色曲线平滑地贴着正弦；"
    "训练到底的蓝色曲线离训练点更近，但在两端和点的空隙里大幅摆动。"
)


def data(degree: int = 15, n_train: int = 20, noise: float = 0.3, steps: int = 10000, seed: int = 0):
    """Seeded samples of sin(πx) + N(0, noise²): ``n_train`` to train on, 200 to validate; GD at rate 1/λ_max
    on the training MSE of a Legendre polynomial, and both errors at every step."""
    rng = np.random.default_rng(seed)
    x = np.sort(rng.uniform(-1, 1, n_train))
    y = np.sin(np.pi * x) + rng.normal(0, noise, n_train)
    xv = rng.uniform(-1, 1, 200)
    yv = np.sin(np.pi * xv) + rng.normal(0, noise, 200)
    P, V = legendre.legvander(x, degree), legendre.legvander(xv, degree)
    mse = Objective(value=lambda w: float(np.mean((P @ w - y) ** 2)), grad=lambda w: 2 * P.T @ (P @ w - y) / n_train)
    rate = 1.0 / np.linalg.eigvalsh(2 * P.T @ P / n_train).max()
    run = gradient_descent(mse, np.zeros(degree + 1), rate, steps)
    val = np.mean((run.iterates @ V.T - yv) ** 2, axis=1)
    best = int(np.argmin(val))
    grid = np.linspace(-1, 1, 300)
    curves = {k: legendre.legval(grid, run.iterates[k]) for k in (best, steps)}
    return dict(x=x, y=y, train=run.losses, val=val, best=best, grid=grid, curves=curves)


def make(degree: int = 15, n_train: int = 20, noise: float = 0.3, steps: int = 10000, seed: int = 0) -> Figure:
    d = data(degree=degree, n_train=n_train, noise=noise, steps=steps, seed=seed)
    fig, (ax, bx) = panels(2)
    k = np.arange(1, steps + 2)
    ax.loglog(k, d["train"], color=PALETTE["blue"], label="训练误差")
    ax.loglog(k, d["val"], color=PALETTE["orange"], label="验证误差")
    ax.axvline(d["best"] + 1, color=PALETTE["grey"], ls=":", lw=1)
    ax.text(d["best"] + 1, d["val"].max(), f" 早停：第 {d['best']} 步", color=ink(), va="top")
    set_axes(ax, "步数 + 1", "均方误差", legend="lower left")
    bx.plot(d["grid"], np.sin(np.pi * d["grid"]), "--", color=PALETTE["grey"], lw=1.2, label=r"$\sin(\pi x)$")
    bx.plot(d["grid"], d["curves"][d["best"]], color=PALETTE["orange"], label=f"早停（第 {d['best']} 步）")
    bx.plot(d["grid"], d["curves"][steps], color=PALETTE["blue"], lw=1.4, label=f"训练到底（第 {steps} 步）")
    bx.plot(d["x"], d["y"], "o", color=ink(), ms=4)
    set_axes(bx, "$x$", "$y$", ylim=(-2.2, 2.2), legend="lower right")
    return fig


if __name__ == "__main__":
    from gradbook.engine.cli import script_main

    script_main(__file__)
