"""The MkDocs adapters end to end, on small throwaway projects built in subprocesses.

Each project gets its own copy of the gradbook package on PYTHONPATH, so a test can edit
a gradbook module and watch exactly the dependent figures re-render.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import gradbook
from tests.site import ENV, ROOT, mkdocs_build

pytestmark = pytest.mark.site

# One render worker: these projects draw a handful of small figures, and each spawned worker spends
# ~0.5 core-s importing numpy and matplotlib (~40 builds here). The site's own builds and
# tests/test_pool.py keep the two-worker path covered.
FIGURES_PLUGIN = "  - gradbook/figures:\n      workers: 1\n"
MKDOCS_YML = f"""\
site_name: 测试
theme:
  name: material
  language: zh
plugins:
{FIGURES_PLUGIN}markdown_extensions:
  - attr_list
  - md_in_html
  - pymdownx.details
  - pymdownx.superfences
"""

FIGURE = '''\
"""{caption}"""
{imports}
from matplotlib.figure import Figure

ALT = "{alt}"


def make(k: float = 1.0) -> Figure:
    fig = Figure(figsize=(2, 2))
    fig.add_subplot().plot([0, 1], [0, k{extra}])
    return fig
'''


def figure_source(caption="一条线。", alt="一条直线。", imports="", extra="") -> str:
    return FIGURE.format(caption=caption, alt=alt, imports=imports, extra=extra)


def fold_source(site: Path, folder: str, page: str) -> tuple[str, str]:
    """The first source fold in ``page`` (the HTML of the page in ``folder`` of ``site``): the address
    it points at (the link a reader without JavaScript follows, too) and that file's text."""
    url = re.search(r'<details class="gb-source" data-gb-source="([^"]+)"', page)[1]
    assert f'<p class="gb-source-link"><a href="{url}">' in page, "a plain link to the same file"
    return url, (site / folder / url).resolve().read_text(encoding="utf-8")


def shown_code(fragment: str) -> str:
    """The text a fragment's highlighted block shows, and that it is highlighted."""
    (code,) = re.findall(
        r'<div class="(?:language-python )?highlight"><pre><span></span><code>(.*?)</code>', fragment, re.S
    )
    assert '<span class="kn">from</span>' in code and '<span class="nf">make</span>' in code, "highlighted"
    return html.unescape(re.sub(r"<[^>]+>", "", code))


def as_fenced(source: str) -> str:  # a script as a code fence shows it (each line's trailing blanks dropped)
    return "\n".join(line.rstrip() for line in source.splitlines()) + "\n"


class Project:
    def __init__(self, root: Path):
        self.root = root
        self.docs = root / "docs"
        self.figures = root / "figures"
        self.pkg = root / "pkg"
        self.site = root / "site"
        self.docs.mkdir(parents=True)
        self.figures.mkdir()
        shutil.copytree(
            Path(gradbook.__file__).parent, self.pkg / "gradbook", ignore=shutil.ignore_patterns("__pycache__")
        )
        (self.root / "mkdocs.yml").write_text(MKDOCS_YML, encoding="utf-8")

    def page(self, name: str, text: str) -> None:
        path = self.docs / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")

    def figure(self, name: str, source: str) -> None:
        (self.figures / f"{name}.py").write_text(source, encoding="utf-8")

    def build(self, *extra: str, **env_vars: str):
        env = dict(ENV, PYTHONPATH=os.pathsep.join([str(self.pkg), str(self.root)]), **env_vars)
        result = mkdocs_build(self.root / "mkdocs.yml", self.site, *extra, env=env, cwd=self.root)
        result.log = result.stdout + result.stderr
        m = re.search(r"gradbook: rendered \d+ figure\(s\), \d+ from cache: (.*)", result.log)
        every = m.group(1).split(", ") if m else []
        # Each figure is rendered in its four variants (page/phone, light/dark): listed once here.
        canonical = [re.sub(r"-(?:phone-dark|phone|dark)(?=\.(?:svg|png))", "", label) for label in every]

        # An explorable's frames too (every slider value in all four); its readouts come in one;
        # the gallery's thumbnails (PNG) in the page layout's two schemes.
        def drawings(c: str) -> int:
            return 1 if ".readout" in c else 2 if ".png (dpi=" in c else 4

        assert all(canonical.count(c) == drawings(c) for c in canonical), every
        result.rendered = sorted(set(canonical))
        return result


