"""Explorable figures (gradbook/engine/sweep.py): the sweep syntax and its errors, frames as ordinary
requests rendered and cached, readouts from data() checked against the core, and the built book."""

from __future__ import annotations

import gzip
import html
import json
import re
from pathlib import Path

import numpy as np
import pytest

from gradbook.engine import pages
from gradbook.engine.deps import figure_key
from gradbook.engine.pool import KIND, FigureEngine, RenderFailed
from gradbook.engine.registry import READOUT, FigureError, FigureScriptError, find_figure
from gradbook.engine.render import data, readout
from gradbook.engine.store import cache_root
from gradbook.engine.sweep import MANIFEST_KEYS, grid, value_text
from gradbook.engine.variant import VARIANTS
from gradbook.models import LinearMSE, house_data
from tests.site import ROOT

FIGURES = ROOT / "figures"
CHAPTERS = sorted((ROOT / "docs" / "chapters").glob("*.md"))

SCRIPT = '''\
"""一条线。"""
from matplotlib.figure import Figure

ALT = "一条直线。"
SWEEPS = {"k": {"label": "k", "name": "斜率", "values": "1..3:3", "domain": (0, 10)}}


def data(k: float = 1.0, flag: bool = False):
    if k > 2.5:
        raise ValueError("k 太大")
    return dict(k=k)


def readout(d):
    return f"斜率 {d['k']:g}"


def make(k: float = 1.0, flag: bool = False) -> Figure:
    d = data(k, flag)
    fig = Figure(figsize=(2, 2))
    fig.add_subplot().plot([0, 1], [0, d["k"]])
    return fig
'''


@pytest.fixture
def figures(tmp_path) -> Path:
    (tmp_path / "line.py").write_text(SCRIPT, encoding="utf-8")
    return tmp_path


def refs(figures: Path, line: str) -> list[pages.Ref]:
    return pages.scan("ch.md", f"# 页\n\n{line}\n", lambda name: find_figure(name, figures))


# ---------------------------------------------------------------- the syntax


@pytest.mark.parametrize(
    "text, integer, values",
    [
        ("1..3:5", False, [1.0, 1.5, 2.0, 2.5, 3.0]),
        ("1e-3..1e-1:log:3", False, [1e-3, 1e-2, 1e-1]),
        ("-1.5..2:8", False, [-1.5, -1.0, -0.5, 0.0, 0.5, 1.0, 1.5, 2.0]),
        ("2..8:4", True, [2, 4, 6, 8]),
        ("1, 4, 16", False, [1.0, 4.0, 16.0]),
        ("2,3,5", True, [2, 3, 5]),
    ],
)
def test_grid_reads_ranges_log_ranges_and_lists(text, integer, values):
    got = grid("p", text, integer)
    assert got == pytest.approx(values) and all(isinstance(v, int if integer else float) for v in got)


def test_values_read_as_a_reader_writes_them():
    assert [value_text(v) for v in (4e-05, 1e-4, 0.95, -1.5, 65536.0, 3)] == [
        "4×10⁻⁵",
        "0.0001",
        "0.95",
        "−1.5",
        "65536",
        "3",
    ]


def test_the_pages_value_is_a_frame_and_the_first_shown(figures):
    (ref,) = refs(figures, "![](figures/line.svg?k=1.2&sweep=k)")
    assert ref.sweep.values == (1.0, 1.2, 2.0, 3.0) and ref.sweep.start == 1
    assert ref.sweep.frames[1] == ref.request, "the image without JavaScript is the frame at the page's value"
    assert [f.fmt for f in ref.sweep.frames] == ["svg"] * 4 and [r.fmt for r in ref.sweep.readouts] == [READOUT] * 4
    assert len(set(ref.outputs())) == 16, "one file per frame, layout and scheme, beside the image"
    for variant in VARIANTS:  # at the page's value, each variant's frame is the <picture>'s drawing
        assert ref.sweep.drawn(variant)[1] == ref.request.variants()[variant], variant
    (own,) = refs(figures, "![](figures/line.svg?sweep=k:0..1:3)")
    assert own.sweep.values == (0.0, 0.5, 1.0) and own.sweep.start == 2, "a range on the page wins over SWEEPS"


