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
# # 练习 3：两层网络的反向传播与梯度检验
#
# 这一节配合第 3 章。你要亲手写出一个两层网络的前向传播和反向传播，再用**梯度检验**
# （gradient check）确认每一个梯度都对。网络是
#
# $$
# A_1 = W_1 X + \boldsymbol{b}_1, \qquad H = \tanh(A_1), \qquad \hat Y = W_2 H + \boldsymbol{b}_2, \qquad
# L = \frac{1}{2n}\sum_{k=1}^{n} \lVert \hat{\boldsymbol{y}}^{(k)} - \boldsymbol{y}^{(k)} \rVert^2 ,
# $$
#
# 一个批次的 $n$ 个样本排成 $X$ 的各列。反向传播只用到第 3 章的三条规则：
#
# - 仿射层 $A = WX + \boldsymbol{b}$ 收到上游梯度 $G = \partial L/\partial A$ 后，$\nabla_W L = G X^\top$，
#   $\partial L/\partial \boldsymbol{b} = \sum_k \boldsymbol{g}^{(k)}$（对各列求和），并把 $W^\top G$ 交给前一层；
# - 逐元素的 $\tanh$ 层把梯度逐元素乘上 $1 - H^2$；
# - 损失对输出的梯度是 $(\hat Y - Y)/n$。

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

from gradbook.calculus import numerical_gradient
from gradbook.networks import MLP

rng = np.random.default_rng(3)
X = rng.normal(size=(2, 8))
Y = np.sin(X[:1] + 2 * X[1:])  # 一个光滑的目标
W1, b1 = rng.normal(0, 0.8, (4, 2)), rng.normal(0, 0.1, 4)
W2, b2 = rng.normal(0, 0.8, (1, 4)), rng.normal(0, 0.1, 1)
params = [W1, b1, W2, b2]


def loss(params, X, Y):
    W1, b1, W2, b2 = params
    H = np.tanh(W1 @ X + b1[:, None])
    Yhat = W2 @ H + b2[:, None]
    return 0.5 * np.sum((Yhat - Y) ** 2) / X.shape[1]


print(f"初始损失 {loss(params, X, Y):.4f}")


# %% [markdown]
# ## 任务 1：写出前向与反向
#
# 补全 `backprop`：先做前向，**把 $H$ 存下来**；再从 $(\hat Y - Y)/n$ 出发往回走，
# 依次得到 $\nabla_{W_2} L$、$\partial L/\partial \boldsymbol{b}_2$、$\nabla_{W_1} L$、$\partial L/\partial \boldsymbol{b}_1$。
# 返回的四个梯度要和对应参数同形。

# %%
def backprop(params, X, Y):
    W1, b1, W2, b2 = params
    # 你的代码写在这里
    return [np.zeros_like(p) for p in params]


# %% [markdown]
# 提示：$G_2 = (\hat Y - Y)/n$；$G_1 = (W_2^\top G_2) \odot (1 - H^2)$。
#
# 先自己补全、运行一遍，再展开下面的“参考答案”对照。

# %% tags=["solution"] jupyter={"source_hidden": true, "outputs_hidden": true}
def backprop(params, X, Y):
    W1, b1, W2, b2 = params
    n = X.shape[1]
    H = np.tanh(W1 @ X + b1[:, None])          # 前向：存下隐藏层
    Yhat = W2 @ H + b2[:, None]
    G2 = (Yhat - Y) / n                         # ∂L/∂Ŷ
    dW2, db2 = G2 @ H.T, G2.sum(axis=1)         # 第二个仿射层
    G1 = (W2.T @ G2) * (1 - H**2)               # 交给前一层，再穿过 tanh
    dW1, db1 = G1 @ X.T, G1.sum(axis=1)         # 第一个仿射层
    return [dW1, db1, dW2, db2]


grads = backprop(params, X, Y)
print([g.shape for g in grads])


# %% [markdown]
# ## 任务 2：梯度检验
#
# 对每一组参数，用中心差分求数值梯度，和 `backprop` 的结果比较。
# 常用的指标是**相对误差** $\lVert g - g_{\text{num}}\rVert / (\lVert g\rVert + \lVert g_{\text{num}}\rVert)$：
# 写对时它在 $10^{-8}$ 量级以下；哪怕一个符号写错，它也会跳到 $10^{-1}$ 附近。

# %%
def relative_error(a, b):
    return np.linalg.norm(a - b) / (np.linalg.norm(a) + np.linalg.norm(b))


errors = []
for i, name in enumerate(["W1", "b1", "W2", "b2"]):
    def loss_of(p, i=i):
        trial = list(params)
        trial[i] = p
        return loss(trial, X, Y)

    err = relative_error(grads[i], numerical_gradient(loss_of, params[i]))
    errors.append(err)
    print(f"{name}: 相对误差小于 1e-8：{err < 1e-8}")  # 误差的数字本身是舍入零头，随机器而变

# %% [markdown]
# 再和 gradbook 自带的 `MLP.backprop` 对照一次：两者用的是同一套公式，结果应当一致。
# 最后，用这些梯度走几百步梯度下降，损失应当明显下降。

# %%
reference = MLP([(W1, b1), (W2, b2)], activation="tanh").backprop(X, Y)
same_as_gradbook = all(np.allclose(g, r) for g, r in zip(grads, [reference.grads[0][0], reference.grads[0][1],
                                                                  reference.grads[1][0], reference.grads[1][1]]))
trained = [p.copy() for p in params]
for _ in range(500):
    trained = [p - 0.2 * g for p, g in zip(trained, backprop(trained, X, Y))]
print(f"与 gradbook 一致：{same_as_gradbook}；训练后损失 {loss(trained, X, Y):.4f}")

assert max(errors) < 1e-7, errors
assert same_as_gradbook
assert loss(trained, X, Y) < 0.5 * loss(params, X, Y)
print("全部通过")
