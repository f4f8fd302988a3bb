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
# （本练习正在编写。）

# %%
import numpy as np

assert np.isfinite(1.0)
