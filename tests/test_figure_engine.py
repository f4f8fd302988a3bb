"""The figure engine: canonical requests, cache keys, hits, invalidation, atomic and checksummed entries."""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import shutil
import subprocess
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest

from gradbook.engine import deps, style
from gradbook.engine.deps import figure_key, module_deps
from gradbook.engine.pool import FigureEngine, RenderFailed
from gradbook.engine.registry import FigureError, find_figure, resolve_params
from gradbook.engine.request import Request, resolve
from gradbook.engine.store import Store, key

SCRIPT = '''\
"""测试用的小图：一条直线。"""
from matplotlib.figure import Figure

ALT = "一条斜率为 k 的直线。"


def make(k: float = 1.0, label: str = "直线", points: int = 5) -> Figure:
    fig = Figure(figsize=(2, 2))
    ax = fig.add_subplot()
    xs = list(range(points))
    ax.plot(xs, [k * x for x in xs], label=label)
    ax.legend()
    return fig
'''


def make_request(name: str, params: dict | None = None, fmt: str = "svg") -> Request:
    return Request(name, tuple(sorted((params or {}).items())), fmt)


@pytest.fixture
def figures(tmp_path) -> Path:
    d = tmp_path / "figures"
    d.mkdir()
    (d / "line.py").write_text(SCRIPT, encoding="utf-8")
    return d


@pytest.fixture
def engine(figures, tmp_path) -> FigureEngine:
    return FigureEngine(figures, tmp_path / "cache", workers=2)


def test_cache_hit_does_not_render(engine):
    req = make_request("line")
    first = engine.ensure([req])[req]
    assert engine.stats.rendered == ["line.svg"]
    again = FigureEngine(engine.figures_dir, engine.store.root)
    assert again.ensure([req])[req] == first
    assert again.stats.rendered == [] and again.stats.hits == 1


def test_two_cold_renders_give_identical_bytes(figures, tmp_path):
    req_svg, req_png = make_request("line"), make_request("line", fmt="png")
    a = FigureEngine(figures, tmp_path / "a").ensure([req_svg, req_png])
    b = FigureEngine(figures, tmp_path / "b").ensure([req_svg, req_png])
    assert a == b
    assert a[req_svg].startswith(b"<?xml") and a[req_png].startswith(b"\x89PNG")
    assert b"<text" not in a[req_svg], "text must be outlines (svg.fonttype='path')"


def test_key_changes_with_script_param_format(figures, engine):
    spec = find_figure("line", figures)
    base = figure_key(spec, make_request("line"))
    assert figure_key(spec, make_request("line", {"k": 2.0})) != base
    assert figure_key(spec, make_request("line", fmt="png")) != base
    (figures / "line.py").write_text(SCRIPT.replace("figsize=(2, 2)", "figsize=(3, 2)"), encoding="utf-8")
    assert figure_key(find_figure("line", figures), make_request("line")) != base


def test_editing_the_script_rerenders_it(figures, engine):
    req = make_request("line")
    old = engine.ensure([req])[req]
    (figures / "line.py").write_text(SCRIPT.replace("k * x", "k * x * x"), encoding="utf-8")
    engine.stats.rendered.clear()
    assert engine.ensure([req])[req] != old
    assert engine.stats.rendered == ["line.svg"]


def test_key_covers_the_font_and_library_versions(figures, monkeypatch, tmp_path):
    spec = find_figure("line", figures)
    base = figure_key(spec, make_request("line"))
    other_font = tmp_path / "font.otf"
    other_font.write_bytes(style.FONT_PATH.read_bytes() + b"\0")
    monkeypatch.setattr(style, "FONT_PATH", other_font)
    deps.environment_digest.cache_clear()
    assert figure_key(spec, make_request("line")) != base
    monkeypatch.undo()
    deps.environment_digest.cache_clear()
    monkeypatch.setattr(deps.metadata, "version", lambda dist: "0.0-other")
    assert figure_key(spec, make_request("line")) != base
    monkeypatch.undo()
    deps.environment_digest.cache_clear()
    assert figure_key(spec, make_request("line")) == base


def _rel(paths) -> set[str]:
    return {p.relative_to(deps.PACKAGE_DIR).as_posix() for p in paths}


