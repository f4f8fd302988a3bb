r"""重球是一个带阻尼的振子：$\ddot\theta + \gamma\dot\theta + \nabla L(\theta) = 0$，这里 $L = \tfrac12\theta^2$。

左图：三种阻尼下 $\theta(t)$ 的解（实线），以及步长 $h$ 的动量法迭代（圆点，$\eta = h^2$，$\beta = 1 - \gamma h$），
它们落在欠阻尼那条曲线附近。右图：同样三条解在相平面 $(\theta, \dot\theta)$ 上，欠阻尼的绕着原点转圈，
临界阻尼最快贴近原点，过阻尼的慢慢爬过去。
"""

import numpy as np
from matplotlib.figure import Figure

from gradbook.calculus import rk4_step
from gradbook.engine.style import PALETTE, mark_minimum, panels, set_axes
from gradbook.landscapes import Quadratic
from gradbook.optimizers import momentum

ALT = (
    "左图：横轴是时间 t 从 0 到 12，纵轴是 θ。γ = 0.5 的欠阻尼解在 0 上下摆动、振幅慢慢变小；"
    "γ = 2 的临界阻尼解不越过 0 就最快落到 0 附近；γ = 6 的过阻尼解下降得很慢。"
    "h = 0.5 的动量法迭代（η = 0.25，β = 0.75）画成圆点，贴着欠阻尼曲线。"
    "右图：三条解在 (θ, θ̇) 平面上的轨迹，都从 (1, 0) 出发，欠阻尼的一圈圈旋向原点。"
)


def data(gamma: float = 0.5, h: float = 0.5, t_end: float = 12.0):
    """The ODE from θ = 1 at rest for γ = ``gamma`` (drawn as the main curve), 2 (critical) and 6, by RK4 with
    step 0.01; and heavy ball with η = h², β = 1 − γh, whose step k sits at time t = kh."""
    field = Quadratic([[1.0]])
    t = np.linspace(0.0, t_end, int(round(t_end / 0.01)) + 1)
    solutions = {}
    for g in (gamma, 2.0, 6.0):
        state, path = np.array([1.0, 0.0]), []
        for _ in t:
            path.append(state)
            state = rk4_step(lambda s, g=g: np.array([s[1], -g * s[1] - field.grad(s[:1])[0]]), state, 0.01)
        solutions[g] = np.array(path)
    steps = int(t_end / h)
    beta = 1.0 - gamma * h
    heavy = momentum(field, [1.0], h * h, steps, beta)
    heavy_t = h * np.arange(steps + 1)
    return dict(
        dampings=[gamma, 2.0, 6.0], t=t, solutions=solutions, heavy=heavy, heavy_t=heavy_t, eta=h * h, beta=beta
    )


def make(gamma: float = 0.5, h: float = 0.5, t_end: float = 12.0) -> Figure:
    d = data(gamma=gamma, h=h, t_end=t_end)
    fig, (ax, bx) = panels(2)
    styles = ((gamma, "blue", "欠阻尼" if gamma < 2 else "阻尼"), (2.0, "green", "临界阻尼"), (6.0, "purple", "过阻尼"))
    for g, color, name in styles:
        sol = d["solutions"][g]
        ax.plot(d["t"], sol[:, 0], color=PALETTE[color], label=rf"{name} $\gamma = {g:g}$")
        bx.plot(sol[:, 0], sol[:, 1], color=PALETTE[color])
    label = rf"动量法 $\eta = {d['eta']:g}$，$\beta = {d['beta']:g}$"
    ax.plot(d["heavy_t"], d["heavy"].iterates[:, 0], "o", color=PALETTE["orange"], ms=4, label=label)
    ax.axhline(0.0, color=PALETTE["grey"], lw=0.6)
    set_axes(ax, "时间 $t$", r"$\theta(t)$", legend="upper right")
    mark_minimum(bx, 0.0, 0.0, ms=12)
    set_axes(bx, r"$\theta$", r"$\dot\theta$", title="相平面", aspect="equal")
    return fig


if __name__ == "__main__":
    from gradbook.engine.cli import script_main

    script_main(__file__)