@pytest.fixture
def project(tmp_path) -> Project:
    p = Project(tmp_path / "book")
    p.figure(
        "alpha", figure_source(caption="第一张图。", imports="from gradbook.probe_dep import SLOPE", extra=" * SLOPE")
    )
    p.figure("beta", figure_source(caption="第二张图。"))
    (p.pkg / "gradbook" / "probe_dep.py").write_text("SLOPE = 1.0\n", encoding="utf-8")
    p.page(
        "index.md",
        "---\nchapter: 3\n---\n# 首页\n\n![](figures/alpha.svg)\n\n正文。\n\n![自己写的替代文字](figures/beta.svg)\n",
    )
    p.page("sub/deep.md", "# 子页\n\n![](../figures/beta.svg?k=2)\n\n```markdown\n![](figures/nope.svg)\n```\n")
    return p


def test_build_renders_captions_numbers_and_source_folds(project):
    result = project.build()
    assert result.returncode == 0, result.log
    assert result.rendered == ["alpha.svg", "beta.svg", "beta.svg (k=2.0)"]
    html = (project.site / "index.html").read_text(encoding="utf-8")
    assert "图 3.1" in html and "第一张图。" in html and "图 3.2" in html
    assert 'alt="一条直线。"' in html, "the script's ALT is the default alt text"
    assert 'alt="自己写的替代文字"' in html, "alt text written in the page wins"
    assert "生成此图的代码：figures/alpha.py" in html
    # The script's source is not in the page: its fold points at it, highlighted, fetched when opened.
    url, fragment = fold_source(project.site, "", html)
    assert re.fullmatch(r"figures/source/alpha-[0-9a-f]{8}\.html", url), url
    assert "SLOPE" not in html and "SLOPE" in fragment
    assert shown_code(fragment) == as_fenced((project.figures / "alpha.py").read_text(encoding="utf-8"))
    assert (project.site / "figures" / "alpha.svg").is_file()
    deep = (project.site / "sub" / "deep" / "index.html").read_text(encoding="utf-8")
    m = re.search(r'src="(\.\./\.\./figures/beta-[0-9a-f]{8}\.svg)"', deep)
    assert m, "parametrised figure gets its own file, linked relative to the page"
    assert "![](figures/nope.svg)" in deep, "references inside code fences are left alone"
    assert not list(project.docs.rglob("*.svg")), "outputs go to the site only, never docs/"


def test_a_default_written_out_is_the_same_figure_and_the_source_fold_stays_out_of_search(project):
    project.page("index.md", "# 首页\n\n![](figures/beta.svg)\n\n![](figures/beta.svg?k=1.0)\n")
    yml = project.root / "mkdocs.yml"
    yml.write_text(yml.read_text(encoding="utf-8").replace("plugins:\n", "plugins:\n  - search\n"), encoding="utf-8")
    result = project.build()
    assert result.returncode == 0, result.log
    assert result.rendered == ["beta.svg", "beta.svg (k=2.0)"], "k=1.0 is beta's default: no render of its own"
    html = (project.site / "index.html").read_text(encoding="utf-8")
    assert re.findall(r'<img [^>]*src="([^"]+)"', html) == ["figures/beta.svg", "figures/beta-dark.svg"] * 2
    assert (
        re.findall(r'<source [^>]*srcset="([^"]+)"', html)
        == ["figures/beta-phone.svg", "figures/beta-phone-dark.svg"] * 2
    )
    # Emitted with data-search-exclude, which Material's search honours, then drops from the page.
    assert html.count('<details class="gb-source" data-gb-source=') == 2
    # One file per script however many figures (and pages) show it: both folds, and sub/deep's, point at it.
    (fragment,) = (project.site / "figures" / "source").iterdir()
    assert re.findall(r'data-gb-source="([^"]+)"', html) == [f"figures/source/{fragment.name}"] * 2
    assert fragment.name.startswith("beta-")
    docs = json.loads((project.site / "search" / "search_index.json").read_bytes())["docs"]
    index = " ".join(d["text"] for d in docs)
    assert "第二张" in index and "make" not in index and "Figure" not in index, "the script is not indexed"