def test_module_deps_follow_imports_transitively(tmp_path):
    script = tmp_path / "fig.py"
    script.write_text("from gradbook.engine.pool import FigureEngine\nimport numpy\n", encoding="utf-8")
    found = _rel(module_deps(script))
    # pool imports deps, store, registry and request; deps imports style; __init__s run on any import.
    assert {
        "__init__.py",
        "engine/__init__.py",
        "engine/pool.py",
        "engine/deps.py",
        "engine/store.py",
        "engine/style.py",
        "engine/registry.py",
        "engine/request.py",
    } <= found
    assert "engine/cli.py" not in found and not any(p.startswith("mkdocs/") for p in found)
    script.write_text("import numpy\n", encoding="utf-8")
    assert module_deps(script) == []


def test_a_scripts_command_line_block_is_not_a_dependency(tmp_path):
    # Every figure script ends in `if __name__ == "__main__": from gradbook.engine.cli import ...`;
    # that block never runs in a render, so editing the CLI or the sweeps must not redraw every figure.
    script = tmp_path / "fig.py"
    script.write_text(
        "from gradbook.engine.style import ink\n\n"
        'if __name__ == "__main__":\n    from gradbook.engine.cli import script_main\n',
        encoding="utf-8",
    )
    found = _rel(module_deps(script))
    assert "engine/style.py" in found
    assert not {"engine/cli.py", "engine/sweep.py"} & found, found
    script.write_text("if __name__ == 'x':\n    from gradbook.engine.cli import script_main\n", encoding="utf-8")
    assert "engine/cli.py" in _rel(module_deps(script))


def test_the_render_code_is_computed_from_the_pools_imports():
    code = _rel(deps.render_code())
    assert {
        "engine/pool.py",
        "engine/render.py",
        "engine/request.py",
        "engine/style.py",
        "engine/registry.py",
        "engine/__init__.py",
    } <= code
    assert not code & {"engine/cli.py", "engine/gallery.py", "engine/tex.py", "engine/pages.py"}, code


def test_a_gradbook_module_edit_changes_only_dependent_keys(tmp_path, monkeypatch):
    pkg = tmp_path / "gradbook"
    shutil.copytree(deps.PACKAGE_DIR, pkg, ignore=shutil.ignore_patterns("__pycache__", "fonts"))
    (pkg / "probe_dep.py").write_text("VALUE = 1\n", encoding="utf-8")
    monkeypatch.setattr(deps, "PACKAGE_DIR", pkg)
    figs = tmp_path / "figures"
    figs.mkdir()
    uses_dep = SCRIPT.replace("from matplotlib", "from gradbook.probe_dep import VALUE\nfrom matplotlib")
    (figs / "uses.py").write_text(uses_dep)
    (figs / "plain.py").write_text(SCRIPT)
    uses, plain = find_figure("uses", figs), find_figure("plain", figs)
    k_uses, k_plain = figure_key(uses, make_request("uses")), figure_key(plain, make_request("plain"))
    (pkg / "probe_dep.py").write_text("VALUE = 2\n", encoding="utf-8")
    assert figure_key(uses, make_request("uses")) != k_uses
    assert figure_key(plain, make_request("plain")) == k_plain
    (pkg / "engine" / "cli.py").write_text((pkg / "engine" / "cli.py").read_text() + "\n# edit\n")
    assert figure_key(plain, make_request("plain")) == k_plain, "the CLI does not draw"
    (pkg / "engine" / "style.py").write_text((pkg / "engine" / "style.py").read_text() + "\n# edit\n")
    assert figure_key(plain, make_request("plain")) != k_plain, "render code is in every key"


def test_a_default_written_out_is_the_same_request_and_one_render(figures, engine):
    spec = find_figure("line", figures)
    assert resolve(spec, {"k": "1.0"}) == resolve(spec, {"k": 1}) == resolve(spec) == make_request("line")
    assert resolve(spec, {"k": "1.0"}).filename == "line.svg"
    changed = resolve(spec, {"k": "2", "points": "5", "label": "直线"})
    assert changed.params == (("k", 2.0),) and changed.filename == f"line-{changed.digest[:8]}.svg"
    assert engine.ensure([resolve(spec), resolve(spec, {"k": "1.0"}), changed]).keys() == {resolve(spec), changed}
    assert sorted(engine.stats.rendered) == ["line.svg", "line.svg (k=2.0)"]
    with pytest.raises(FigureError, match="unsupported output format '.pdf'"):
        resolve(spec, fmt="pdf")