@pytest.mark.parametrize(
    "query, reason",
    [
        ("sweep=q", "no parameter 'q'; valid parameters: k, flag"),
        ("sweep=flag:0,1", "cannot sweep 'flag': a slider moves a number"),
        ("sweep=k:a..3:4", "low end 'a' is not a number"),
        ("sweep=k:1..x:4", "high end 'x' is not a number"),
        ("sweep=k:3..1:4", "empty range 3..1"),
        ("sweep=k:1..3:1", "1 value(s); a slider needs at least 2"),
        ("sweep=k:1..3:many", "count 'many' is not a whole number"),
        ("sweep=k:0..1:log:3", "a log range must start above 0"),
        ("sweep=k:1..20:5", "parameter 'k' = 10.5 is outside its domain [0, 10]"),
        ("sweep=k:3,1", "ascending order"),
        ("sweep=k:1", "a slider needs at least 2"),
        ("sweep=k:1..1.0001:3", "repeats values"),
        ("sweep=k:1..2:300", "300 frames; at most 40"),
        ("sweep=", "sweep names no parameter"),
        ("k=11", "parameter 'k' = 11 is outside its domain [0, 10]"),  # a plain reference is checked too
    ],
)
def test_a_bad_sweep_names_page_line_figure_and_cause(figures, query, reason):
    with pytest.raises(FigureError) as err:
        refs(figures, f"![](figures/line.svg?{query})")
    assert str(err.value).startswith("ch.md:3: figure 'line': ") and reason in str(err.value), str(err.value)


def test_a_sweep_without_values_asks_for_them(figures):
    (figures / "line.py").write_text(SCRIPT.replace('"values": "1..3:3", ', ""), encoding="utf-8")
    with pytest.raises(FigureError, match="sweep 'k' gives no values and the script's SWEEPS declares none"):
        refs(figures, "![](figures/line.svg?sweep=k)")


@pytest.mark.parametrize(
    "sweeps, message",
    [
        ('{"flag": {}}', "SWEEPS names 'flag', not a numeric parameter"),
        ('{"k": {"lable": "k"}}', "must be a dict with keys among"),
        ('{"k": {"domain": (3, 1)}}', "must be (low, high)"),
        ("dict(k=1)", "SWEEPS must be a literal dict"),
    ],
)
def test_a_bad_sweeps_declaration_is_the_scripts_fault(figures, sweeps, message):
    source = re.sub(r"^SWEEPS = .*$", f"SWEEPS = {sweeps}", SCRIPT, flags=re.M)
    (figures / "line.py").write_text(source, encoding="utf-8")
    with pytest.raises(FigureScriptError, match=re.escape(message)):
        find_figure("line", figures)


# ---------------------------------------------------------------- frames and readouts through the engine


def test_frames_and_readouts_are_rendered_once_and_cached(figures, tmp_path):
    (ref,) = refs(figures, "![](figures/line.svg?sweep=k:1..2:3)")
    engine = FigureEngine(figures, tmp_path / "cache", workers=0)
    out = engine.ensure(ref.requests())
    assert [out[r].decode() for r in ref.sweep.readouts] == ["斜率 1", "斜率 1.5", "斜率 2"]
    assert all(out[f].startswith(b"<?xml") for f in ref.sweep.frames)
    assert len(engine.stats.rendered) == 15, "three frames in four variants (layouts, schemes), three readouts"
    for req in ref.requests():
        assert engine.store.get(KIND, figure_key(ref.spec, req), req.fmt) == out[req]
    again = FigureEngine(figures, tmp_path / "cache", workers=0)
    assert again.ensure(ref.requests()) == out and again.stats.rendered == [], "a warm sweep renders nothing"


