"""One rule for a figure's numbers: they live in its script's ``data(**params)``, which takes exactly
``make``'s parameters and defaults, and ``make`` draws from it. Tests, ALT texts and explorable figures read
them with ``gradbook.engine.render.data(name, **params)``; nothing recomputes them.

Here: every script follows the rule, and every number its ALT quotes is one of its data's numbers."""

from __future__ import annotations

import ast
import dataclasses
import re

import numpy as np
import pytest

from gradbook.engine import style
from gradbook.engine.registry import figure_names, find_figure
from gradbook.engine.render import data as figure_data
from gradbook.engine.variant import Variant
from tests.chapters import ROOT

FIGURES = ROOT / "figures"
NAMES = figure_names(FIGURES)


def _functions(name: str) -> dict[str, ast.FunctionDef]:
    tree = ast.parse((FIGURES / f"{name}.py").read_text(encoding="utf-8"))
    return {node.name: node for node in tree.body if isinstance(node, ast.FunctionDef)}


@pytest.mark.parametrize("name", NAMES)
def test_data_takes_makes_parameters_and_make_draws_from_it(name):
    fns = _functions(name)
    assert "data" in fns, f"figures/{name}.py has no data()"
    make, data = fns["make"], fns["data"]
    assert ast.dump(data.args) == ast.dump(make.args), f"{name}: data() and make() take different parameters"
    first = make.body[1] if ast.get_docstring(make) else make.body[0]
    params = [a.arg for a in make.args.args + make.args.kwonlyargs]
    assert isinstance(first, ast.Assign) and ast.unparse(first.targets[0]) == "d", f"{name}: make() starts d = data(…)"
    call = first.value
    assert isinstance(call, ast.Call) and ast.unparse(call.func) == "data", f"{name}: make() starts d = data(…)"
    passed = [ast.unparse(a) for a in call.args] + [f"{k.arg}={ast.unparse(k.value)}" for k in call.keywords]
    assert passed == params or passed == [f"{p}={p}" for p in params], f"{name}: make() passes data() all it takes"
    d = figure_data(name)  # the engine's own check of the signature passes too
    assert isinstance(d, dict)
    # A request's four drawings, readout and ALT share one data() call (gradbook/engine/batch.py):
    # so data() must not read the drawing it is for (on_phone(), the scheme's colours).
    with style.variant(Variant("phone", "dark")):
        phone_dark = figure_data(name)
    assert not (diff := _differences(d, phone_dark)), f"{name}: data() differs on a phone in dark at {diff}"


def _differences(a, b, at: str = "d") -> list[str]:
    """Where two data() results differ: arrays bit for bit, functions by name, the rest by value."""
    if type(a) is not type(b):
        return [f"{at}: {type(a).__name__} / {type(b).__name__}"]
    if isinstance(a, np.ndarray):
        same = a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes()
        return [] if same else [at]
    if isinstance(a, dict):
        if list(a) != list(b):
            return [f"{at}: keys {list(a)} / {list(b)}"]
        return [x for k in a for x in _differences(a[k], b[k], f"{at}[{k!r}]")]
    if isinstance(a, list | tuple):
        if len(a) != len(b):
            return [f"{at}: {len(a)} / {len(b)} items"]
        return [x for i, (p, q) in enumerate(zip(a, b)) for x in _differences(p, q, f"{at}[{i}]")]
    if dataclasses.is_dataclass(a):
        return _differences(dataclasses.asdict(a), dataclasses.asdict(b), at)
    if callable(a):
        return [] if a.__qualname__ == b.__qualname__ else [at]
    if isinstance(a, float) and np.isnan(a):
        return [] if np.isnan(b) else [at]
    return [] if a == b else [at]


# --- ALT ----------------------------------------------------------------------------------------------------

