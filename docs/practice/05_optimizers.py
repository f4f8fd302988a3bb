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
# # 练习 5：优化器的赛跑
#
# 这一节配合第 5 章。你要亲手写出 Adam 的一步和 BFGS 的一次更新，用 gradbook 的实现核对，
# 再让梯度下降、动量、Adam 和 BFGS 在第 2 章未缩放的房价山谷里比一比谁先到谷底。
#
# Adam 的一步（逐个坐标）：
#
# $$
# \boldsymbol{m} \leftarrow \beta_1\boldsymbol{m} + (1 - \beta_1)\boldsymbol{g}, \quad
# \boldsymbol{v} \leftarrow \beta_2\boldsymbol{v} + (1 - \beta_2)\boldsymbol{g}^2, \quad
# \boldsymbol{\theta} \leftarrow \boldsymbol{\theta} - \eta\,\frac{\boldsymbol{m}/(1 - \beta_1^k)}{\sqrt{\boldsymbol{v}/(1 - \beta_2^k)} + \epsilon}.
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

from gradbook.adaptive import adam
from gradbook.landscapes import elongated
from gradbook.models import LinearMSE, house_data
from gradbook.optimizers import gradient_descent, momentum
from gradbook.quasi_newton import bfgs, bfgs_update

Q = elongated((10.0, 1.0), angle=0.5)  # 一个斜放的窄谷
START = np.array([1.0, 1.0])

# %% [markdown]
# ## 任务 1：Adam 的一步
#
# 补全 `adam_step`：给定当前参数、梯度、两个滑动平均和步数 $k$（从 1 数起），返回新的 `(theta, m, v)`。

# %%
def adam_step(theta, g, m, v, k, lr=0.1, beta1=0.9, beta2=0.999, eps=1e-8):
    """One Adam step with bias correction; k counts from 1."""
    # 你的代码写在这里
    return theta, m, v


# %% [markdown]
# 提示：先更新 `m` 和 `v`，再分别除以 `1 - beta1**k` 和 `1 - beta2**k`，最后走一步。
#
# 先自己补全、运行一遍，再展开下面的答案对照。

# %% tags=["solution"] jupyter={"source_hidden": true, "outputs_hidden": true}
def adam_step(theta, g, m, v, k, lr=0.1, beta1=0.9, beta2=0.999, eps=1e-8):
    """One Adam step with bias correction; k counts from 1."""
    m = beta1 * m + (1 - beta1) * g
    v = beta2 * v + (1 - beta2) * g * g
    m_hat, v_hat = m / (1 - beta1**k), v / (1 - beta2**k)
    return theta - lr * m_hat / (np.sqrt(v_hat) + eps), m, v


theta, m, v, path = START.copy(), np.zeros(2), np.zeros(2), [START]
for k in range(1, 101):
    theta, m, v = adam_step(theta, Q.grad(theta), m, v, k)
    path.append(theta)
gap = np.abs(np.array(path) - adam(Q, START, 0.1, 100).iterates).max()
print(f"与 gradbook 的 adam 相差 {gap:.1e}")

# %% [markdown]
# ## 任务 2：BFGS 的一次更新
#
# 补全 `bfgs_by_hand`，按
#
# $$
# H^+ = (I - \rho\,\boldsymbol{s}\boldsymbol{y}^\top)\, H\, (I - \rho\,\boldsymbol{y}\boldsymbol{s}^\top) + \rho\,\boldsymbol{s}\boldsymbol{s}^\top,
# \qquad \rho = \frac{1}{\boldsymbol{y}^\top\boldsymbol{s}}
# $$
#
# 计算，并检查割线条件 $H^+\boldsymbol{y} = \boldsymbol{s}$。

# %%
def bfgs_by_hand(H, s, y):
    """The BFGS update of an inverse-Hessian estimate H from the step s and the gradient change y."""
    # 你的代码写在这里
    return H


# %% tags=["solution"] jupyter={"source_hidden": true, "outputs_hidden": true}
def bfgs_by_hand(H, s, y):
    """The BFGS update of an inverse-Hessian estimate H from the step s and the gradient change y."""
    rho = 1.0 / (y @ s)
    left = np.eye(len(s)) - rho * np.outer(s, y)
    return left @ H @ left.T + rho * np.outer(s, s)


s = np.array([0.3, -0.2])
y = Q.matrix @ s  # 二次函数上梯度之差恰好是 A s
H1 = bfgs_by_hand(np.eye(2), s, y)
print("H⁺y =", H1 @ y, " s =", s)

# %% [markdown]
# ## 任务 3：房价山谷里的赛跑
#
# 第 2 章的山谷条件数约 35 万。让四种方法从 $(0, 0)$ 出发，数一数各用多少步把离最小值的距离缩小到 $\lVert\boldsymbol{\theta}^*\rVert$ 的千分之一。
# 梯度下降和动量取第 5 章给出的最好参数，Adam 取学习率 3，BFGS 用精确线搜索。

# %%
model = LinearMSE(*house_data())
best = model.minimizer()
low, high = np.linalg.eigvalsh(model.hessian(best))
r = np.sqrt(high / low)
tol = 1e-3 * np.linalg.norm(best)
runs = {
    "梯度下降": gradient_descent(model, [0.0, 0.0], 2 / (high + low), 5000),
    "动量": momentum(model, [0.0, 0.0], 4 / (np.sqrt(high) + np.sqrt(low)) ** 2, 5000, ((r - 1) / (r + 1)) ** 2),
    "Adam": adam(model, [0.0, 0.0], 3.0, 5000),
    "BFGS": bfgs(model, [0.0, 0.0], 5, line_search="exact"),
}
steps = {name: run.steps_to_reach(best, tol) for name, run in runs.items()}
for name, n in steps.items():
    print(f"{name:6s}: {'5000 步内没到' if n is None else f'{n} 步'}")

# %% [markdown]
# 最后的检查：你的 Adam 与 gradbook 的逐位一致，你的 BFGS 更新满足割线条件、与 gradbook 的相同；
# 梯度下降 5000 步都到不了，动量和 Adam 要上千步，BFGS 两步。

# %%
assert gap < 1e-12, gap
assert np.allclose(H1 @ y, s) and np.allclose(H1, bfgs_update(np.eye(2), s, y))
assert steps["梯度下降"] is None
assert 1000 < steps["Adam"] < 5000 and 1000 < steps["动量"] < 5000
assert steps["BFGS"] == 2
print("全部通过")