def test_a_frame_that_raises_names_page_line_figure_and_cause(figures, tmp_path):
    (ref,) = refs(figures, "![](figures/line.svg?sweep=k)")  # the script's 1..3:3: k = 3 raises
    with pytest.raises(RenderFailed) as err:
        FigureEngine(figures, tmp_path / "cache", workers=0).ensure(ref.requests())
    report = pages.failure_report(err.value.failures, [ref])
    assert "ch.md:3: figure 'line' (k=3.0): ValueError: k 太大" in report
    assert "ch.md:3: readout(d) of figure 'line' (k=3.0): ValueError: k 太大" in report


# ---------------------------------------------------------------- the book's explorables: readouts vs the core


def book_sweeps() -> list[tuple[str, int, pages.Ref]]:
    out = []
    for path in CHAPTERS:
        for ref in pages.scan(path.name, path.read_text(encoding="utf-8"), lambda n: find_figure(n, FIGURES)):
            if ref.sweep:
                out.append((path.name, ref.line, ref))
    return out


def test_at_least_eight_explorables_on_every_chapter():
    found = book_sweeps()
    chapters = len(list((ROOT / "docs" / "chapters").glob("*.md")))
    assert len(found) >= 8 and len({page for page, *_ in found}) == chapters, [(p, r.spec.name) for p, _, r in found]


def test_each_explorable_invites_the_reader_to_move_it():
    for page, line, ref in book_sweeps():
        lines = (ROOT / "docs" / "chapters" / page).read_text(encoding="utf-8").splitlines()
        near = "".join(lines[max(0, line - 6) : line + 5])
        assert re.search("拖动|滑块", near), f"{page}:{line}: no sentence inviting the reader to move {ref.spec.name}"


def test_readouts_of_the_zigzag_are_the_factors_of_its_hessian():
    x, y = house_data(50, 0)
    model = LinearMSE(x / 100, y)
    lam_min, lam_max = np.linalg.eigvalsh(model.hessian(model.minimizer()))
    for frac in (0.1, 0.5, 0.95, 1.05):
        lr = frac * 2 / lam_max
        text = readout("gd_zigzag_raw", lr_fraction=frac)
        assert f"陡方向因子 {round(1 - lr * lam_max, 2) + 0.0:.2f}".replace("-", "−") in text
        assert f"平方向因子 {1 - lr * lam_min:.3f}" in text
        assert ("发散" in text) == (abs(1 - lr * lam_max) > 1.005)
    assert readout("gd_zigzag_raw") == "陡方向因子 −0.90，平方向因子 0.985：40 步后离最优点 116"  # as the page says


def test_readouts_of_the_derivative_arrow_are_2x():
    for x0 in (-1.5, 0.0, 1.0, 2.0):
        text = readout("derivative_arrow", x0=x0)
        assert f"= {2 * x0:g}".replace("-", "−") in text
        assert ("朝右" in text) == (x0 > 0) and ("朝左" in text) == (x0 < 0)


def test_readouts_of_bptt_are_the_gradient_norms_ratio():
    from gradbook.networks import recurrent_matrix

    for steps in (2, 8, 16):
        d = data("rnn_unrolled_bptt", steps=steps)
        assert np.linalg.svd(d["W"], compute_uv=False) == pytest.approx(0.8)
        assert recurrent_matrix(4, 0.8, 0) == pytest.approx(d["W"])
        assert f"{d['norms'][0] / d['norms'][-1]:.2%}" in readout("rnn_unrolled_bptt", steps=steps)
    assert "4.70%" in readout("rnn_unrolled_bptt")


def test_readouts_of_clipping_count_the_steps_to_the_minimum():
    from gradbook.optimizers import gradient_descent
    from gradbook.pitfalls import LinearRecurrence

    loss = LinearRecurrence(steps=20, target=0.5)
    for tau, shown in ((1.0, "第 17 步"), (5.0, "第 8 步"), (0.1, "40 步还没到")):
        run = gradient_descent(loss, [1.1], lr=0.01, steps=40, clip_norm=tau)
        k = run.steps_to_reach(loss.minimum, 1e-6)
        assert shown in readout("clipping_exploding", max_norm=tau)
        assert (k is None) == ("还没到" in shown) and (k is None or f"第 {k} 步" == shown)


