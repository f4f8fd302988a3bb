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
# # 练习 2：房价模型的梯度下降与特征缩放
#
# 这一节配合第 2 章。你要亲手写出均方误差的梯度，用梯度下降拟合 $\hat{y} = w x + b$，
# 亲眼看到原始面积（平方米）上的训练卡在半路；然后把面积标准化，再跑一遍，比较两者要走多少步。
#
# 损失是
#
# $$
# L(w, b) = \frac{1}{n}\sum_{i=1}^{n}\bigl(w x_i + b - y_i\bigr)^2 ,
# $$
#
# 按链式法则，梯度是“误差信号 × 输入强度”的平均：
#
# $$
# \frac{\partial L}{\partial w} = \frac{2}{n}\sum_i (\hat{y}_i - y_i)\,x_i, \qquad
# \frac{\partial L}{\partial b} = \frac{2}{n}\sum_i (\hat{y}_i - y_i).
# $$

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

from gradbook.models import LinearMSE, house_data, standardize

x, y = house_data()          # 50 套房子：面积（平方米）与价格（万元）
print(f"面积平均 {x.mean():.1f} m²，价格平均 {y.mean():.1f} 万元")

# %% [markdown]
# ## 任务 1：写出梯度和梯度下降
#
# 补全 `grad`（返回 $(\partial L/\partial w,\ \partial L/\partial b)$）和 `descend`
# （从 `theta0` 出发，按 $\boldsymbol{\theta} \leftarrow \boldsymbol{\theta} - \eta\,\nabla L$ 走 `steps` 步，
# 返回每一步的参数组成的数组，第一行是起点）。

# %%
def grad(theta, x, y):
    """(∂L/∂w, ∂L/∂b) of the mean squared error of ŷ = w x + b."""
    # 你的代码写在这里
    return np.zeros(2)


def descend(theta0, x, y, lr, steps):
    """Gradient descent; row k of the result is θ_k."""
    # 你的代码写在这里
    return np.array([theta0])


# %% [markdown]
# 提示：先算出残差 `r = w * x + b - y`，两个偏导数都是它的加权平均。
#
# 先自己补全、运行一遍，再展开下面的“参考答案”对照。

# %% tags=["solution"] jupyter={"source_hidden": true, "outputs_hidden": true}
def grad(theta, x, y):
    """(∂L/∂w, ∂L/∂b) of the mean squared error of ŷ = w x + b."""
    w, b = theta
    r = w * x + b - y                      # 误差信号 ŷ − y
    return np.array([2 * np.mean(r * x), 2 * np.mean(r)])


def descend(theta0, x, y, lr, steps):
    """Gradient descent; row k of the result is θ_k."""
    path = [np.asarray(theta0, dtype=float)]
    for _ in range(steps):
        path.append(path[-1] - lr * grad(path[-1], x, y))
    return np.array(path)


# 与 gradbook 的解析梯度核对
model = LinearMSE(x, y)
assert np.allclose(grad([1.3, 40.0], x, y), model.grad(np.array([1.3, 40.0])))

# %% [markdown]
# ## 任务 2：在原始面积上训练
#
# 海森矩阵的最大特征值给出学习率的上限 $2/\lambda_{\max}$。取略小于上限的学习率，走 2000 步，
# 看看 $w$、$b$ 和损失停在哪里，与最小二乘的答案 `model.minimizer()` 比一比。

# %%
lam = np.linalg.eigvalsh(model.hessian(np.zeros(2)))
print(f"特征值 {lam.round(4)}，条件数 {lam[1] / lam[0]:.0f}，上限 2/λ_max = {2 / lam[1]:.3e}")

raw = descend([0.0, 0.0], x, y, lr=9e-5, steps=2000)
best = model.minimizer()
print(f"2000 步后 (w, b) = {raw[-1].round(3)}，最优 (w*, b*) = {best.round(3)}")
print(f"损失 {model.value(raw[-1]):.1f}，最小损失 {model.value(best):.1f}")

# %% [markdown]
# $w$ 早就到了最优值附近（甚至越过了一点），$b$ 却几乎没动：损失卡在一个平台上。
# 再试试把学习率调到上限之上，比如 `lr=1e-4`，看看会发生什么。

# %%
blown = descend([0.0, 0.0], x, y, lr=1e-4, steps=200)
print(f"lr = 1e-4，200 步后损失 {model.value(blown[-1]):.3e}")

# %% [markdown]
# ## 任务 3：标准化，再训练一次
#
# 用 $z = (x - \bar{x})/s$ 代替面积，拟合 $\hat{y} = w_z z + b_z$。海森矩阵变成 $2I$，上限是 1。
# 数一数要多少步才能让参数离最优值不到 0.01，再把 $(w_z, b_z)$ 换回原单位：
# $w = w_z / s$，$b = b_z - w\,\bar{x}$。

# %%
z, mean, std = standardize(x)
scaled = LinearMSE(z, y)
print("标准化后的特征值：", np.linalg.eigvalsh(scaled.hessian(np.zeros(2))))


def steps_to(path, target, tol=0.01):
    """The first step whose parameters are within tol of target (None if never)."""
    close = np.flatnonzero(np.linalg.norm(path - target, axis=1) <= tol)
    return int(close[0]) if close.size else None


for lr in (0.1, 0.25, 0.5):
    path = descend([0.0, 0.0], z, y, lr=lr, steps=200)
    print(f"lr = {lr}: {steps_to(path, scaled.minimizer())} 步进入 0.01 以内")

fast = descend([0.0, 0.0], z, y, lr=0.5, steps=1)
w_back = fast[-1][0] / std
b_back = fast[-1][1] - w_back * mean
print(f"一步之后换回原单位：w = {w_back:.4f}，b = {b_back:.4f}")

# %% [markdown]
# 原始面积上 2000 步还没走到，标准化之后学习率取 0.5 一步就到：同一个模型，同一组数据，只是换了坐标。
# 最后一格检查这些结论。

# %%
assert abs(raw[-1][1] - best[1]) > 0.9 * abs(best[1])            # 原始尺度：b 还差得远
assert model.value(raw[-1]) > 1.1 * model.value(best)             # 损失卡在平台上
assert model.value(blown[-1]) > 1e6 * model.value([0.0, 0.0])     # 超过 2/λ_max：发散
assert steps_to(descend([0.0, 0.0], z, y, 0.5, 5), scaled.minimizer()) == 1
assert np.allclose([w_back, b_back], best, rtol=1e-9)             # 换回原单位就是最小二乘解
print("全部通过")