# A number an ALT quotes is either a value in the figure's data (or a parameter), printed as the ALT
# prints it, or it is listed here: a bound, an order of magnitude, a count or a direction, with the check
# of the figure's data that makes it true, or ``None`` for a fact of the drawing (an axis range, a line
# drawn at a constant), with why.
NOT_A_VALUE = {
    "clipping_exploding": {
        "7": lambda d: d["plain_distance"][1] > 7,  # 第 1 步跳到 7 以上
        "10⁻¹⁵": lambda d: d["clipped_distance"][-1] < 1e-15,  # 降到 10⁻¹⁵ 以下
    },
    "eigen_gradient_descent": {
        "45": lambda d: _degrees(d["eigenvectors"][:, 1]) == pytest.approx(45),  # 沿 45 度方向拉长
    },
    "float16_underflow": {
        "15": lambda d: int(np.flatnonzero(d["float16"].grad_norms == 0)[0]) == 15,  # 在第 15 步跌到底边
        "2⁻¹⁴": None,  # a line drawn at float16's smallest normal number (tests/test_ch04.py checks the value)
        "2⁻²⁴": None,  # a line drawn at float16's smallest subnormal number (likewise)
    },
    "house_valley_optimizers": {
        "10⁻¹²": lambda d: d["distance"]["bfgs"][2] < 1e-12 and d["distance"]["newton"][1] < 1e-12,  # 落到 10⁻¹² 以下
        "10⁶": lambda d: d["n"][-1] == 1e6,  # n 从 10 到 10⁶
        "10¹⁷": lambda d: d["work"]["newton"][-1] > 1e17,  # 超过 10¹⁷
    },
    "hvp_newton_cg": {
        "10⁻²⁰": lambda d: d["newton"].losses[5] < 1e-20,  # 五步内降到 10⁻²⁰ 以下
    },
    "layer_grad_norms": {
        "10⁻⁶": lambda d: 1e-6 / 3 < d["sigmoid", "xavier"][0] < 3e-6,  # 输入层约 10⁻⁶
        "10¹¹": lambda d: all(1e11 / 3 < v < 3e11 * 3 for v in d["relu", "naive"]),  # 整体停在 10¹¹ 附近
    },
    "minibatch_paths": {
        "32": None,  # the batch size the script draws, named in its legend
    },
    "minibatch_variance": {
        "10⁻²": lambda d: 1e-3 < np.median(d["gaps"][1][len(d["gaps"][1]) // 2 :]) < 1e-1,  # 停在 10⁻² 附近
        "10⁻⁴": lambda d: 1e-5 < d["gaps"][32][-1] < 1e-3,  # 最后降到 10⁻⁴ 附近
    },
    "natural_vs_euclidean": {
        "45": lambda d: _degrees(d["natural"]) == pytest.approx(45),  # 自然梯度箭头沿 45° 斜线
    },
    "normalization_profile": {
        "10⁻⁶": lambda d: 1e-6 / 3 < d["sigmoid", "xavier"][None][0] < 3e-6,  # 不归一化的线降到 10⁻⁶ 附近
        "10¹¹": lambda d: all(1e11 < v < 1e12 for v in d["relu", "naive"][None]),  # 整体停在 10¹¹ 附近
        "10⁰": lambda d: all(0.3 < v < 10 for k in ("batch", "layer") for v in d["relu", "naive"][k]),  # 落在 10⁰ 附近
    },
    "quadratic_definiteness": {
        "−2": None,  # the axes' range
        "45": lambda d: all(sorted(round(_degrees(v)) for v in m["eigenvectors"].T) == [-45, 45] for m in d.values()),
        "−45": lambda d: all(sorted(round(_degrees(v)) for v in m["eigenvectors"].T) == [-45, 45] for m in d.values()),
    },
    "saddle_escape": {
        "10⁻⁶": lambda d: 1e-6 < d["distance"]["plain"][-1] < 3e-6,  # 无噪声的曲线一路降到约 10⁻⁶
    },
    "sigmoid_saturation": {
        "0.01": lambda d: np.all(d["slope"][d["z"] > d["edge"]] < 0.01),  # 灰色区域里导数小于 0.01 (σ' is even)
    },
    "taylor_first_order": {  # the error at δ = 0.1 and the slopes are pinned in tests/test_appendix_math.py
        "0.2": None,
        "1.8": None,  # the x range of the left panel
        "1.5": None,  # x0 + delta, where the error is marked
        "2": None,
        "3": None,
        "0.1": None,
        "0.031": None,
    },
}

_POWER = re.compile(r"(\d+)([⁻⁰¹²³⁴⁵⁶⁷⁸⁹]+)")
_TOKEN = re.compile(r"(?<![\w.])[-−]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:[⁻⁰¹²³⁴⁵⁶⁷⁸⁹]+)?(?![\w])")


def _degrees(v) -> float:
    return float(np.degrees(np.arctan2(v[1], v[0])))


def numbers(value, out: list[float]) -> list[float]:
    """The numbers an ALT may quote from ``value``: every scalar and every entry of a small array; of a
    larger one (a curve, a path, a grid) its two ends and its extremes."""
    if isinstance(value, dict):
        for v in value.values():
            numbers(v, out)
    elif isinstance(value, list | tuple):
        for v in value:
            numbers(v, out)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            numbers(getattr(value, f.name), out)
    elif isinstance(value, np.ndarray) and value.dtype.kind in "fiu" and value.size:
        a = value.astype(float)
        if a.size <= 16:
            out.extend(a.ravel().tolist())
        else:
            finite = a[np.isfinite(a)]
            out.extend(np.ravel(a[0]).tolist() + np.ravel(a[-1]).tolist())
            out.extend([float(finite.min()), float(finite.max())] if finite.size else [])
    elif isinstance(value, int | float | np.number) and not isinstance(value, bool):
        out.append(float(value))
    return out


def _spelled(token: str) -> float | None:
    """The value an ALT token spells: "−2.83" → -2.83, "6,250,000" → 6250000, "2⁻¹⁵" → 2**-15; None for a
    power of ten, which an ALT uses for an order of magnitude."""
    if m := _POWER.fullmatch(token):
        base, exponent = int(m[1]), int(m[2].translate(str.maketrans("⁻⁰¹²³⁴⁵⁶⁷⁸⁹", "-0123456789")))
        return None if base == 10 else float(base) ** exponent
    return float(token.replace("−", "-").replace(",", ""))


def _quotes(token: str, values: list[float]) -> bool:
    spelled = _spelled(token)
    if spelled is None:
        return False
    if _POWER.fullmatch(token):
        return any(v == pytest.approx(spelled, rel=1e-12) for v in values)
    plain = token.replace("−", "-").replace(",", "")
    decimals = len(plain.split(".")[1]) if "." in plain else 0
    return any(_printed(v, decimals) == plain for v in values)


def _printed(v: float, decimals: int) -> str:
    text = f"{v:.{decimals}f}"
    return text.lstrip("-") if float(text) == 0 else text  # a tiny negative value prints as 0, not −0


@pytest.mark.parametrize("name", NAMES)
def test_every_number_an_alt_quotes_is_the_figures(name):
    spec = find_figure(name, FIGURES)
    d = figure_data(name)
    values = numbers(d, []) + numbers(list(spec.defaults().values()), [])
    listed = NOT_A_VALUE.get(name, {})
    tokens = [m[0] for m in _TOKEN.finditer(spec.alt)]
    for token in tokens:
        if _quotes(token, values):
            continue
        assert token in listed, f"{name}: the ALT says {token}, which is not a number in data() (nor a parameter)"
        check = listed[token]
        assert check is None or check(d), f"{name}: the ALT says {token}, but the figure's data say otherwise"
    stale = set(listed) - set(tokens)
    assert not stale, f"{name}: NOT_A_VALUE lists {stale}, which the ALT no longer says"


def test_the_alt_check_reads_numbers_as_printed():
    assert _quotes("2.83", [2.8284]) and not _quotes("2.83", [2.8249])
    assert _quotes("−0.8", [-0.8]) and _quotes("6,250,000", [6250000.0]) and _quotes("2⁻¹⁵", [2.0**-15])
    assert not _quotes("10⁻²⁰", [1e-20])  # an order of magnitude is never a value: it needs its own check
    assert [m[0] for m in _TOKEN.finditer("x1 从 -4 到 4，(1, 1)，n²，2n，共 6,250,000 次，10⁻¹⁵ 以下")] == [
        "-4",
        "4",
        "1",
        "1",
        "6,250,000",
        "10⁻¹⁵",
    ]
    assert numbers({"a": np.arange(100.0), "b": [1, (2.5,)]}, []) == [0.0, 99.0, 0.0, 99.0, 1.0, 2.5]
