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
# # 练习 6：高斯分布上的自然梯度
#
# 这一节配合第 6 章。任务是用正态分布 $\mathcal{N}(\mu, \sigma^2)$ 拟合一批数据，
# 比较普通梯度下降和自然梯度下降。你会亲手写出三样东西：
#
# 1. 得分函数和 Fisher 信息矩阵，并用抽样核对；
# 2. 自然梯度下降的更新循环；
# 3. 换成 $(\mu, \log\sigma)$ 参数后，再看两种方法的路径有没有变。
#
# 损失是平均负对数似然，gradbook 的 `GaussianFit` 已经给出它的值和梯度。

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

from gradbook.information import gaussian_fisher
from gradbook.models import GaussianFit
from gradbook.optimizers import gradient_descent, natural_gradient_descent

data = np.random.default_rng(1).normal(3.0, 0.2, size=500)
fit = GaussianFit(data)  # 参数 θ = (μ, σ)
star = fit.minimizer()
theta0 = np.array([0.0, 1.0])
print("最优参数：", star.round(4))

# %% [markdown]
# ## 任务 1：得分与 Fisher 矩阵
#
# 记 $z = (x - \mu)/\sigma$。补全 `scores`：对每个样本返回
# $$\bigl(\partial_\mu \log p,\ \partial_\sigma \log p\bigr) = \bigl(z/\sigma,\ (z^2 - 1)/\sigma\bigr),$$
# 形状为 $(n, 2)$。再补全 `fisher_by_hand`，返回正文手算出的 $\operatorname{diag}(1/\sigma^2,\ 2/\sigma^2)$。

# %%
def scores(x, mu, sigma):
    """Per-sample score of N(mu, sigma^2) with respect to (mu, sigma), shape (n, 2)."""
    # 你的代码写在这里
    return np.zeros((len(x), 2))


def fisher_by_hand(sigma):
    """The Fisher matrix of N(mu, sigma^2) in (mu, sigma)."""
    # 你的代码写在这里
    return np.eye(2)


# %% [markdown]
# 提示：Fisher 矩阵是得分外积的平均值，所以从 $\mathcal{N}(\mu, \sigma^2)$ 自己抽很多样本，
# 算 `s.T @ s / n`，应当接近 `fisher_by_hand(sigma)`。
#
# 先自己补全、运行一遍，再展开下面的“参考答案”对照。

# %% tags=["solution"] jupyter={"source_hidden": true, "outputs_hidden": true}
def scores(x, mu, sigma):
    """Per-sample score of N(mu, sigma^2) with respect to (mu, sigma), shape (n, 2)."""
    z = (np.asarray(x) - mu) / sigma
    return np.stack([z / sigma, (z**2 - 1) / sigma], axis=1)


def fisher_by_hand(sigma):
    """The Fisher matrix of N(mu, sigma^2) in (mu, sigma)."""
    return np.diag([1 / sigma**2, 2 / sigma**2])


samples = np.random.default_rng(2).normal(0.5, 0.8, size=200_000)
s = scores(samples, 0.5, 0.8)
empirical = s.T @ s / len(samples)
print("得分的平均值：", s.mean(axis=0).round(4))
print("经验 Fisher：\n", empirical.round(4))
print("手算 Fisher：\n", fisher_by_hand(0.8).round(4))  # 1/0.8² = 1.5625：保留 3 位小数会正好落在舍入的分界上

# %% [markdown]
# 得分的平均值接近 0，经验 Fisher 的对角元与手算的 $\operatorname{diag}(1.5625,\ 3.125)$ 相差不到百分之一，
# 非对角元也接近 0。
#
# ## 任务 2：自然梯度下降
#
# 补全 `my_natural_gd`：从 `theta` 出发，每一步算梯度 `fit.grad(theta)`，
# 解线性方程 $F\boldsymbol{d} = \nabla L$ 得到自然梯度 $\boldsymbol{d}$，再走 $\boldsymbol{\theta} \leftarrow \boldsymbol{\theta} - \eta\,\boldsymbol{d}$。
# 返回所有迭代点组成的数组（第 0 行是起点）。然后回答：要让参数离最优点不到 $10^{-3}$，
# 学习率为 1 的自然梯度要几步？梯度下降在学习率 0.002、0.005、0.01、0.02、0.03 中最好的一个要几步？
# （更大的学习率不必试：最优点处海森矩阵的最大特征值约为 60，学习率超过 $2/\lambda_{\max} \approx 0.033$
# 的梯度下降到了最优点附近会来回振荡，停不下来。）

# %%
def my_natural_gd(fit, theta, lr, steps):
    """Natural gradient descent on a GaussianFit in (mu, sigma); returns the iterates, shape (steps + 1, 2)."""
    path = [np.asarray(theta, dtype=float)]
    # 你的代码写在这里
    return np.array(path)


# %% [markdown]
# 提示：`np.linalg.solve(fisher_by_hand(theta[1]), g)` 就是 $F^{-1}\nabla L$。
#
# 先自己补全、运行一遍，再展开下面的“参考答案”对照。

# %% tags=["solution"] jupyter={"source_hidden": true, "outputs_hidden": true}
def my_natural_gd(fit, theta, lr, steps):
    """Natural gradient descent on a GaussianFit in (mu, sigma); returns the iterates, shape (steps + 1, 2)."""
    path = [np.asarray(theta, dtype=float)]
    for _ in range(steps):
        t = path[-1]
        d = np.linalg.solve(fisher_by_hand(t[1]), fit.grad(t))
        path.append(t - lr * d)
    return np.array(path)


