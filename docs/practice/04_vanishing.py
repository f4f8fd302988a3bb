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
# # 练习 4：深层网络里消失的梯度
#
# 这一节配合第 4 章。你要亲手看着梯度在一个深的 sigmoid 网络里一层层变小，
# 再换上 ReLU 和 He 初始化，让它恢复过来。
#
# 回忆反向传播的递推：每往输入方向退一层，梯度都要乘上激活函数的斜率 $f'(\boldsymbol{a}_l)$ 和权重矩阵的转置 $W_l^\top$：
#
# $$
# \frac{\partial L}{\partial \boldsymbol{h}_{l-1}} = W_l^\top \Bigl( f'(\boldsymbol{a}_l) \odot \frac{\partial L}{\partial \boldsymbol{h}_l} \Bigr).
# $$
#
# sigmoid 的斜率不超过 $1/4$，所以我们预计每层大约缩小到四分之一。

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

from gradbook.networks import MLP

rng = np.random.default_rng(0)
WIDTH, DEPTH = 32, 12
X = rng.normal(size=(WIDTH, 64))  # 64 个样本，每列一个
Y = rng.normal(size=(1, 64))
SIZES = [WIDTH] * DEPTH + [1]  # DEPTH 个权重矩阵

# %% [markdown]
# ## 任务 1：每层权重梯度的范数
#
# `MLP.create(SIZES, activation, init, seed=0)` 建一个网络，`net.backprop(X, Y)` 做一次前向和反向，
# 返回值的 `layer_grad_norms` 是每层 $\|\nabla_{W_l} L\|$（从输入一侧数起）。
# 补全下面的函数，让它返回“输入层梯度 ÷ 输出层梯度”这个比值：比值越小，消失得越厉害。

# %%
def first_to_last_ratio(activation, init):
    """‖∇W_1 L‖ / ‖∇W_DEPTH L‖ for a fresh network (seed 0) on the batch X, Y."""
    # 你的代码写在这里
    return np.nan


# %% [markdown]
# 提示：先建网络，再取 `norms = net.backprop(X, Y).layer_grad_norms`，比值是 `norms[0] / norms[-1]`。
#
# 先自己补全、运行一遍，再展开下面的“参考答案”对照。

# %% tags=["solution"] jupyter={"source_hidden": true, "outputs_hidden": true}
def first_to_last_ratio(activation, init):
    """‖∇W_1 L‖ / ‖∇W_DEPTH L‖ for a fresh network (seed 0) on the batch X, Y."""
    norms = MLP.create(SIZES, activation, init, seed=0).backprop(X, Y).layer_grad_norms
    return norms[0] / norms[-1]


for activation, init in [("sigmoid", "xavier"), ("tanh", "xavier"), ("relu", "he")]:
    print(f"{activation:8s} + {init:7s}: 输入层 / 输出层 = {first_to_last_ratio(activation, init):.2e}")

# %% [markdown]
# ## 任务 2：和 $0.25^{L}$ 比一比
#
# 用 sigmoid + Xavier 时，把比值和“每层乘 1/4”的粗略估计 $0.25^{\text{DEPTH}-1}$ 放在一起看：它们应当在同一个数量级附近。
# ReLU 的斜率在正半轴是 1，He 初始化又让每层信号的方差保持不变，所以比值应当接近 1。

# %%
estimate = 0.25 ** (DEPTH - 1)
sig = first_to_last_ratio("sigmoid", "xavier")
relu = first_to_last_ratio("relu", "he")
print(f"sigmoid 实测 {sig:.1e}，粗略估计 {estimate:.1e}；ReLU + He 实测 {relu:.2f}")

# %% [markdown]
# 最后的检查：sigmoid 网络的输入层梯度比输出层小了至少四个数量级，而且与 $0.25^{\text{DEPTH}-1}$ 相差不到 100 倍；
# 换成 ReLU + He 后，比值回到 0.1 到 10 之间。

# %%
assert sig < 1e-4, sig
assert estimate / 100 < sig < estimate * 100, (sig, estimate)
assert 0.1 < relu < 10, relu
print("全部通过")