def test_workers_0_renders_in_this_process_the_same_bytes(figures, tmp_path, monkeypatch):
    req = make_request("line", {"k": 3.0})
    pooled = FigureEngine(figures, tmp_path / "a", workers=1).ensure([req])[req]

    def no_pool(*args, **kwargs):
        raise AssertionError("workers=0 must not start a process")

    monkeypatch.setattr("gradbook.engine.pool.ProcessPoolExecutor", no_pool)
    here = FigureEngine(figures, tmp_path / "b", workers=0)
    assert here.ensure([req])[req] == pooled and here.stats.rendered == ["line.svg (k=3.0)"]


@pytest.mark.parametrize("damage", ["truncate", "flip", "garbage", "empty"])
def test_corrupt_cache_entry_is_detected_and_rerendered(engine, damage):
    req = make_request("line")
    good = engine.ensure([req])[req]
    key = figure_key(engine.spec("line"), req)
    path = engine.store.path("figures", key, "svg")
    blob = path.read_bytes()
    path.write_bytes(
        {
            "truncate": blob[: len(blob) // 2],
            "flip": blob[:-10] + bytes([blob[-10] ^ 0xFF]) + blob[-9:],
            "garbage": b"not a cache entry",
            "empty": b"",
        }[damage]
    )
    assert engine.store.get("figures", key, "svg") is None
    engine.stats.rendered.clear()
    assert engine.ensure([req])[req] == good
    assert engine.stats.rendered == ["line.svg"]
    assert engine.store.get("figures", key, "svg") == good


def test_put_is_atomic_and_leaves_no_temp_files(tmp_path):
    store = Store(tmp_path)
    store.put("figures", "ab" * 32, "svg", b"payload")
    files = [p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file()]
    assert files == [f"figures/ab/{'ab' * 32}.svg"]
    assert store.get("figures", "ab" * 32, "svg") == b"payload"


def test_an_entry_is_served_only_as_the_kind_it_was_stored_as(tmp_path):
    store = Store(tmp_path)
    k = key("math", tex="x^2")
    assert k != key("figures", tex="x^2") and k == key("math", tex="x^2")
    store.put("math", k, "svg", b"<svg/>")
    store.path("figures", k, "svg").parent.mkdir(parents=True)
    store.path("math", k, "svg").rename(store.path("figures", k, "svg"))
    assert store.get("figures", k, "svg") is None, "a math entry is not a figure"


def _hammer(args):
    root, n = args
    store = Store(Path(root))
    for i in range(n):
        payload = hashlib.sha256(str(i).encode()).digest() * 2000
        store.put("figures", "cd" * 32, "svg", payload)
        got = store.get("figures", "cd" * 32, "svg")
        assert got is None or len(got) == len(payload)
    return True


def test_concurrent_writers_never_expose_half_an_entry(tmp_path):
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(2) as pool:
        assert all(pool.map(_hammer, [(str(tmp_path), 60)] * 4))
    blob = Store(tmp_path).get("figures", "cd" * 32, "svg")
    assert blob is not None and len(blob) == 64000


def test_two_engines_filling_one_cache_at_once_agree(figures, tmp_path):
    reqs = [make_request("line", {"k": float(k)}) for k in range(4)]
    ctx = multiprocessing.get_context("spawn")
    # Not multiprocessing.Pool: its daemonic workers may not start the engine's own pool.
    with ProcessPoolExecutor(2, mp_context=ctx) as pool:
        results = list(pool.map(_ensure_in_process, [(str(figures), str(tmp_path / "c"), reqs)] * 2))
    assert results[0] == results[1]
    fresh = FigureEngine(figures, tmp_path / "c")
    assert list(fresh.ensure(reqs).values()) == results[0]
    assert fresh.stats.rendered == []


def _ensure_in_process(args):
    figures, cache, reqs = args
    out = FigureEngine(Path(figures), Path(cache), workers=1).ensure(reqs)
    return [out[r] for r in reqs]


def test_script_that_raises_is_reported_with_its_line(figures, engine):
    (figures / "boom.py").write_text(SCRIPT.replace("    fig = Figure", "    1 / 0\n    fig = Figure"))
    with pytest.raises(RenderFailed) as info:
        engine.ensure([make_request("boom")])
    text = str(info.value)
    assert "boom.svg" in text and "ZeroDivisionError" in text and "boom.py" in text


@pytest.mark.parametrize(
    "edit, message",
    [
        (lambda s: s.replace('ALT = "一条斜率为 k 的直线。"', ""), "ALT"),
        (lambda s: s.replace("def make(", "def draw("), "make"),
        (lambda s: s.replace('"""测试用的小图：一条直线。"""', ""), "docstring"),
        (lambda s: s.replace("points: int = 5", "points: int"), "default"),
    ],
)
def test_malformed_scripts_are_rejected_by_name(figures, edit, message):
    (figures / "bad.py").write_text(edit(SCRIPT), encoding="utf-8")
    with pytest.raises(FigureError, match=message) as info:
        find_figure("bad", figures)
    assert "bad.py" in str(info.value)


def test_parameters_are_coerced_and_checked(figures):
    spec = find_figure("line", figures)
    assert resolve_params(spec, {"k": "2", "points": "3", "label": "x"}) == {"k": 2.0, "label": "x", "points": 3}
    with pytest.raises(FigureError, match="no parameter 'q'.*valid parameters: k, label, points"):
        resolve_params(spec, {"q": "1"})
    with pytest.raises(FigureError, match="'points' expects int"):
        resolve_params(spec, {"points": "2.5"})
    with pytest.raises(FigureError, match="'k' expects float"):
        resolve_params(spec, {"k": [1]})


def test_unknown_figure_lists_the_available_ones(figures):
    with pytest.raises(FigureError, match="figure 'nope': no such figure in .*; available: line"):
        find_figure("nope", figures)


def test_missing_glyph_fails_instead_of_drawing_boxes(figures, engine):
    (figures / "rare.py").write_text(SCRIPT.replace('"直线"', '"𠀀"'), encoding="utf-8")
    with pytest.raises(RenderFailed, match="missing from the carried font"):
        engine.ensure([make_request("rare")])


def test_missing_glyph_in_math_fails_too(figures, engine):
    # \mathdefault takes the carried font with no fallback; mathtext only logs its dummy box.
    (figures / "hat.py").write_text(SCRIPT.replace('"直线"', r'"$\\mathdefault{ŷ}$"'), encoding="utf-8")
    with pytest.raises(RenderFailed, match=r"does not have a glyph for .*\[U\+177\]"):
        engine.ensure([make_request("hat")])


def _carried_cmap() -> set[int]:
    from matplotlib import ft2font

    return set(ft2font.FT2Font(str(style.FONT_PATH)).get_charmap())


LOG_AXES = '''\
"""测试用的小图：对数坐标。"""
from matplotlib.figure import Figure

ALT = "对数坐标与负刻度。"


def make() -> Figure:
    fig = Figure(figsize=(3, 2))
    ax = fig.add_subplot()
    ax.semilogy([-2.0, 2.0], [1e-3, 1e3])
    return fig
'''


def test_tick_labels_draw_the_minus_sign_from_the_carried_font(figures):
    # Log-axis ticks are $\mathdefault{10^{−3}}$: before U+2212 was in the subset, a box.
    from gradbook.engine.render import figure_bytes, make_figure

    (figures / "logaxes.py").write_text(LOG_AXES, encoding="utf-8")
    fig = make_figure(find_figure("logaxes", figures), {})
    figure_bytes(fig, "svg")  # raises FigureError on a box
    ax = fig.axes[0]
    ticks = "".join(t.get_text() for t in ax.get_xticklabels() + ax.get_yticklabels())
    # Linear ticks carry U+2212 itself; mathtext turns the log ticks' "-" into U+2212.
    assert "\u2212" in ticks and r"\mathdefault{10^{-3}}" in ticks, ticks
    assert {ord(c) for c in ticks} <= _carried_cmap()


def _label_strings(path: Path):
    """String literals that may end up drawn: all but docstrings (captions), ALT text, and what an
    explorable figure writes into the page instead (SWEEPS, readout()), which the reader's fonts show."""
    import ast

    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        first = body[0] if isinstance(body, list) and body else None
        if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
            skip.add(id(first.value))
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) in ("ALT", "SWEEPS") for t in node.targets):
            skip.update(id(n) for n in ast.walk(node.value))
        if isinstance(node, ast.FunctionDef) and node.name == "readout":
            skip.update(id(n) for n in ast.walk(node))
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip:
            yield node.value


