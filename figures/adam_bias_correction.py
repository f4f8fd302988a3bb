r"""Adam 的偏差修正：滑动平均从 0 起步，前几步的 $m$ 和 $v$ 都偏小，修正就是除以 $1 - \beta^k$。

梯度恒为 $g = 1$ 时的前 200 步（横轴对数）。左图：$m_k$ 与 $\sqrt{v_k}$ 从 0 慢慢爬向 1，修正后的
$\hat m_k$、$\sqrt{\hat v_k}$ 从第 1 步起就是 1。右图：每步走了多远（以学习率 $\eta$ 为单位）：
修正后恒为 $\eta$；不修正时，$\sqrt{v}$ 比 $m$ 爬得更慢，前几十步的步长被放大到好几倍。
"""

import numpy as np
from matplotlib.figure import Figure

from gradbook.adaptive import adam
from gradbook.engine.draw import offset
from gradbook.engine.style import PALETTE, panels, set_axes
from gradbook.optimizers import Objective

ALT = (
    "左图：横轴步数 1 到 200（对数），m 从 0.1 升到接近 1，√v 从 0.032 开始升得更慢，第 200 步才到 0.43；"
    "修正后的两条线是 1 上的水平线。右图：修正后的步长恒为 1 个 η；不修正的步长第 1 步是 3.16 η，"
    "第 12 步升到最大的 6.57 η，之后缓慢回落，第 200 步还有 2.35 η。"
)

SWEEPS = {
    "beta2": {
        "label": r"\beta_2",
        "name": "二阶矩系数 β₂",
        "values": "0.99,0.995,0.999,0.9995,0.9999",
        "domain": (0, 1),
    }
}


def data(beta1: float = 0.9, beta2: float = 0.999, steps: int = 200):
    """Adam on L = θ (gradient 1 everywhere), η = 1, with and without bias correction: the raw running means
    m_k, v_k, their corrected values, and each step's length."""
    line = Objective(value=lambda t: float(t[0]), grad=lambda t: np.ones(1))
    k = np.arange(1, steps + 1)
    m, v = 1 - beta1**k, 1 - beta2**k  # with g = 1 the running means are these exactly
    runs = {on: adam(line, [0.0], 1.0, steps, beta1, beta2, eps=1e-12, bias_correction=on) for on in (True, False)}
    corrected, raw = (-np.diff(runs[on].iterates[:, 0]) for on in (True, False))  # each step's length
    peak = int(np.argmax(raw))
    return dict(k=k, m=m, v=v, root_v=np.sqrt(v), corrected=corrected, raw=raw, peak_step=peak + 1, peak=raw[peak])


def readout(d) -> str:
    return f"不修正时最大的一步是 {d['peak']:.2f}η，在第 {d['peak_step']} 步"


def make(beta1: float = 0.9, beta2: float = 0.999, steps: int = 200) -> Figure:
    d = data(beta1=beta1, beta2=beta2, steps=steps)
    fig, (ax, bx) = panels(2)
    ax.semilogx(d["k"], d["m"], color=PALETTE["blue"], label=r"$m_k$（未修正）")
    ax.semilogx(d["k"], d["root_v"], color=PALETTE["orange"], label=r"$\sqrt{v_k}$（未修正）")
    ax.semilogx(d["k"], np.ones_like(d["m"]), "--", color=PALETTE["green"], label=r"$\hat m_k$ 与 $\sqrt{\hat v_k}$")
    set_axes(ax, "步数 $k$", "滑动平均", ylim=(0, 1.1), legend="center right")
    bx.semilogx(d["k"], d["raw"], color=PALETTE["orange"], label="不修正")
    bx.semilogx(d["k"], d["corrected"], "--", color=PALETTE["green"], label="修正")
    bx.plot([d["peak_step"]], [d["peak"]], "o", color=PALETTE["orange"])
    offset(bx, f"第 {d['peak_step']} 步：{d['peak']:.2f}η", (d["peak_step"], d["peak"]), 8, 4)
    set_axes(bx, "步数 $k$", r"步长 $|\Delta\theta_k|$（单位 $\eta$）", ylim=(0, None), legend="upper right")
    return fig


if __name__ == "__main__":
    from gradbook.engine.cli import script_main

    script_main(__file__)
