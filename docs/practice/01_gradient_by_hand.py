# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 练习 1：手算梯度，再用有限差分核对
#
# 这一节配合第 1 章。你要先在纸上推出几个函数的梯度，再写一个**中心差分**（central difference）函数，
# 用数值的办法核对手算结果。
#
# 中心差分用两侧的函数值来估计偏导数：
#
# $$
# \frac{\partial f}{\partial x_i}(\boldsymbol{x}) \approx
# \frac{f(\boldsymbol{x} + h\,\boldsymbol{e}_i) - f(\boldsymbol{x} - h\,\boldsymbol{e}_i)}{2h},
# $$
#
# 其中 $\boldsymbol{e}_i$ 是第 $i$ 个坐标方向的单位向量，$h$ 是一个小步长。
# 它的误差与 $h^2$ 成正比，比只看一侧的差分准得多。

# %%
# 在自己的电脑上运行时：没装 gradbook 就从本书网站装上与本页同一版本的 gradbook，已装好则什么也不做。
import importlib.util
import subprocess
import sys

if importlib.util.find_spec("gradbook") is None:
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "{{ gradbook_wheel_url }}"], check=True)
    importlib.invalidate_caches()

# %%
import numpy as np

# %% [markdown]
# ## 任务 1：写出中心差分
#
# 补全下面的函数：对每个坐标 $i$，把 $x_i$ 分别加、减 $h$，用上面的公式估计偏导数。

# %%
def numeric_grad(f, x, h=1e-5):
    """Central-difference gradient of a scalar function f at x."""
    x = np.asarray(x, dtype=float)
    g = np.zeros_like(x)
    # 你的代码写在这里
    return g


# %% [markdown]
# 提示：对每个坐标复制一份 `x`，只改动其中一个分量。
#
# 先自己补全、运行一遍，再展开下面的“参考答案”对照。

# %% tags=["solution"] jupyter={"source_hidden": true, "outputs_hidden": true}
def numeric_grad(f, x, h=1e-5):
    """Central-difference gradient of a scalar function f at x."""
    x = np.asarray(x, dtype=float)
    g = np.zeros_like(x)
    for i in range(x.size):
        step = np.zeros_like(x)
        step.flat[i] = h
        g.flat[i] = (f(x + step) - f(x - step)) / (2 * h)
    return g


# %% [markdown]
# ## 任务 2：三个函数，先手算，再核对
#
# 1. $f(x, y) = x^2 + y^2$，手算得 $\nabla f = (2x,\ 2y)$；
# 2. $g(\boldsymbol{x}) = \lVert \boldsymbol{x} \rVert^2$，手算得 $\nabla g = 2\boldsymbol{x}$；
# 3. 二次型 $q(\boldsymbol{x}) = \boldsymbol{x}^\top A \boldsymbol{x}$，手算得 $\nabla q = (A + A^\top)\boldsymbol{x}$。
#
# 在点 $(1, 1)$ 上，第一个函数的梯度是 $\begin{pmatrix} 2 \\ 2 \end{pmatrix}$。

# %%
rng = np.random.default_rng(0)
A = rng.normal(size=(3, 3))
cases = [
    (lambda v: v[0] ** 2 + v[1] ** 2, lambda v: np.array([2 * v[0], 2 * v[1]]), np.array([1.0, 1.0])),
    (lambda v: v @ v, lambda v: 2 * v, rng.normal(size=4)),
    (lambda v: v @ A @ v, lambda v: (A + A.T) @ v, rng.normal(size=3)),
]
for f, grad, x in cases:
    err = np.max(np.abs(numeric_grad(f, x) - grad(x)))
    print(f"点 {np.round(x, 3)}：最大误差小于 1e-8：{err < 1e-8}")
    assert err < 1e-6

# %% [markdown]
# 三个误差都远小于 $10^{-8}$：手算的公式是对的。误差本身只剩舍入的零头，它的各位数字换一台机器就会变，
# 所以这里只打印它是否低于界限。把某个公式故意写错（比如把 $2\boldsymbol{x}$ 写成
# $\boldsymbol{x}$），再运行一次，断言就会失败——这正是测试这本书里每个梯度公式的办法。

# %% [markdown]
# ## 任务 3：方向导数与高斯分布
#
# 第 1 章说，沿单位方向 $\boldsymbol{u}$ 的方向导数等于 $\nabla f \cdot \boldsymbol{u}$。
# 补全 `numeric_directional`：沿 $\boldsymbol{u}$ 前后各走 $h$，用中心差分估计坡度。
# 然后在碗 $x^2 + y^2$ 的点 $(1, 1)$ 上，找出 0°、5°、…、355° 中坡度最大的角度；
# 再在 $\boldsymbol{\mu} = (0, 0)$、$\Sigma = \mathrm{diag}(4, 1)$ 的高斯分布上，
# 用 `numeric_grad` 核对
# $$\nabla \log p(2, 1) = -\Sigma^{-1}(\boldsymbol{x} - \boldsymbol{\mu}) = (-0.5, -1).$$

# %%
def numeric_directional(f, x, u, h=1e-5):
    """Central-difference slope of f at x along the unit vector u."""
    # 你的代码写在这里
    return 0.0


# %% [markdown]
# 提示：先把 $\boldsymbol{u}$ 化成单位向量；中心差分的分母是 $2h$，不是 $h$。
#
# 先自己补全、运行一遍，再展开下面的“参考答案”对照。

# %% tags=["solution"] jupyter={"source_hidden": true, "outputs_hidden": true}
def numeric_directional(f, x, u, h=1e-5):
    """Central-difference slope of f at x along the unit vector u."""
    u = np.asarray(u, dtype=float) / np.linalg.norm(u)
    return (f(x + h * u) - f(x - h * u)) / (2 * h)


def bowl(v):
    return v[0] ** 2 + v[1] ** 2


p = np.array([1.0, 1.0])
angles = np.arange(0, 360, 5)
slopes = [numeric_directional(bowl, p, [np.cos(np.radians(a)), np.sin(np.radians(a))]) for a in angles]
best = int(angles[int(np.argmax(slopes))])
print(f"坡度最大的方向：{best}°，坡度 {max(slopes):.4f}（梯度长度 2√2 ≈ {2 * np.sqrt(2):.4f}）")

mu = np.zeros(2)
cov = np.diag([4.0, 1.0])


def log_density(v):
    d = v - mu
    return -0.5 * d @ np.linalg.solve(cov, d) - 0.5 * np.log(np.linalg.det(2 * np.pi * cov))


x = np.array([2.0, 1.0])
score = numeric_grad(log_density, x)
print("数值梯度：", score.round(6), "  公式：", -np.linalg.solve(cov, x - mu))

# %% [markdown]
# 坡度最大的方向是 45°，正是梯度 $(2, 2)$ 的方向，最大坡度就是梯度的长度。高斯分布的梯度是 $(-0.5, -1)$，
# 并不正对着均值 $(0, 0)$：窄的方向被精度矩阵放大了。最后一格把三个任务的结论一起核对一遍。

# %%
assert np.allclose(numeric_grad(cases[0][0], np.array([1.0, 1.0])), [2.0, 2.0], atol=1e-8)
assert best == 45 and abs(max(slopes) - 2 * np.sqrt(2)) < 1e-8
assert np.allclose(score, [-0.5, -1.0], atol=1e-8)
print("全部通过")