def test_warm_build_renders_nothing_and_edits_rerender_only_dependents(project):
    assert project.build().returncode == 0
    warm = project.build()
    assert warm.returncode == 0 and warm.rendered == [], warm.log

    (project.pkg / "gradbook" / "probe_dep.py").write_text("SLOPE = 3.0\n", encoding="utf-8")
    after_module = project.build()
    assert after_module.rendered == ["alpha.svg"], after_module.log

    project.figure("beta", figure_source(caption="第二张图，改过。"))
    after_script = project.build()
    assert len(after_script.rendered) == 2 and all(r.startswith("beta.svg") for r in after_script.rendered)

    project.page("index.md", "# 首页\n\n![](figures/alpha.svg?k=0.5)\n")
    after_param = project.build()
    assert after_param.rendered == ["alpha.svg (k=0.5)"], after_param.log


# A sitecustomize on the build's path: with GB_HIGHLIGHTED set, each Python block highlighted is
# counted in that file (the pages' own blocks here are bash: only a fold's source is Python). It
# counts, not raises: superfences takes a failing highlighter's block as plain text.
HIGHLIGHT_COUNTER = """\
import os

if os.environ.get("GB_HIGHLIGHTED"):
    from pymdownx import highlight

    plain = highlight.Highlight.highlight

    def counted(self, src, language, *args, **kwargs):
        if language == "python":
            with open(os.environ["GB_HIGHLIGHTED"], "a", encoding="utf-8") as log:
                log.write(src.splitlines()[0] + "\\n")
        return plain(self, src, language, *args, **kwargs)

    highlight.Highlight.highlight = counted
"""


def test_a_warm_build_highlights_no_fold_and_an_edited_script_is_highlighted_again(project):
    (project.root / "sitecustomize.py").write_text(HIGHLIGHT_COUNTER, encoding="utf-8")
    counted = project.root / "highlighted.txt"

    def build():
        counted.unlink(missing_ok=True)
        assert (result := project.build(GB_HIGHLIGHTED=str(counted))).returncode == 0, result.log
        return counted.read_text(encoding="utf-8").splitlines() if counted.exists() else []

    assert sorted(build()) == ['"""第一张图。"""', '"""第二张图。"""'], "cold: each script once, however often shown"
    folder = project.site / "figures" / "source"
    cold = {p.name: p.read_bytes() for p in folder.iterdir()}
    assert sorted(n.split("-")[0] for n in cold) == ["alpha", "beta"]
    assert build() == [], "warm: no highlighting"
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == cold, "the same files, from the store"

    project.figure("beta", figure_source(caption="第二张图，改过。"))
    assert build() == ['"""第二张图，改过。"""'], "the edited script alone"
    html = (project.site / "index.html").read_text(encoding="utf-8")
    new = {p.name: p.read_bytes() for p in folder.iterdir()}
    (alpha,) = [n for n in new if n.startswith("alpha-")]
    (beta,) = [n for n in new if n.startswith("beta-")]
    assert new[alpha] == cold[alpha] and beta not in cold, "an edited script gets a new address"
    assert f'data-gb-source="figures/source/{beta}"' in html and "改过" in new[beta].decode("utf-8")


def _assert_fails(result, *needles):
    assert result.returncode != 0, "the build must stop"
    for needle in needles:
        assert needle in result.log, f"{needle!r} not in build output:\n{result.log}"


RAISING = figure_source().replace("    fig = Figure", "    raise RuntimeError('坐标轴坏了')\n    fig = Figure")
BROKEN = "# 坏页\n\n{}\n"  # a page whose line 3 is the reference under test


