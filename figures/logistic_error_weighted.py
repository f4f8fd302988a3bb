"""逻辑回归的负梯度是按误差加权的输入之和：平衡数据里两类推力相当，不平衡数据里多数类说了算。

左边两幅用同一个生成器，只改正类所占比例。每个点的大小正比于它在训练后权重下的误差 $|\\hat y_i - y_i|$，
虚线是梯度下降若干步后的决策边界：不平衡时它被推向少数类，少数类里被分错的点（大圆）变多了。
右图画在权重空间里：横轴是权重沿 $(1, 1)$ 方向的分量，纵轴是偏置。橙色、蓝色箭头是在 $w = 0$ 处
正类、负类各自贡献的推力 $-\\frac1n\\sum (\\hat y_i - y_i)(\\boldsymbol x_i, 1)$，首尾相接；黑色箭头是两者之和，
也就是负梯度。平衡时两类的偏置分量相互抵消；不平衡时多数类把和往上拉。
"""

import numpy as np
from matplotlib.figure import Figure
from matplotlib.legend_handler import HandlerTuple
from matplotlib.lines import Line2D

from gradbook.engine.draw import arrow
from gradbook.engine.style import PALETTE, SMALL, ink, on_phone, panels, set_axes
from gradbook.models import LogisticRegression, add_bias, two_blobs
from gradbook.optimizers import gradient_descent

ALT = (
    "三幅图。前两幅是散点图：左图正负两类各 50 个点，中图正类 90 个、负类 10 个；点越大表示训练后误差越大，"
    "虚线是训练后的决策边界，中图里它偏向负类一侧。第三幅画出权重空间里的推力箭头：平衡数据（虚线）的"
    "正类、负类推力大小相当，偏置分量相互抵消，合力水平；"
    "不平衡数据（实线）的正类推力远大于负类，合力向上偏，偏置分量为 0.40。"
)


def data(minority: float = 0.1, n: int = 100, steps: int = 300, lr: float = 1.0, seed: int = 0):
    """Balanced and imbalanced (positive share 1 − minority) data: the points and class counts, the trained
    weights w and probabilities p, and each class's push −(1/n)Σ(ŷᵢ − yᵢ)(xᵢ, 1) at w = 0 in the plane
    (weight along (1, 1)/√2, bias), with their sum."""
    fits = []
    for frac in (0.5, 1 - minority):
        X, y = two_blobs(n, seed, positive_fraction=frac)
        model = LogisticRegression(add_bias(X), y)
        w = gradient_descent(model, np.zeros(3), lr, steps).final
        pushes = -model.per_example_grads(np.zeros(3)) / model.n_examples
        plane = np.c_[(pushes[:, 0] + pushes[:, 1]) / np.sqrt(2), pushes[:, 2]]
        pos, neg = plane[y == 1].sum(0), plane[y == 0].sum(0)
        counts = {1: int(np.sum(y == 1)), 0: int(np.sum(y == 0))}
        fits.append(dict(X=X, y=y, counts=counts, w=w, p=model.probabilities(w), pos=pos, neg=neg, total=pos + neg))
    return dict(balanced=fits[0], imbalanced=fits[1])


def make(minority: float = 0.1, n: int = 100, steps: int = 300, lr: float = 1.0, seed: int = 0) -> Figure:
    d = data(minority, n, steps, lr, seed)
    fig, (*maps, push_ax) = panels(3, ratios=[1, 1, 1.15], heights=[1.25, 1.25, 1])
    legend = dict(loc="upper left", markerscale=0.6, handletextpad=0.2, borderaxespad=0.1)
    for ax, panel, title, style in zip(maps, (d["balanced"], d["imbalanced"]), ("平衡数据", "不平衡数据"), ("--", "-")):
        X, y, w, pos, neg, total = (panel[k] for k in ("X", "y", "w", "pos", "neg", "total"))
        err = np.abs(panel["p"] - y)
        for label, color, name in ((1, PALETTE["orange"], "正类"), (0, PALETTE["blue"], "负类")):
            m, count = y == label, f"{name} {panel['counts'][label]} 个"
            ax.scatter(X[m, 0], X[m, 1], s=6 + 140 * err[m], color=color, alpha=0.55, lw=0, label=count)
        xs = np.linspace(-4, 4, 2)
        ax.plot(xs, -(w[0] * xs + w[2]) / w[1], ls=":", color=ink(), lw=1.4)
        set_axes(ax, "$x_1$", "$x_2$", title=title, xlim=(-4, 4), ylim=(-4, 4), aspect="equal", legend=legend)
        for start, vec, hue in (((0, 0), pos, "orange"), (pos, neg, "blue"), ((0, 0), total, "ink")):
            arrow(push_ax, start, np.add(start, vec), hue, ls=style, size=13)
        tag = f"{title}\n偏置分量 {round(float(total[1]), 2) + 0.0:.2f}"
        push_ax.text(total[0] + 0.04, total[1] + 0.07, tag, fontsize=SMALL, va="center", color=ink())
    # what the marks mean, once for all three panels: point size, the boundary, dashed vs solid arrows
    dot = dict(ls="", marker="o", color=PALETTE["grey"], alpha=0.55, mew=0)
    sizes = (Line2D([], [], ms=np.sqrt(6 + 140 * 0.05), **dot), Line2D([], [], ms=np.sqrt(146), **dot))
    keys = {
        "点越大，误差 $|\\hat y_i - y_i|$ 越大": sizes,
        "训练后的决策边界": Line2D([], [], ls=":", color=ink(), lw=1.4),
        "合力 $-\\nabla L$": Line2D([], [], color=ink(), lw=2),
        "正类的推力": Line2D([], [], color=PALETTE["orange"], lw=2),
        "负类的推力": Line2D([], [], color=PALETTE["blue"], lw=2),
        "虚线箭头：平衡数据": Line2D([], [], ls="--", color=ink(), lw=2),
        "实线箭头：不平衡数据": Line2D([], [], color=ink(), lw=2),
    }
    ncol = 2 if on_phone() else 3
    fig.legend(
        keys.values(), keys.keys(), loc="outside lower center", ncol=ncol, handler_map={tuple: HandlerTuple(None)}
    )
    push_ax.axhline(0, color=PALETTE["grey"], lw=0.6)
    set_axes(
        push_ax, "权重沿 $(1,1)$ 的分量", "偏置分量", title="$w = 0$ 处的推力", xlim=(-0.05, 1.25), ylim=(-0.4, 0.6)
    )
    return fig


if __name__ == "__main__":
    from gradbook.engine.cli import script_main

    script_main(__file__)
