r"""学习率调度：步进衰减、余弦、预热加余弦，以及它们对小批量 SGD 最后停在哪里的影响。

左图：四种调度下 $\eta_k$ 随步数的变化。右图：第 2 章的房价模型（标准化后），批大小 2 的 SGD，
损失比最小值高出多少（对数纵轴，10 个随机种子的平均）。恒定学习率停在一层噪声上；
学习率一降，这层噪声就跟着降下去。
"""

import numpy as np
from matplotlib.figure import Figure

from gradbook.engine.style import PALETTE, panels, set_axes
from gradbook.models import LinearMSE, house_data, standardize
from gradbook.optimizers import sgd
from gradbook.schedules import constant, cosine, step_decay, warmup

ALT = (
    "左图：横轴步数 0 到 300。恒定学习率是 0.1 处的水平线；步进衰减每 100 步降为十分之一；"
    "余弦从 0.1 平滑降到 0；预热加余弦先在 30 步内从 0 线性升到 0.1，再按余弦下降。"
    "右图：对数纵轴上的损失差距，三条线前 100 步相差不大，都停在一层噪声上；此后恒定学习率的一直在那层噪声里抖，"
    "第 300 步约 182；步进衰减的每降一次学习率就下一个台阶，停在 9.89；余弦的最后降到 5.37。"
)


def data(lr: float = 0.1, steps: int = 300, batch: int = 2, seeds: int = 10):
    """Each schedule's rates, and the mean over ``seeds`` SGD runs of L(θ_k) − L*."""
    z, _, _ = standardize(house_data()[0])
    model = LinearMSE(z, house_data()[1])
    best = float(model.value(model.minimizer()))
    schedules = {
        "constant": constant(lr),
        "step": step_decay(lr, every=steps // 3, factor=0.1),  # three plateaus
        "cosine": cosine(lr, steps),
        "warmup": warmup(cosine(lr, steps), steps // 10),
    }
    rates = {name: np.array([s(k) for k in range(steps + 1)]) for name, s in schedules.items()}
    gaps = {
        name: np.mean([sgd(model, [0.0, 0.0], s, steps, batch, seed).losses - best for seed in range(seeds)], axis=0)
        for name, s in schedules.items()
        if name != "warmup"
    }
    final = {name: float(g[-1]) for name, g in gaps.items()}
    return dict(every=steps // 3, warmup_steps=steps // 10, rates=rates, gaps=gaps, final=final)


def make(lr: float = 0.1, steps: int = 300, batch: int = 2, seeds: int = 10) -> Figure:
    d = data(lr=lr, steps=steps, batch=batch, seeds=seeds)
    fig, (ax, bx) = panels(2)
    names = {"constant": ("恒定", "grey"), "step": ("步进衰减", "blue"), "cosine": ("余弦", "orange")}
    names["warmup"] = ("预热 + 余弦", "green")
    for name, (label, color) in names.items():
        ax.plot(d["rates"][name], color=PALETTE[color], label=label, ls="--" if name == "warmup" else "-")
        if name in d["gaps"]:
            bx.semilogy(d["gaps"][name], color=PALETTE[color], lw=1.4, label=label)
    set_axes(ax, "步数 $k$", r"学习率 $\eta_k$", ylim=(0, 1.25 * lr), legend="upper right")
    set_axes(bx, "步数 $k$", r"$L(\theta_k) - L^*$（10 次平均）", legend="upper right")
    return fig


if __name__ == "__main__":
    from gradbook.engine.cli import script_main

    script_main(__file__)
