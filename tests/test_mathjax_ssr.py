"""Build-time math: what gradbook.engine.tex promises, tested without MkDocs."""

from __future__ import annotations

import re
import shutil

import pytest

from gradbook.engine import tex as tex_module
from gradbook.engine.tex import COMPONENTS, MathError, MathRenderer, es5_dir, share_glyphs

# \left( … \right) around a tall matrix draws stretchy delimiters from MathJax's size fonts
# (ids like TEX-S3-28), which carry a digit in the font name.
PAGE = (
    '<p><span class="arithmatex">\\(\\boldsymbol{x}^\\top \\nabla f\\)</span> and '
    '<span class="arithmatex">\\(\\left(\\begin{matrix}1\\\\2\\\\3\\\\4\\end{matrix}\\right)\\)</span></p>'
    '<div class="arithmatex">\\[\\frac{\\partial L}{\\partial w} = 2(\\hat y - y)\\,x\\]</div>'
)


@pytest.fixture(scope="module")
def renderer(tmp_path_factory):
    with MathRenderer(tmp_path_factory.mktemp("math")) as r:
        yield r


def _ids_and_refs(html_text: str) -> tuple[list[str], set[str]]:
    ids = re.findall(r'\bid="([^"]+)"', html_text)
    refs = set(re.findall(r'xlink:href="#([^"]+)"', html_text))
    return ids, refs


def test_a_page_is_typeset_with_each_glyph_defined_once_and_every_reference_resolved(renderer):
    out = share_glyphs(renderer.typeset_arithmatex(PAGE))
    assert "\\(" not in out and "\\[" not in out
    assert out.count("<mjx-container") == 3 and out.count('display="true"') == 1
    ids, refs = _ids_and_refs(out)
    assert len(ids) == len(set(ids)), "a glyph defined twice on one page"
    assert refs and refs <= set(ids), f"references without a definition: {sorted(refs - set(ids))[:5]}"
    assert any("-TEX-S" in r for r in refs), "the stretchy delimiters were expected to use the size fonts"
    assert any("-TEX-B" in r for r in refs), "\\boldsymbol was expected to use the bold font"
    # MathJax numbers its glyph ids per engine run; none of that counter may reach the page.
    assert not re.search(r"MJX-\d+-", out), re.search(r".{40}MJX-\d+-.{20}", out)


def test_the_page_does_not_depend_on_what_the_cache_held(tmp_path):
    with MathRenderer(tmp_path / "cache") as warm:
        # Fill the cache in a different order, so MathJax's running counters differ.
        warm.tex("\\left(\\begin{matrix}1\\\\2\\\\3\\\\4\\end{matrix}\\right)", False)
        warm.typeset_arithmatex(PAGE)
    with MathRenderer(tmp_path / "cache") as cached, MathRenderer(None) as cold:
        from_cache = share_glyphs(cached.typeset_arithmatex(PAGE))
        fresh = share_glyphs(cold.typeset_arithmatex(PAGE))
        assert cached.stats["typeset"] == 0 and cold.stats["cached"] == 0
    assert from_cache == fresh


def test_tex_that_does_not_typeset_names_the_formula(renderer):
    with pytest.raises(MathError, match=r"\\frac\{1\}\{2"):
        renderer.tex("\\frac{1}{2", False)
    with pytest.raises(MathError, match=r"\(Undefined control sequence \\nosuchmacro\): \\nosuchmacro\{x\}$"):
        renderer.tex("\\nosuchmacro{x}", True)


def test_a_damaged_cache_entry_is_typeset_again_never_served(tmp_path):
    with MathRenderer(tmp_path) as first:
        good = first.tex("a^2 + b^2", False)
    [entry] = [p for p in tmp_path.rglob("*") if p.is_file()]
    entry.write_bytes(entry.read_bytes()[: len(entry.read_bytes()) // 2])  # a half-written file
    with MathRenderer(tmp_path) as second:
        assert second.tex("a^2 + b^2", False) == good
        assert second.stats == {"typeset": 1, "cached": 0}
    with MathRenderer(tmp_path) as third:
        assert third.tex("a^2 + b^2", False) == good and third.stats == {"typeset": 0, "cached": 1}
    assert not [p for p in tmp_path.rglob("*.tmp")], "a temporary file was left behind"


def test_notebook_dollars_are_typeset_outside_code_only(renderer):
    cell = (
        '<div class="jp-RenderedHTMLCommon jp-RenderedMarkdown jp-MarkdownOutput" '
        'data-mime-type="text/markdown">\n<p>梯度 $\\nabla f$，价格 <code>$5$</code></p>\n'
        "<p>$$L = \\tfrac12 (f - y)^2$$</p>\n</div>"
    )
    out = renderer.typeset_dollars(cell)
    assert out.count("<mjx-container") == 2
    assert "<code>$5$</code>" in out


def test_the_store_key_is_mathjaxs_code_and_configuration_not_where_it_is_installed(tmp_path, monkeypatch):
    def key_with(es5, options=None) -> str:
        monkeypatch.setattr(tex_module, "es5_dir", lambda: es5)
        if options is not None:
            monkeypatch.setattr(tex_module, "CONFIG", options)
        return MathRenderer(tmp_path / "store")._key("a^2", False)

    installed = key_with(es5_dir())
    moved = tmp_path / "elsewhere" / "es5"
    for rel in COMPONENTS:
        (moved / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(es5_dir() / rel, moved / rel)
    assert key_with(moved) == installed, "the same MathJax elsewhere: the same key"
    with (moved / "output" / "svg.js").open("a") as f:
        f.write("\n// another version\n")
    upgraded = key_with(moved)
    assert upgraded != installed, "other MathJax code: another key"
    assert key_with(moved, options="another configuration") != upgraded
    assert MathRenderer(tmp_path / "store")._key("a^2", True) != MathRenderer(tmp_path / "store")._key("a^2", False)


MML = r"<mjx-assistive-mml.*</mjx-assistive-mml>"


def test_slim_math_draws_the_same_glyphs_at_the_same_places_with_fewer_elements(renderer):
    from gradbook.engine.mathsvg import slim

    page = renderer.typeset_arithmatex(PAGE)
    for full in re.findall(r"<mjx-container.*?</mjx-container>", page, re.S):
        light = slim(full)
        assert light.count("<") < full.count("<") and len(light) < len(full)
        assert len(re.findall(r"<g[ >]", light)) == light.count("</g>")  # still balanced
        # The same glyphs, in the same order; the assistive MathML's elements and text kept.
        assert re.findall(r'href="#([^"]+)"', light) == re.findall(r'href="#([^"]+)"', full)
        mml = [re.sub(r' (?:xmlns|data-mjx-texclass)="[^"]*"', "", re.search(MML, x, re.S)[0]) for x in (light, full)]
        assert mml[0] == mml[1]
    assert 'data-mml-node="mtable"' in share_glyphs(page)  # MathJax's stylesheet reads it


def test_a_glyph_outline_in_relative_commands_is_the_same_outline():
    from gradbook.engine.mathsvg import relative_path

    d = "M266 654H280V700L300 710Q500 654 524 418T89 683ZM10 20 30 40C1 2 3 4 5 6Z"
    assert relative_path(d) == "m266 654h14v46l20 10q200-56 224-292t-435 265zm-256-634l20 20c-29-38-27-36-25-34z"
    assert relative_path("m1 2l3 4") == "m1 2l3 4"  # relative already: left as it is