@pytest.mark.parametrize(
    "edit, heading, says",
    [
        # The page is at fault: the reference.
        (
            lambda p: p.page("broken.md", BROKEN.format("![](figures/no_such_figure.svg)")),
            "bad figure reference",
            ["broken.md:3: figure 'no_such_figure': no such figure in ", "available: alpha, beta"],
        ),
        (
            lambda p: p.page("sub/deep.md", BROKEN.format("![](../figures/beta.svg?lr=0.1)")),
            "bad figure reference",
            ["sub/deep.md:3: figure 'beta': no parameter 'lr'; valid parameters: k"],
        ),
        (
            lambda p: p.page("sub/deep.md", BROKEN.format("![](../figures/beta.svg?k=abc)")),
            "bad figure reference",
            ["sub/deep.md:3: figure 'beta': parameter 'k' expects float (default 1.0), got 'abc'"],
        ),
        # References the build would otherwise turn into a bare <img> of the default figure.
        (
            lambda p: p.page("broken.md", BROKEN.format("见下图 ![](figures/beta.svg?k=2) 所示。")),
            "bad figure reference",
            ["broken.md:3: figure 'beta': a figure must stand on a line of its own"],
        ),
        (
            lambda p: p.page("broken.md", BROKEN.format('<img src="figures/beta.svg">')),
            "bad figure reference",
            ["broken.md:3: figure 'beta': an HTML <img> of a figure is not rendered"],
        ),
        (
            lambda p: p.page("broken.md", BROKEN.format("![](figures/beta.svg?k=2 '单引号标题')")),
            "bad figure reference",
            ["broken.md:3: figure 'beta': not a figure reference the build understands"],
        ),
        (
            lambda p: p.page("broken.md", BROKEN.format('![](figures/beta.svg "")')),
            "bad figure reference",
            ["broken.md:3: figure 'beta': empty caption"],
        ),
        # The script is at fault, found before it runs, or while it runs.
        (
            lambda p: p.figure("beta", figure_source().replace('ALT = "一条直线。"', "")),
            "broken figure script",
            ["index.md:10: figure 'beta': beta.py needs a non-empty module-level ALT string"],
        ),
        (
            lambda p: p.figure("beta", figure_source().replace("def make(", "def draw(")),
            "broken figure script",
            ["index.md:10: figure 'beta': beta.py needs a function make"],
        ),
        (
            lambda p: p.figure("beta", RAISING),
            "figure script failed",
            [
                "index.md:10: figure 'beta': RuntimeError: 坐标轴坏了",
                "sub/deep.md:3: figure 'beta' (k=2.0): RuntimeError",
                'beta.py", line 9, in make',
            ],
        ),
    ],
)
def test_each_error_is_headed_by_who_must_fix_it_and_names_page_line_figure_and_reason_once(
    project, edit, heading, says
):
    edit(project)
    result = project.build()
    _assert_fails(result, f"gradbook: {heading}\n", *says)
    others = {"bad figure reference", "broken figure script", "figure script failed"} - {heading}
    assert not any(f"gradbook: {h}" in result.log for h in others), result.log
    for line in result.log.splitlines():
        assert line.count("figure '") <= 1, f"the figure is named twice: {line}"


def test_a_use_can_have_its_own_caption_and_alt_and_repeats_get_their_own_ids(project):
    project.page(
        "index.md",
        "# 首页\n\n![](figures/beta.svg)\n\n"
        '![k 为 2 的直线。](figures/beta.svg?k=2 "同一张图，k = 2 时更陡。"){ .wide }\n',
    )
    project.page("gallery.md", "# 图库\n\n<!-- gradbook:gallery -->\n")
    result = project.build()
    assert result.returncode == 0, result.log
    html = (project.site / "index.html").read_text(encoding="utf-8")
    blocks = re.findall(r'<figure class="gb-figure" id="([^"]+)"(.*?)</figure>', html, re.S)
    assert [anchor for anchor, _ in blocks] == ["fig-beta", "fig-beta-2"], "ids are unique on the page"
    (_, first), (_, second) = blocks
    assert "第二张图。" in first and 'alt="一条直线。"' in first
    assert "同一张图，k = 2 时更陡。" in second and 'alt="k 为 2 的直线。"' in second and 'class="wide"' in second
    assert "第二张图。" not in second and "一条直线。" not in second, "the script's caption and ALT are replaced"
    gallery = (project.site / "gallery" / "index.html").read_text(encoding="utf-8")
    assert 'href="../#fig-beta"' in gallery and 'href="../#fig-beta-2"' in gallery, "the gallery links each use"