def test_the_carried_font_covers_every_figure_label():
    # Rendering all figures in-process to watch for boxes takes about a minute; the strings
    # they draw come from the scripts and the gradbook modules they import (the build's render
    # guard catches the rest). Matplotlib's own tick text adds U+2212 (axes.unicode_minus).
    from gradbook.engine.registry import default_figures_dir

    sources = set()
    for script in default_figures_dir().glob("[!_]*.py"):
        sources.add(script)
        # The engine's modules draw no strings of their own, except the house style's marks.
        sources.update(
            p
            for p in module_deps(script)
            if p.name != "__init__.py" and (p.parent.name != "engine" or p.name == "style.py")
        )
    assert len(sources) > 30
    cmap = _carried_cmap()
    assert 0x2212 in cmap, "MINUS SIGN (tick labels, axes.unicode_minus) must be in the subset"
    lacking = {
        f"U+{ord(c):04X} {c!r} in {path.name}"
        for path in sorted(sources)
        for text in _label_strings(path)
        for c in text
        if ord(c) not in cmap and not c.isspace()
    }
    assert not lacking, sorted(lacking)


# Runs in a fresh interpreter with a fresh matplotlib font list, so every font on this machine
# is known, as on a reader's first run (the shared font list may predate an installed font).
FONT_PROBE = """
import shutil, sys
from pathlib import Path
from matplotlib import font_manager, rc_context
from gradbook.engine import style
from gradbook.engine.registry import FigureError, find_figure
from gradbook.engine.render import render

# A stand-in known before the carried font and answering to the file's own family name, as
# Debian's fonts-noto-cjk does; if this machine has that package, it is in the font list too.
decoy = Path(sys.argv[2]) / "decoy.otf"
shutil.copy(style.FONT_PATH, decoy)
font_manager.fontManager.addfont(str(decoy))
system = sorted({f.fname for f in font_manager.fontManager.ttflist if f.name == "Noto Sans CJK SC"})
print("fonts named Noto Sans CJK SC:", system, file=sys.stderr)
spec = find_figure("line", Path(sys.argv[1]))
svg = render(spec, {"label": "梯度下降"}, "svg")
with rc_context(style.rcparams()):
    print(font_manager.findfont(font_manager.FontProperties()))
try:
    render(spec, {"label": "龘"}, "svg")
    print("drawn")
except FigureError as exc:
    print(exc)
"""


