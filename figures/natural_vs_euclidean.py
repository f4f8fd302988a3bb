r"""$F = \mathrm{diag}(100, 1)$ 时，负梯度（橙）几乎水平，自然梯度（绿）沿 $(1, 1)$ 直指中心，两者相差 $44.43^\circ$。

竖长的椭圆是 ΔᵀFΔ 的等值线（这里只看得见它们中段近乎竖直的两条边）：横着挪一点，分布就变很多；竖着挪同样多，几乎不变。
损失也取成同一个二次型，所以椭圆的中心（星）就是最小值。虚线是学习率取稳定上限 0.9 倍的梯度下降：
它在敏感的 Δ₁ 方向来回越过中心，沿迟钝的 Δ₂ 方向却只挪了一点；自然梯度一步（η = 1）就落在星上。
"""

import numpy as np
from matplotlib.figure import Figure

from gradbook.engine.draw import arrow, point
from gradbook.engine.landscape import angle_arc, contours
from gradbook.engine.style import PALETTE, figsize, mark_minimum, on_phone, set_axes
from gradbook.information import angle_between, natural_direction
from gradbook.landscapes import Quadratic, on_grid
from gradbook.optimizers import gradient_descent

ALT = (
    "参数平面上一组几乎竖直的椭圆弧线，中心标着星。当前点在星的右上方，橙色的负梯度箭头几乎水平向左，"
    "绿色的自然梯度箭头沿 45° 斜线直指星，两箭头之间标着 44.43°。橙色虚线是梯度下降的路径，"
    "在星的左右两侧来回锯齿式跳动，向下走得很慢。"
)

SWEEPS = {
    "sensitive": {
        "label": "F_{11}",
        "name": "敏感方向的费希尔信息",
        "values": "1,2,5,10,20,50,100,200,500,1000",
        "domain": (0.001, None),
    }
}


def data(sensitive: float = 100.0, offset: float = 0.01, lr_fraction: float = 0.9, steps: int = 30):
    """L = ½ΔᵀFΔ, F = diag(sensitive, 1), on a grid; at (offset, offset) its value, the gradient g, the natural
    direction F⁻¹g and the angle between them (degrees); and gradient descent at η = lr_fraction · 2/λ_max."""
    F = np.diag([sensitive, 1.0])
    loss = Quadratic(F)  # L = ½ΔᵀFΔ with Δ = θ − θ*, so θ* = 0 and ∇L = FΔ
    start = np.array([offset, offset])
    g = loss.grad(start)  # (1, 1/100) for the defaults
    nat = natural_direction(F, g)
    lr = lr_fraction * loss.max_stable_lr
    X, Y = np.meshgrid(np.linspace(-2.0 * offset, 2.0 * offset, 300), np.linspace(-1.0 * offset, 1.4 * offset, 250))
    path = gradient_descent(loss, start, lr, steps).iterates
    grid = dict(X=X, Y=Y, Z=on_grid(loss.value, X, Y), level=float(loss.value(start)))
    return dict(grid, start=start, g=g, natural=nat, angle=angle_between(g, nat), lr=lr, path=path)


def readout(d) -> str:
    return f"负梯度与自然梯度的夹角 {d['angle']:.2f}°"


def make(sensitive: float = 100.0, offset: float = 0.01, lr_fraction: float = 0.9, steps: int = 30) -> Figure:
    d = data(sensitive, offset, lr_fraction, steps)
    power = int(np.floor(np.log10(offset)))
    u = 10.0**power  # axes in units of 10^power: no offset label in a corner
    start, path = d["start"] / u, d["path"] / u
    fig = Figure(figsize=figsize("one"))
    ax = fig.add_subplot()
    levels = d["level"] * np.array([0.25, 1.0, 2.25, 4.0])
    cs = contours(ax, d["X"] / u, d["Y"] / u, d["Z"], levels, lw=1.0)
    ax.plot([], [], color=cs.get_edgecolor()[1], lw=1.0, label="$L$ 的等值线")
    label = f"梯度下降 {steps} 步，$\\eta = {d['lr']:.3f}$"
    ax.plot(*path.T, "--o", color=PALETTE["orange"], lw=1.0, ms=2.5, alpha=0.8, label=label, zorder=3)
    length = 0.9 * np.linalg.norm(start)
    for direction, colour, name in [
        (-d["g"], "orange", "负梯度 $-\\nabla L$"),
        (-d["natural"], "green", "自然梯度 $-F^{-1}\\nabla L$"),
    ]:
        arrow(ax, start, start + direction / np.linalg.norm(direction) * length, colour, lw=2.6, size=18, zorder=4)
        ax.plot([], [], color=PALETTE[colour], lw=2.6, label=name)
    point(ax, *start, ms=6, zorder=6)
    angle_arc(ax, start, -d["g"], -d["natural"], 0.3 * length, f"{d['angle']:.2f}°", at=1.9)
    mark_minimum(ax, 0, 0)
    unit = f"单位 $10^{{{power}}}$"
    set_axes(ax, f"$\\Delta_1$（敏感，{unit}）", f"$\\Delta_2$（迟钝，{unit}）", aspect="equal")
    low = min(-0.3 * offset / u, path[:, 1].min() - 0.1 * offset / u)  # F₁₁ near 1: descent overshoots below 0
    set_axes(ax, xlim=(-1.3 * offset / u, 1.35 * offset / u), ylim=(low, 1.25 * offset / u))
    fig.legend(loc="outside lower center", ncol=1 if on_phone() else 2)
    return fig


if __name__ == "__main__":
    from gradbook.engine.cli import script_main

    script_main(__file__)