def steps_to(path, target, tol=1e-3):
    hits = np.flatnonzero(np.linalg.norm(path - target, axis=1) <= tol)
    return int(hits[0]) if hits.size else None


mine = my_natural_gd(fit, theta0, 1.0, 40)
natural_steps = steps_to(mine, star)
lam_max = np.linalg.eigvalsh(fit.hessian(star)).max()
gd_paths = {lr: gradient_descent(fit, theta0, lr, 3000).iterates for lr in (0.002, 0.005, 0.01, 0.02, 0.03)}
gd_steps = {lr: steps_to(path, star) for lr, path in gd_paths.items()}
best_lr = min((lr for lr in gd_steps if gd_steps[lr] is not None), key=gd_steps.get)
print("自然梯度（η = 1）：", natural_steps, "步")
print(f"最优点处 2/λ_max = {2 / lam_max:.4f}")
print("梯度下降：", gd_steps, "；最好的是 η =", best_lr)

# %% [markdown]
# 自然梯度 8 步就到，梯度下降最好（$\eta = 0.03$）也要 181 步。原因在第 6 章说过：数据的 $\sigma \approx 0.18$ 很小，
# 最优点附近的曲率约为 $1/\sigma^2 \approx 30$ 与 $2/\sigma^2 \approx 60$，学习率因此不能超过 $2/60 \approx 0.033$；
# 而起点 $\sigma = 1$ 处的曲率小得多，这么小的学习率在那里走得很慢。一个固定的学习率没法同时照顾两头；
# 自然梯度按 $F^{-1} = \operatorname{diag}(\sigma^2, \sigma^2/2)$ 随时调整每个方向的步长。
#
# ## 任务 3：换成 $(\mu, \log\sigma)$
#
# 用 `GaussianFit(data, "log_sigma")` 和 `gaussian_fisher(sigma, "log_sigma")` 在新参数下各跑一次梯度下降
# 与自然梯度下降（学习率 0.01、300 步，起点是同一个分布：$\mu = 0$、$\log\sigma = 0$）。
# 把新参数的路径换回 $(\mu, \sigma)$，与原参数下同样设置的路径比较：两条路最远相差多少？

# %%
def to_mu_sigma(path_log):
    """Map iterates (mu, log sigma) back to (mu, sigma)."""
    # 你的代码写在这里
    return path_log


# %% [markdown]
# 提示：第一列原样保留，第二列取指数，因为 $\sigma = e^{\log\sigma}$。
#
# 先自己补全、运行一遍，再展开下面的“参考答案”对照。

# %% tags=["solution"] jupyter={"source_hidden": true, "outputs_hidden": true}
def to_mu_sigma(path_log):
    """Map iterates (mu, log sigma) back to (mu, sigma)."""
    return np.stack([path_log[:, 0], np.exp(path_log[:, 1])], axis=1)


fit_log = GaussianFit(data, "log_sigma")
lr, steps = 0.01, 300
theta0_log = np.array([theta0[0], np.log(theta0[1])])
runs = {
    "梯度下降": (gradient_descent(fit, theta0, lr, steps).iterates,
             to_mu_sigma(gradient_descent(fit_log, theta0_log, lr, steps).iterates)),
    "自然梯度": (natural_gradient_descent(fit, lambda t: gaussian_fisher(t[1]), theta0, lr, steps).iterates,
             to_mu_sigma(natural_gradient_descent(
                 fit_log, lambda t: gaussian_fisher(np.exp(t[1]), "log_sigma"), theta0_log, lr, steps).iterates)),
}
gaps = {name: float(np.linalg.norm(a - b, axis=1).max()) for name, (a, b) in runs.items()}
print({name: round(g, 4) for name, g in gaps.items()})

# %% [markdown]
# 梯度下降的两条路径最远相差约 0.48，自然梯度的只差千分之几：只要学习率够小，
# 自然梯度的路径不随参数的写法而变。最后一格把三个任务的结论一起核对。

# %%
assert np.allclose(s.mean(axis=0), 0.0, atol=0.01)
assert np.allclose(empirical, fisher_by_hand(0.8), rtol=0.01, atol=0.05)
assert np.allclose(fisher_by_hand(0.8), gaussian_fisher(0.8))
reference = natural_gradient_descent(fit, lambda t: gaussian_fisher(t[1]), theta0, 1.0, 40).iterates
assert np.allclose(mine, reference)
assert all(lr < 2 / lam_max for lr in gd_steps)                   # 只比较稳定的学习率
assert natural_steps == 8 and gd_steps[0.03] == 181 and best_lr == 0.03
assert np.all(np.linalg.norm(gd_paths[best_lr][gd_steps[best_lr]:] - star, axis=1) <= 1e-3)  # 进去了就不再出来
wild = gradient_descent(fit, theta0, 0.05, 3000).iterates           # 超过上限：经过最优点附近，却停不下来
assert np.linalg.norm(wild[-1] - star) > 1e-3
assert gd_steps[best_lr] > 10 * natural_steps
assert gaps["自然梯度"] < 0.01 < 0.3 < gaps["梯度下降"]
print("全部通过")