def test_the_carried_font_is_used_even_where_a_system_font_has_its_name(figures, tmp_path):
    env = dict(os.environ, MPLCONFIGDIR=str(tmp_path / "mpl"))
    proc = subprocess.run(
        [sys.executable, "-c", FONT_PROBE, str(figures), str(tmp_path)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    resolved, guard = proc.stdout.splitlines()
    assert Path(resolved) == style.FONT_PATH, f"text resolves to {resolved}\n{proc.stderr}"
    assert "missing from the carried font" in guard and "IDEOGRAPH-9F98" in guard, guard  # 龘


DATA_SCRIPT = '''\
"""测试用的小图：一条直线，数字在 data() 里。"""
from matplotlib.figure import Figure

ALT = "一条斜率为 k 的直线。"


def data(k: float = 1.0, points: int = 5):
    xs = list(range(points))
    return {"xs": xs, "ys": [k * x for x in xs]}


def make(k: float = 1.0, points: int = 5) -> Figure:
    d = data(k, points)
    fig = Figure(figsize=(2, 2))
    fig.add_subplot().plot(d["xs"], d["ys"])
    return fig
'''


def test_data_is_the_scripts_own_over_makes_defaults(figures):
    from gradbook.engine.render import data

    (figures / "dots.py").write_text(DATA_SCRIPT, encoding="utf-8")
    assert data("dots", figures) == {"xs": [0, 1, 2, 3, 4], "ys": [0.0, 1.0, 2.0, 3.0, 4.0]}
    assert data("dots", figures, k="2", points=3)["ys"] == [0.0, 2.0, 4.0]  # coerced like --set values
    with pytest.raises(FigureError, match="no parameter 'scale'"):
        data("dots", figures, scale=2.0)


@pytest.mark.parametrize(
    "edit, message",
    [
        (lambda s: SCRIPT, "needs a function data"),
        (lambda s: s.replace("def data(k: float = 1.0,", "def data(k: float = 2.0,"), "does not take make"),
        (
            lambda s: s.replace("def data(k: float = 1.0, points: int = 5):", "def data(k: float = 1.0):").replace(
                "d = data(k, points)", "d = data(k)"
            ),
            "does not take make",
        ),
    ],
)
def test_data_must_take_exactly_makes_parameters(figures, edit, message):
    from gradbook.engine.registry import FigureScriptError
    from gradbook.engine.render import data

    (figures / "dots.py").write_text(edit(DATA_SCRIPT), encoding="utf-8")
    with pytest.raises(FigureScriptError, match=message):
        data("dots", figures)


def test_a_build_finds_each_scripts_code_once_and_the_same_keys(engine, monkeypatch):
    """ensure() asks for hundreds of keys on the book (34 scripts, 4 drawings each, sweep frames):
    each script's import closure and digests are found once per call, and the keys are the ones
    figure_key() gives alone. An edit between calls is seen: the next call looks again."""
    calls = []
    real = deps.script_code
    monkeypatch.setattr(deps, "script_code", lambda spec, *a: calls.append(spec.name) or real(spec, *a))
    reqs = [make_request("line", {"k": float(k)}, fmt) for k in range(3) for fmt in ("svg", "png")]
    out = engine.ensure(reqs)
    assert calls == ["line"]
    for req in reqs:
        assert engine.store.get("figures", figure_key(engine.spec("line"), req), req.fmt) == out[req]
    calls.clear()
    engine.ensure(reqs)
    assert calls == ["line"]


def test_quick_serve_draws_one_edited_figure_in_two_warm_processes_until_gradbook_changes(
    figures, tmp_path, monkeypatch
):
    """dev.py serve --quick: one figure's drawings are split between the serving process and its
    warm helper (no new Python); several figures, or any render after a gradbook module changed, go
    to new worker processes. Either way the bytes are a plain render's."""
    from gradbook.engine import batch
    from gradbook.mkdocs import serve

    started, here = [], []
    real, real_batch = ProcessPoolExecutor, batch.render_batch
    monkeypatch.setattr("gradbook.engine.pool.ProcessPoolExecutor", lambda *a, **k: started.append(1) or real(*a, **k))
    monkeypatch.setattr(serve, "_code_seen", {})
    engine = serve.QuickEngine(figures, tmp_path / "store", workers=2)
    one = [make_request("line", {"k": 2.0}, fmt) for fmt in ("svg", "png")]
    with monkeypatch.context() as m:  # what this process draws (a lambda: workers could not unpickle it)
        m.setattr(batch, "render_batch", lambda jobs: here.extend(j[2] for j in jobs) or real_batch(jobs))
        assert set(engine.ensure(one)) == set(one) and started == [] and here == ["svg"]  # the png: the helper's
    assert sorted(engine.stats.rendered) == sorted(r.label() for r in one)
    two = [make_request("line", {"k": 3.0}), make_request("line", {"k": 4.0})]
    assert set(engine.ensure(two)) == set(two) and started == [1]
    serve._code_seen["gradbook/style.py"] = 0  # as if a module had changed since serving began
    again = [make_request("line", {"k": 5.0}), make_request("line", {"k": 5.0}, "png")]
    assert set(engine.ensure(again)) == set(again) and started == [1, 1]
    plain = FigureEngine(figures, tmp_path / "other", workers=0).ensure(one)
    assert {r: engine.store.get("figures", figure_key(engine.spec("line"), r), r.fmt) for r in one} == plain
