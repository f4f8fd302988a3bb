"""The notebook pages' one stylesheet (gradbook/engine/nbstyle.py): JupyterLab's CSS pruned to
what the pages use, linked from their head instead of inlined in each."""

from __future__ import annotations

import re

import pytest

from gradbook.engine import nbstyle

CSS = """
.jupyter-wrapper{--jp-a: red;--jp-b: var(--jp-c);--jp-c: blue;--jp-unread: green}
.jupyter-wrapper .jp-Cell{color:var(--jp-a)}
.jupyter-wrapper .jp-FileBrowser{color:var(--jp-unread)}
.jupyter-wrapper .jp-Cell .jp-FileBrowser, .jupyter-wrapper .jp-OutputArea pre{border-color:var(--jp-b)}
.jupyter-wrapper .md-typeset__scrollwrap{margin:0}
.jupyter-wrapper .jp-Cell:not(.jp-Unknown){padding:0}
@media (max-width: 760px){.jupyter-wrapper .jp-Toolbar{display:none}.jupyter-wrapper .jp-Cell{margin:0}}
@keyframes jp-spin{to{transform:rotate(1turn)}}
@keyframes jp-used{to{opacity:0}}
.jupyter-wrapper .jp-OutputArea{animation:jp-used 1s}
"""


def test_prune_keeps_what_the_pages_can_match_and_the_properties_it_reads():
    out = nbstyle.prune(CSS, {"jupyter-wrapper", "jp-Cell", "jp-OutputArea"}, extra=[".x{color:var(--jp-extra)}"])
    assert ".jupyter-wrapper .jp-Cell{color:var(--jp-a)}" in out
    assert "jp-FileBrowser" not in out  # a class no page has: the rule, or the selector, goes
    assert ".jupyter-wrapper .jp-OutputArea pre{" in out
    assert ".md-typeset__scrollwrap" in out  # Material's classes: its bundle adds some at run time
    assert ":not(.jp-Unknown)" in out  # inside a function: not judged
    assert "jp-Toolbar" not in out and re.search(r"@media \(max-width: 760px\)\{\s*\.jupyter-wrapper \.jp-Cell", out)
    # read directly, through another property (--jp-b reads --jp-c), or not at all
    assert "--jp-a: red" in out and "--jp-b:" in out and "--jp-c: blue" in out and "--jp-unread" not in out
    assert "jp-used" in out and "jp-spin" not in out


def test_split_takes_out_the_styles_and_the_idle_loaders():
    html = (
        '<style type="text/css">.a{}</style><script src="data:text/javascript,"> </script>'
        '<script type="text/x-mathjax-config">init_mathjax()</script>'
        '<script type="module">import("mermaid.esm.min.mjs")</script>'
        '<script>copy()</script><div class="jp-Cell">x</div><style>.b{}</style>'
    )
    rest, styles = nbstyle.split(html)
    assert styles == [".a{}", ".b{}"]
    assert rest == '<script>copy()</script><div class="jp-Cell">x</div>'
    with_diagram = html.replace('class="jp-Cell"', 'class="jp-Mermaid"')
    assert "mermaid.esm" in nbstyle.split(with_diagram)[0]  # a page with a diagram keeps its loader


@pytest.mark.site
def test_notebook_pages_link_one_shared_stylesheet(site_dir):
    pages = sorted((site_dir / "practice").glob("*/index.html"))
    assert pages
    links = set()
    for page in pages:
        html = page.read_text(encoding="utf-8")
        assert "<style" not in html[html.index("<article") :], f"{page}: inline CSS in the notebook"
        assert "mermaid.esm" not in html and "x-mathjax-config" not in html, page
        found = re.findall(r'<link rel="stylesheet" href="\.\./\.\./(assets/stylesheets/notebooks\.\w{8}\.css)">', html)
        assert len(found) == 1 and html.index(found[0]) < html.index("</head>"), page
        links.add(found[0])
    (sheet,) = links
    css = (site_dir / sheet).read_text(encoding="utf-8")
    assert ".jp-OutputArea-output" in css and ".highlight-ipynb" in css
    assert "jp-FileBrowser" not in css and len(css) < 60_000