def test_figures_are_referred_to_by_name_on_the_same_page_another_page_and_in_a_caption(project):
    yml = project.root / "mkdocs.yml"
    validation = re.search(r"^validation:\n(?:[ #].*\n)+", (ROOT / "mkdocs.yml").read_text(encoding="utf-8"), re.M)
    yml.write_text(MKDOCS_YML + validation[0], encoding="utf-8")  # every link it writes must land
    project.page(
        "index.md",
        "---\nchapter: 3\n---\n# 首页\n\n![](figures/alpha.svg)\n\n"
        '![](figures/beta.svg?k=2 "比[图](#fig:alpha)陡。"){ #fig:beta_steep }\n\n'
        "如[图](#fig:alpha)所示；另见 [](#fig:beta_steep)。\n\n"
        '??? note "答案"\n    | 表 |\n    | --- |\n    | [图](#fig:alpha) |\n',
    )
    project.page("sub/deep.md", "# 子页\n\n回看[图](#fig:beta_steep)。`[图](#fig:nope)` 是写法。\n")
    result = project.build()
    assert result.returncode == 0, result.log
    html = (project.site / "index.html").read_text(encoding="utf-8")
    assert '如<a href="#fig-alpha">图 3.1</a> 所示；另见 <a href="#fig-beta_steep">3.2</a>。' in html
    assert '<figure class="gb-figure" id="fig-beta_steep"' in html
    assert '比<a href="#fig-alpha">图 3.1</a> 陡。' in html, "a caption may refer to a figure"
    assert '<td><a href="#fig-alpha">图 3.1</a></td>' in html, "inside a fold and a table"
    deep = (project.site / "sub" / "deep" / "index.html").read_text(encoding="utf-8")
    assert '回看<a href="../../#fig-beta_steep">图 3.2</a>。' in deep, "another page: a relative URL"
    assert "<code>[图](#fig:nope)</code>" in deep, "code is an example, left as written"


def test_an_unknown_figure_name_stops_the_build_naming_page_line_and_a_guess(project):
    project.page("sub/deep.md", "# 子页\n\n正文。\n\n如[图](#fig:alpah)所示。\n")
    _assert_fails(
        project.build(),
        "gradbook: bad figure cross-reference\n",
        "sub/deep.md:5: [图](#fig:alpah): no figure or figure label named 'alpah' is shown in the book; "
        "did you mean 'alpha'?",
    )