def test_readouts_of_loss_scaling_gain_a_step_per_doubling():
    for scale in (1.0, 4.0, 1024.0, 65536.0):
        extra = int(np.log2(scale))  # each doubling of S lets θ halve once more before 2⁻²⁴ swallows the gradient
        assert readout("float16_underflow", loss_scale=scale) == (
            f"缩放后第 {15 + extra} 步才停住（不缩放是第 15 步），多走 {extra} 步"
        )


def test_readouts_of_momentum_at_the_saddle():
    from gradbook.landscapes import saddle
    from gradbook.optimizers import gradient_descent, momentum

    L = saddle()

    def escape(run):
        dist = np.linalg.norm(run.iterates.astype(float), axis=1)
        k = int(np.argmin(dist))
        return next(j for j in range(k, dist.size) if dist[j] > 1)

    gd = escape(gradient_descent(L, [1.0, 1e-3], 0.1, 60))
    for beta in (0.0, 0.5, 0.9):
        mom = escape(momentum(L, [1.0, 1e-3], 0.1, 60, beta=beta))
        assert (
            readout("saddle_escape", beta=beta) == f"动量法第 {mom} 步离开鞍点（距离超过 1）；不带动量的要到第 {gd} 步"
        )
    assert gd == 38 and escape(momentum(L, [1.0, 1e-3], 0.1, 60, beta=0.0)) == gd, "β = 0 is plain descent"


def test_readouts_of_depth_are_first_over_last_layer():
    for depth in (2, 10, 20):
        d = data("layer_grad_norms", depth=depth)
        text = readout("layer_grad_norms", depth=depth)
        assert len(d[("sigmoid", "xavier")]) == depth
        assert f"ReLU + He {d[('relu', 'he')][0] / d[('relu', 'he')][-1]:.2f} 倍" in text
    assert "sigmoid + Xavier 4.7×10⁻⁷ 倍" in readout("layer_grad_norms")


def test_readouts_of_the_natural_gradient_angle():
    from gradbook.information import natural_direction

    for f11 in (1.0, 100.0, 1000.0):
        g = np.array([f11 * 0.01, 0.01])
        nat = natural_direction(np.diag([f11, 1.0]), g)
        angle = np.degrees(np.arccos(g @ nat / np.linalg.norm(g) / np.linalg.norm(nat)))
        assert readout("natural_vs_euclidean", sensitive=f11) == f"负梯度与自然梯度的夹角 {angle:.2f}°"
    assert readout("natural_vs_euclidean") == "负梯度与自然梯度的夹角 44.43°"


# ---------------------------------------------------------------- the built book


@pytest.mark.site
def test_every_frame_of_every_sweep_is_in_the_site_and_in_the_store(site_dir):
    engine = FigureEngine(FIGURES, cache_root(ROOT / ".cache" / "gradbook"), workers=0)
    for page, line, ref in book_sweeps():
        built = (site_dir / "chapters" / page.removesuffix(".md") / "index.html").read_text(encoding="utf-8")
        m = re.search(rf'id="fig-{ref.spec.name}".*?data-gb-sweep="([^"]+)"', built, re.S)
        assert m, f"{page}:{line}: no slider data for {ref.spec.name}"
        manifest = json.loads(html.unescape(m[1]))
        assert manifest["f"] == [f.filename for f in ref.sweep.frames] and manifest["s"] == ref.sweep.start
        for variant, key in MANIFEST_KEYS.items():  # every slider value in each layout and scheme
            assert manifest[key] == [f.filename for f in ref.sweep.drawn(variant)], (ref.spec.name, key)
        assert len(manifest["r"]) == len(manifest["v"]) == len(manifest["f"])
        for frames in map(ref.sweep.drawn, VARIANTS):  # a reader loads one layout's, in one scheme
            sweep_bytes = 0
            for frame in frames:
                cached = engine.store.get(KIND, figure_key(ref.spec, frame), frame.fmt)
                assert cached is not None and (site_dir / "figures" / frame.filename).read_bytes() == cached
                sweep_bytes += len(gzip.compress(cached))
            assert sweep_bytes <= 800_000, f"{ref.spec.name}: the whole sweep is {sweep_bytes} B gzipped"
        texts = engine.ensure(ref.sweep.readouts)
        assert manifest["r"] == [texts[r].decode() for r in ref.sweep.readouts]
        # What the page carries before any interaction: the slider's data and label (the script is shared).
        block = re.search(r'<span class="gb-explore".*?</span></span></span>', built[m.start() :], re.S)
        assert len(gzip.compress(block[0].encode())) <= 6_000


