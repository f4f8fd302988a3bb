r"""二次型 $\boldsymbol\theta^\top A\boldsymbol\theta$ 的三种形状：正定是碗，不定是马鞍，半正定是一道平底的槽。

三个对称矩阵的等高线：蓝色实线是正值，橙色虚线是负值，灰色是零。虚线箭头是特征向量，旁边是对应的特征值。
正定：两个特征值都为正，每个方向都往上弯；不定：一正一负，沿负特征值的方向往下弯；
半正定：有一个特征值为 0，沿它的特征向量函数值一直是 0，最小值不止一个点。
"""

import numpy as np
from matplotlib.figure import Figure

from gradbook.engine.style import PALETTE, ink, panels, paper
from gradbook.landscapes import on_grid

ALT = (
    "三个并排的等高线图，坐标都从 −2 到 2。左：正定矩阵 [[5, 4], [4, 5]]，特征值 9 和 1，等高线是沿 −45 度拉长的椭圆。"
    "中：不定矩阵 [[1, 2], [2, 1]]，特征值 3 和 −1，等高线是双曲线，沿 45 度方向为正，沿 −45 度方向为负。"
    "右：半正定矩阵 [[1, 1], [1, 1]]，特征值 2 和 0，等高线是平行于 −45 度方向的直线，沿这条方向函数值为零。"
)

MATRICES = {"正定": [[5.0, 4.0], [4.0, 5.0]], "不定": [[1.0, 2.0], [2.0, 1.0]], "半正定": [[1.0, 1.0], [1.0, 1.0]]}


def data(scale: float = 1.0):
    """Each matrix (times ``scale``), its eigenvalues (ascending) and eigenvectors (columns)."""
    out = {}
    for name, a in MATRICES.items():
        lam, vecs = np.linalg.eigh(scale * np.array(a))
        out[name] = dict(
            matrix=scale * np.array(a), eigenvalues=np.round(lam, 12) + 0.0, eigenvectors=vecs * np.sign(vecs[0])
        )
    return out


def make(scale: float = 1.0) -> Figure:
    d = data(scale)
    fig, axes = panels(3, heights=[1.2] * 3)
    X, Y = np.meshgrid(np.linspace(-2, 2, 201), np.linspace(-2, 2, 201))
    for ax, (name, m) in zip(axes, d.items()):
        Z = on_grid(lambda t, A=m["matrix"]: np.einsum("...i,ij,...j->...", t, A, t), X, Y)
        levels = scale * np.array([0.25, 1, 2.5, 5, 9, 14])
        ax.contour(X, Y, Z, levels=levels, colors=PALETTE["blue"], linewidths=1.0)
        if Z.min() < 0:
            ax.contour(X, Y, Z, levels=-levels[::-1], colors=PALETTE["orange"], linewidths=1.0, linestyles="--")
            ax.contour(X, Y, Z, levels=[0], colors=PALETTE["grey"], linewidths=1.2)
        for v in m["eigenvectors"].T[m["eigenvalues"] == 0]:  # the flat floor: zero all along v
            ax.plot(*np.outer([-3, 3], v).T, color=PALETTE["grey"], lw=1.2)
        for lam, v in zip(m["eigenvalues"], m["eigenvectors"].T):
            ax.annotate("", xy=1.4 * v, xytext=(0, 0), arrowprops=dict(arrowstyle="-|>", color=ink(), lw=1.3, ls="--"))
            ax.text(
                *(1.55 * v),
                f"$\\lambda = {lam:g}$",
                ha="center",
                va="center",
                bbox=dict(boxstyle="round,pad=0.15", fc=paper(), ec="none"),
            )
        ax.set_title(name)
        ax.set(xlim=(-2, 2), ylim=(-2, 2), aspect="equal", xticks=[-2, 0, 2], yticks=[-2, 0, 2], xlabel=r"$\theta_1$")
    fig.axes[0].set_ylabel(r"$\theta_2$")
    return fig


if __name__ == "__main__":
    from gradbook.engine.cli import script_main

    script_main(__file__)