def test_the_source_fold_shows_the_call_this_use_made_and_its_command_draws_the_same_figure(project):
    from tests.test_figure_use import SCRIPT  # a figure whose alt(k) quotes its data

    project.figure("gamma", SCRIPT)
    project.page("alts.md", "# 替代文字\n\n![](figures/gamma.svg?k=2)\n\n![页面自己写的。](figures/gamma.svg?k=2)\n")
    result = project.build()
    assert result.returncode == 0, result.log
    alts = re.findall(r'<img [^>]*\balt="([^"]*)"', (project.site / "alts" / "index.html").read_text(encoding="utf-8"))
    # Each figure shows as two drawings (light, dark), both with the same ALT.
    assert alts == ["一条直线，终点高 6。"] * 2 + ["页面自己写的。"] * 2, "alt(k=2.0) for this use; the page's own wins"
    deep = (project.site / "sub" / "deep" / "index.html").read_text(encoding="utf-8")
    fold = re.search(r'<details class="gb-source"[^>]*>(.*?)</details>', deep, re.S)[1]
    assert "<code>make(k=2.0)</code>" in fold
    url, fragment = fold_source(project.site, "sub/deep", deep)
    assert url.startswith("../../figures/source/beta-"), "relative to the page as served"
    assert shown_code(fragment) == as_fenced((project.figures / "beta.py").read_text(encoding="utf-8"))
    command = re.search(r"gradbook render beta -o beta.svg --set k=2.0", re.sub(r"<[^>]+>", "", fold))
    assert command, fold
    index = (project.site / "index.html").read_text(encoding="utf-8")
    assert "<code>make()</code> 画出（参数全取默认值）" in index
    # Run the command the fold shows: the same bytes as the page's figure.
    out = project.root / "out"
    out.mkdir()
    argv = [*command[0].split()[1:], "--cache-dir", str(project.root / "cli-cache")]
    code = "import sys; from gradbook.engine.cli import main; sys.exit(main(sys.argv[1:]))"
    env = dict(ENV, PYTHONPATH=os.pathsep.join([str(project.pkg), str(project.root)]))
    ran = subprocess.run(
        [sys.executable, "-c", code, "--figures-dir", str(project.figures), *argv],
        cwd=out,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert ran.returncode == 0, ran.stderr
    src = re.search(r'src="(\.\./\.\./figures/beta-[0-9a-f]{8}\.svg)"', deep)[1]
    assert (out / "beta.svg").read_bytes() == (project.site / "sub" / "deep" / src).resolve().read_bytes()


def test_a_link_to_a_missing_anchor_stops_the_build_under_the_books_validation(project):
    validation = re.search(r"^validation:\n(?:[ #].*\n)+", (ROOT / "mkdocs.yml").read_text(encoding="utf-8"), re.M)
    assert validation, "mkdocs.yml turns on MkDocs' link validation"
    (project.root / "mkdocs.yml").write_text(MKDOCS_YML + validation[0], encoding="utf-8")
    good = "# Links\n\n## Section\n\n[a](#section) [b](index.md#fig-beta) [c](sub/deep.md#fig-beta)\n"
    project.page("links.md", good + "\n[x](#nope)\n\n[y](index.md#没有这一节)\n")
    _assert_fails(project.build(), "'links.md' contains a link '#nope'", "'index.md#没有这一节'")
    project.page("links.md", good)
    result = project.build()
    assert result.returncode == 0, result.log  # headings and figure ids are anchors it knows


def test_a_committed_output_in_docs_is_refused(project):
    (project.docs / "figures").mkdir()
    (project.docs / "figures" / "beta.svg").write_text("<svg/>")
    _assert_fails(project.build(), "docs/figures/beta.svg exists", "figures/beta.py")


def test_truncated_cache_entry_is_rerendered_by_the_build(project):
    assert project.build().returncode == 0
    entries = sorted((project.root / ".cache").rglob("*.svg"))
    assert len(entries) == 3 * 4  # three figures, four variants each
    for entry in entries:
        entry.write_bytes(entry.read_bytes()[:100])
    again = project.build()
    assert again.returncode == 0 and len(again.rendered) == 3
    svg = (project.site / "figures" / "beta.svg").read_bytes()
    assert svg.rstrip().endswith(b"</svg>")


@pytest.mark.parametrize(
    "page, says",
    [
        (
            "# 数学\n\n梯度 $\\nabla f$。\n\n拼错的 $\\nabal f$。\n",
            "math.md:5: TeX does not typeset (Undefined control sequence \\nabal): \\nabal f\n",
        ),
        (
            "# 数学\n\n一行。\n\n$$\n\\frac{1}{2\n$$\n",
            "math.md:5: TeX does not typeset (Missing close brace): \n\\frac{1}{2\n",
        ),
        # A figure above it becomes a dozen lines of Markdown: the line is still the page's as written.
        (
            "# 数学\n\n![](figures/beta.svg)\n\n拼错的 $\\nabal f$。\n",
            "math.md:5: TeX does not typeset (Undefined control sequence \\nabal): \\nabal f\n",
        ),
    ],
)
def test_tex_that_does_not_typeset_stops_the_build_naming_page_line_reason_and_formula(project, page, says):
    (project.root / "mkdocs.yml").write_text(
        MKDOCS_YML.replace(FIGURES_PLUGIN, FIGURES_PLUGIN + "  - gradbook/math\n")
        + "  - pymdownx.arithmatex:\n      generic: true\n",
        encoding="utf-8",
    )
    project.page("math.md", page)
    result = project.build()
    _assert_fails(result, "gradbook: " + says)  # MathJax's own words, and the TeX as written (not escaped)
    assert "\\\\" not in result.log


def _with_notebooks(project) -> None:
    (project.root / "mkdocs.yml").write_text(
        MKDOCS_YML.replace(
            FIGURES_PLUGIN,
            FIGURES_PLUGIN
            + (
                "  - mkdocs-jupyter:\n      include: ['practice/*.py']\n      execute: true\n"
                "      allow_errors: false\n      custom_mathjax_url: 'data:text/javascript,'\n"
                "  - gradbook/notebooks\n"
            ),
        ),
        encoding="utf-8",
    )


def test_a_notebook_that_raises_stops_the_build_naming_it(project):
    _with_notebooks(project)
    project.page("practice/nb.py", "# %% [markdown]\n# # 练习\n\n# %%\nx = 1\n\n# %%\nassert x == 2, '答案不对'\n")
    result = project.build()
    _assert_fails(result, "nb.py", "AssertionError", "答案不对")


def test_a_cells_printed_output_is_one_block_however_slow_the_cell(project):
    # ipykernel flushes print() on a 0.2 s timer: without coalescing, a cell slower than that
    # (any cell on a loaded CI machine) splits its output, and the page depends on the load.
    _with_notebooks(project)
    project.page(
        "practice/nb.py",
        (
            "# %%\nimport sys, time\n"
            "print('一'); time.sleep(0.5); print('二')\n"
            "print('警告', file=sys.stderr); time.sleep(0.5); print('三')\n"
        ),
    )
    result = project.build()
    assert result.returncode == 0, result.log[-3000:]
    page = (project.site / "practice" / "nb" / "index.html").read_text(encoding="utf-8")
    outputs = re.findall(r'jp-OutputArea-output" data-mime-type="([^"]+)"[^>]*>\s*<pre>([^<]*)</pre>', page)
    assert [(mime, text.split()) for mime, text in outputs] == [
        ("text/plain", ["一", "二", "三"]),
        ("application/vnd.jupyter.stderr", ["警告"]),
    ], outputs


def _notebook_entries(project) -> list[Path]:
    return sorted((project.root / ".cache" / "gradbook" / "notebooks").glob("*/*.json"))


def _with_cached_notebook(project) -> None:
    _with_notebooks(project)
    yml = project.root / "mkdocs.yml"
    yml.write_text(
        yml.read_text(encoding="utf-8").replace(
            "      allow_errors: false\n", "      allow_errors: false\n      cache: true\n"
        ),
        encoding="utf-8",
    )
    project.page("practice/nb.py", "# %%\nprint(6 * 7)\n")


def test_an_executed_notebook_is_a_checksummed_store_entry_and_a_truncated_one_runs_again(project):
    from gradbook.engine.store import Store

    _with_cached_notebook(project)
    first = project.build()
    assert first.returncode == 0, first.log[-3000:]
    assert "executing notebook practice/nb.py" in first.log
    assert not (project.root / ".cache" / "mkdocs-jupyter").exists(), "mkdocs-jupyter's own cache stays off"
    (entry,) = _notebook_entries(project)  # in the one store
    assert entry.read_bytes().startswith(b"GBSTORE1 notebooks ")  # kind in the header, with the checksum
    assert "executing notebook" not in project.build().log, "the second build reads the store"
    entry.write_bytes(entry.read_bytes()[:1000])  # what a build killed mid-write would leave
    again = project.build()
    assert again.returncode == 0, again.log[-3000:]
    assert "executing notebook practice/nb.py" in again.log, "a broken entry is a miss, never served"
    payload = Store(entry.parents[2]).get("notebooks", entry.stem, "json")
    assert payload is not None and "<pre>42" in json.loads(payload)["content"], "the entry is written afresh"
    assert "<pre>42" in (project.site / "practice" / "nb" / "index.html").read_text(encoding="utf-8")


def test_a_dirty_rebuild_keeps_the_executed_notebooks_a_full_build_needs(project):
    # mkdocs serve --dirty rebuilds only the edited page: its cache evicted every notebook it skipped.
    _with_cached_notebook(project)
    assert project.build().returncode == 0
    entries = _notebook_entries(project)
    project.page("index.md", (project.docs / "index.md").read_text(encoding="utf-8") + "\n又一段。\n")
    dirty = project.build("--dirty", "--no-strict")  # strict mode refuses a dirty build
    assert dirty.returncode == 0, dirty.log[-3000:]
    assert _notebook_entries(project) == entries
    full = project.build()
    assert full.returncode == 0 and "executing notebook" not in full.log, full.log[-3000:]


def test_notebooks_unused_for_a_month_leave_the_store_and_used_ones_stay(project):
    _with_cached_notebook(project)
    assert project.build().returncode == 0
    (used,) = _notebook_entries(project)
    stale = used.with_name("0" * 64 + ".json")
    stale.write_bytes(b"an entry of a notebook since edited")
    month = 31 * 86400
    for entry in (used, stale):
        os.utime(entry, (entry.stat().st_atime - month, entry.stat().st_mtime - month))
    again = project.build()
    assert again.returncode == 0 and "executing notebook" not in again.log, again.log[-3000:]
    assert _notebook_entries(project) == [used], "the used entry was touched, the stale one pruned"


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _fetch(url: str) -> tuple[int, str]:
    import urllib.error
    import urllib.request

    try:
        with urllib.request.urlopen(url, timeout=60) as r:  # a page that hangs fails here
            return r.status, r.read().decode("utf-8")
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode("utf-8")


def _poll(url: str, done, what: str, serve) -> str:
    import time

    deadline = time.monotonic() + 300  # rebuilds on a loaded machine
    while time.monotonic() < deadline:
        assert serve.poll() is None, "mkdocs serve exited"
        try:
            status, text = _fetch(url)
        except OSError:  # not listening yet
            status, text = 0, ""
        if done(status, text):
            return text
        time.sleep(0.5)
    raise AssertionError(f"the served page never showed {what}")


def _fold_of(url: str, page: str, name: str = "beta") -> str:
    """The source the fold of figures/``name``.py in ``page`` (served at ``url``) points at, as served
    ("" if none)."""
    from urllib.parse import urljoin

    m = re.search(rf'data-gb-source="([^"]*/?{name}-[0-9a-f]{{8}}\.html)"', page)
    try:
        return _fetch(urljoin(url, m[1]))[1] if m else ""
    except OSError:
        return ""


def _serve(project, *args: str, **env: str) -> tuple[subprocess.Popen, str]:
    """``mkdocs serve`` of ``project`` (with ``args``, extra ``env``) and the home page's address."""
    port = _free_port()
    env = dict(ENV, PYTHONPATH=os.pathsep.join([str(project.pkg), str(project.root)]), **env)
    serve = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", "-f", "mkdocs.yml", "-a", f"127.0.0.1:{port}", *args],
        cwd=project.root,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return serve, f"http://127.0.0.1:{port}/"


def test_under_serve_a_failing_figure_shows_an_error_page_and_the_page_recovers(project):
    serve, url = _serve(project)
    good = (project.figures / "beta.py").read_text(encoding="utf-8")
    try:
        _poll(url, lambda status, text: status == 200 and "beta.svg" in text, "the book", serve)
        (project.figures / "beta.py").write_text(good.replace("    return fig", "    return 1 / 0"), encoding="utf-8")
        error = _poll(url, lambda status, text: status == 500 and "gb-build-error" in text, "the error", serve)
        for named in ("index.md", "beta", "ZeroDivisionError", "/livereload/"):  # page, figure, reason, reload
            assert named in error, named
        (project.figures / "beta.py").write_text(good, encoding="utf-8")
        _poll(url, lambda status, text: status == 200 and "beta.svg" in text, "the fixed page", serve)
    finally:
        serve.terminate()
        serve.wait(timeout=60)


def test_quick_serve_shows_a_script_edit_and_its_undo(project):
    """Under --dirty a page is rebuilt when its figure blocks change, also when the figure comes back
    from the store (an edit undone), not only when it is drawn."""
    serve, url = _serve(project, "--dirty", GRADBOOK_QUICK="1")
    script = project.figures / "beta.py"
    good = script.read_text(encoding="utf-8")
    try:
        _poll(url, lambda status, text: status == 200 and "beta.svg" in text, "the book", serve)
        script.write_text(good + "# 改过一次\n", encoding="utf-8")
        _poll(url, lambda status, text: "改过一次" in _fold_of(url, text), "the edited script in its fold", serve)
        script.write_text(good, encoding="utf-8")
        undone = lambda status, text: "make" in (fold := _fold_of(url, text)) and "改过一次" not in fold  # noqa: E731
        _poll(url, undone, "the edit undone", serve)
    finally:
        serve.terminate()
        serve.wait(timeout=60)


def test_quick_serve_redraws_what_the_author_edits_not_what_shared_code_touches(project):
    assert project.build().returncode == 0
    old = (project.site / "figures" / "alpha.svg").read_bytes()
    (project.pkg / "gradbook" / "probe_dep.py").write_text("SLOPE = 3.0\n", encoding="utf-8")  # shared code
    quick = project.build("--no-strict", GRADBOOK_QUICK="1")
    assert quick.returncode == 0, quick.log[-3000:]
    assert quick.rendered == [] and "quick serve: 1 figure(s) as last rendered" in quick.log
    assert (project.site / "figures" / "alpha.svg").read_bytes() == old
    project.figure("alpha", (project.figures / "alpha.py").read_text(encoding="utf-8") + "# edited\n")
    assert project.build("--no-strict", GRADBOOK_QUICK="1").rendered == ["alpha.svg"], (
        "its own script's edit redraws it"
    )
    project.figure("beta", (project.figures / "beta.py").read_text(encoding="utf-8"))
    full = project.build()
    assert full.rendered == [], "the quick render was of the current code: the full build keeps it"
    assert (project.site / "figures" / "alpha.svg").read_bytes() != old
    # Stale figures are a warning: a strict build (CI, dev.py build) refuses to publish them.
    (project.pkg / "gradbook" / "probe_dep.py").write_text("SLOPE = 4.0\n", encoding="utf-8")
    assert project.build(GRADBOOK_QUICK="1").returncode != 0