def test_the_sliders_script_is_small_and_ours():
    js = (ROOT / "docs" / "javascripts" / "explore.js").read_bytes()
    assert len(gzip.compress(js, 9)) <= 5_000
    assert b"http" not in js.replace(b"location.href", b""), "no request leaves the site"


def test_every_readout_of_every_frame_sits_off_the_rounding_edge():
    """What the slider prints, at every frame, must read the same on another CPU."""
    from tests.test_robust_numbers import _formatted_fields, edges

    for page, line, ref in book_sweeps():
        fields = _formatted_fields(ref.spec.source)
        frames = [f.arguments(ref.spec) for f in ref.sweep.frames]
        values = readout_values(ref.spec, fields, frames)
        assert not edges(values), f"{page}:{line}: {ref.spec.name}'s readout prints a number on a rounding edge"


def readout_values(spec, fields: dict, frames: list[dict]) -> list:
    """Every formatted value the readouts of ``frames`` compute (tests/test_robust_numbers.py
    ``_traced``). The trace hook slows every Python call while it is set (momentum_condition_number's
    data(), six optimiser runs to 10⁻⁶ a frame: 4.0 s plain, 6.4 s traced). So where no function of
    the script but readout() (and make(), which a readout does not run) formats a number, data()
    runs untraced and only readout(d) is traced: the same values. Otherwise the whole call is traced."""
    from gradbook.engine.render import data_function, readout_text, script
    from tests.test_robust_numbers import _traced, formats_a_number

    path = str(spec.path.resolve())
    codes, formatting = [compile(spec.source, path, "exec")], set()
    while codes:
        code = codes.pop()
        codes += [c for c in code.co_consts if hasattr(c, "co_lines")]
        if formats_a_number(code, fields):
            formatting.add(code.co_qualname)
    if not formatting <= {"readout", "make"}:
        return _traced(path, fields, lambda: [readout_text(spec, args) for args in frames])
    values = []
    for args in frames:
        module = script(spec.name, spec.path.parent)
        d = data_function(spec, module)(**args)
        values += _traced(path, fields, lambda: module.readout(d))  # noqa: B023
    return values


@pytest.mark.site
def test_the_build_writes_the_hidden_slider_its_frames_and_stops_on_a_failing_frame(tmp_path):
    from tests.test_build_pipeline import Project

    p = Project(tmp_path / "book")
    p.figure("line", SCRIPT)
    p.page("index.md", "# 页\n\n![](figures/line.svg?sweep=k:1..2:3)\n")
    result = p.build()
    assert result.returncode == 0, result.log
    built = (p.site / "index.html").read_text(encoding="utf-8")
    imgs = re.findall(r'<img [^>]*src="([^"]+)"', built)  # the light drawing, and the dark one
    assert imgs == ["figures/line.svg", "figures/line-dark.svg"], "without JavaScript: the page's frame"
    m = re.search(r'<span class="gb-explore" hidden[^>]*? data-gb-sweep="([^"]+)"', built)
    manifest = json.loads(html.unescape(m[1]))
    assert (
        manifest["v"] == ["1", "1.5", "2"] and manifest["r"] == ["斜率 1", "斜率 1.5", "斜率 2"] and manifest["s"] == 0
    )
    assert all((p.site / "figures" / f).is_file() for key in ("f", "fd", "fp", "fpd") for f in manifest[key])
    p.page("index.md", "# 页\n\n正文。\n\n![](figures/line.svg?sweep=k)\n")  # SWEEPS' 1..3:3 reaches k = 3
    failed = p.build()
    assert failed.returncode != 0 and "index.md:5: figure 'line' (k=3.0): ValueError: k 太大" in failed.log, failed.log
    p.page("index.md", "# 页\n\n![](figures/line.svg?sweep=k:1..20:4)\n")
    bad = p.build()
    assert "index.md:3: figure 'line': parameter 'k' = 13.67 is outside its domain [0, 10]" in bad.log, bad.log


