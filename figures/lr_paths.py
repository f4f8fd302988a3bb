r"""同一条抛物线上的三种学习率：太小则寸步难行，合适则几步到底，超过 $2/\lambda$ 则越跳越远。

只看斜率 w 一个方向（截距固定在最优值 b*），损失 L(w) 是一条抛物线。面积以平方米为单位，
抛物线的曲率 λ = 2·mean(x²) 约为 2.2 万，所以能用的学习率上限 2/λ 还不到 0.0001。
点是每一步的位置，从浅到深表示先后。
"""

import numpy as np
from matplotlib.figure import Figure

from gradbook.engine.draw import sci
from gradbook.engine.style import PALETTE, ink, panels, set_axes
from gradbook.models import LinearMSE, house_data
from gradbook.optimizers import Objective, gradient_descent

ALT = (
    "三幅并排的图，每幅都是损失随斜率 w 变化的抛物线。左图学习率 0.000002，十步只沿抛物线挪了一小段；"
    "中图学习率 0.00004，第一步就几乎落到谷底；右图学习率 0.0001，点在谷底两侧来回跳，而且越跳越高。"
)


def slope_only(n: int = 50, seed: int = 0) -> tuple[Objective, float]:
    """L(w) = L(w, b*)：截距固定在最优值，只剩斜率一个参数。返回目标函数与最优 w*。"""
    model = LinearMSE(*house_data(n, seed))
    w_star, b_star = model.minimizer()
    return Objective(
        value=lambda t: model.value([t[0], b_star]), grad=lambda t: model.grad(np.array([t[0], b_star]))[:1]
    ), float(w_star)


def data(lr_small: float = 2e-6, lr_good: float = 4e-5, lr_big: float = 1e-4, steps: int = 10, w0: float = 1.0):
    """L(w, b*) and w*, and for each learning rate the run from w0 with the loss curve over the span it covers."""
    objective, w_star = slope_only()
    runs, curves = [], []
    for lr in (lr_small, lr_good, lr_big):
        traj = gradient_descent(objective, np.array([w0]), lr, steps)
        span = max(abs(traj.iterates[:, 0] - w_star).max(), abs(w0 - w_star)) * 1.15
        grid = np.linspace(w_star - span, w_star + span, 200)
        runs.append(traj)
        curves.append((grid, np.array([objective.value([g]) for g in grid])))
    return dict(objective=objective, w_star=w_star, runs=runs, curves=curves)


def make(
    lr_small: float = 2e-6, lr_good: float = 4e-5, lr_big: float = 1e-4, steps: int = 10, w0: float = 1.0
) -> Figure:
    d = data(lr_small, lr_good, lr_big, steps, w0)
    fig, axes = panels(3)
    titles = ("太小，寸步难行", "合适，几步到底", "超过 2/λ，越跳越远")
    for ax, lr, title, traj, (grid, loss) in zip(axes, (lr_small, lr_good, lr_big), titles, d["runs"], d["curves"]):
        ws = traj.iterates[:, 0]
        ax.plot(grid, loss / 1e4, color=PALETTE["blue"])
        ax.plot(ws, traj.losses / 1e4, color=PALETTE["grey"], lw=0.8)
        order = dict(c=np.arange(ws.size), cmap="Oranges", vmin=-3)  # later steps darker
        ax.scatter(ws, traj.losses / 1e4, **order, s=28, edgecolors=ink(), linewidths=0.5, zorder=3)
        set_axes(ax, "斜率 $w$", title=f"$\\eta = {sci(lr)}$\n{title}")
    axes[0].set_ylabel("损失 $L(w, b^*)$（万）")
    return fig


if __name__ == "__main__":
    from gradbook.engine.cli import script_main

    script_main(__file__)