def test_the_cli_writes_numbered_frames_and_an_animated_gif(figures, tmp_path, capsys):
    from PIL import Image

    from gradbook.engine.cli import main

    args = ["--figures-dir", str(figures), "render", "line", "--cache-dir", str(tmp_path / "c")]
    assert main([*args, "--sweep", "k=1..2:3", "-o", str(tmp_path / "out" / "line.svg")]) == 0
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["line-0.svg", "line-1.svg", "line-2.svg"]
    assert capsys.readouterr().out.splitlines()[1].endswith("line-1.svg\t1.5\t斜率 1.5")
    assert main([*args, "--sweep", "k", "--set", "k=2", "-o", str(tmp_path / "line.gif")]) == 2  # SWEEPS: k = 3 raises
    assert "ValueError: k 太大" in capsys.readouterr().err
    assert main([*args, "--sweep", "k=1,2.5", "-o", str(tmp_path / "line.gif")]) == 0
    assert Image.open(tmp_path / "line.gif").n_frames == 2
    assert main([*args, "--sweep", "q=1,2", "-o", str(tmp_path / "q.svg")]) == 2
    assert "no parameter 'q'" in capsys.readouterr().err


def test_the_gallery_marks_explorable_figures(figures):
    from gradbook.engine.gallery import gallery_page

    (ref,) = refs(figures, "![](figures/line.svg?sweep=k)")
    md = gallery_page(figures, [("ch.md", "第 1 章", [ref])], "gallery.md")
    assert "（图 1，可拖动）" in md and "**可拖动**：" in md and "$k$（`k`）" in md
    assert "gradbook render line --sweep k -o line.gif" in md


@pytest.mark.browser
def test_without_javascript_every_figure_is_its_default_frame_and_no_slider_shows(browser, site_url, site_dir):
    context = browser.new_context(java_script_enabled=False)  # one tab: a context per chapter cost ~1 core-s each
    page = context.new_page()
    try:
        for path in CHAPTERS:
            url = f"{site_url}chapters/{path.stem}/"
            page.goto(url, wait_until="load")
            page.wait_for_load_state("networkidle")
            figures = page.evaluate("""() => [...document.querySelectorAll('figure.gb-figure')].map(f => {
                const img = f.querySelector('img'), box = f.querySelector('.gb-explore');
                return {id: f.id, src: img.getAttribute('src'), loaded: img.complete && img.naturalWidth > 0,
                        slider: box ? box.getClientRects().length > 0 : false,
                        frames: box ? JSON.parse(box.dataset.gbSweep) : null}; })""")
            assert figures and all(f["loaded"] for f in figures), [f["src"] for f in figures if not f["loaded"]]
            assert not any(f["slider"] for f in figures), "without JavaScript no slider shows"
            for f in figures:
                if f["frames"]:
                    assert f["src"].rsplit("/", 1)[-1] == f["frames"]["f"][f["frames"]["s"]], f["id"]
    finally:
        context.close()
    page = browser.new_page()
    page.goto(f"{site_url}chapters/02-linear-model/", wait_until="load")
    page.emulate_media(media="print")
    assert page.locator(".gb-explore").first.is_hidden(), "a printed page shows no slider"
    page.close()
