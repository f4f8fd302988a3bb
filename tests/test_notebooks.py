"""Every practice notebook runs top to bottom, and its worked solution's own checks pass.

Notebooks live in git as jupytext percent scripts; the second build of the book (tests/conftest.py)
runs each one in its own store whenever its text or the code it imports changed, and a solution
that stops working stops that build.
"""

from __future__ import annotations

import re

import pytest

from tests.chapters import DOCS, ROOT

NOTEBOOKS = sorted(p.relative_to(DOCS).as_posix() for p in (DOCS / "practice").glob("*.py"))


def test_there_is_a_notebook_per_chapter():
    chapters = sorted((DOCS / "chapters").glob("*.md"))
    numbers = {int(re.match(r"(\d+)_", p.split("/")[-1])[1]) for p in NOTEBOOKS}
    assert numbers >= set(range(1, len(chapters) + 1)), f"practice notebooks: {NOTEBOOKS}"


@pytest.mark.site
@pytest.mark.parametrize("notebook", NOTEBOOKS)
def test_notebook_executes_and_checks_its_solution(clean_site, notebook):
    import jupytext

    nb = jupytext.read(DOCS / notebook)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code, f"{notebook} has no code"
    # The last code cell holds the solution's checks: a notebook that asserts nothing proves nothing.
    assert re.search(r"^\s*assert\b", code[-1].source, re.M), f"{notebook}: the last code cell must assert"
    # The second build ran every notebook top to bottom in its own store (tests/conftest.py), where
    # an error stops the build: so it is run once, for the page and for this test.
    plugin = re.search(
        r"^  - mkdocs-jupyter:\n((?:      .*\n)+)", (ROOT / "mkdocs.yml").read_text(encoding="utf-8"), re.M
    )
    assert plugin and re.search(r"^\s+allow_errors: false\b", plugin[1], re.M), "a notebook error must stop the build"
    page = (clean_site / notebook.removesuffix(".py") / "index.html").read_text(encoding="utf-8")
    assert "jp-OutputArea-output" in page, f"{notebook}: the second build shows no output: was it run?"
    assert "Traceback" not in page, f"{notebook}: the page shows an error"


@pytest.mark.site
@pytest.mark.parametrize("notebook", NOTEBOOKS)
def test_the_page_offers_the_notebook_for_download(site_dir, notebook):
    import jupytext
    import nbformat

    stem = notebook.removesuffix(".py")
    name = stem.split("/")[-1]
    page = (site_dir / stem / "index.html").read_text(encoding="utf-8")
    assert f'href="{name}.ipynb" download' in page and f'href="{name}.py" download' in page
    downloaded = nbformat.read(site_dir / stem / f"{name}.ipynb", as_version=4)
    nbformat.validate(downloaded)
    source = jupytext.read(DOCS / notebook)
    # the same cells, with the install cell's placeholder filled in (tests/test_notebook_install.py)
    from gradbook.engine.wheel import url
    from gradbook.mkdocs.wheel import PLACEHOLDER
    from tests.test_notebook_install import site_url

    fill = lambda text: text.replace(PLACEHOLDER, url(site_url(), ROOT))  # noqa: E731
    assert [c.source for c in downloaded.cells] == [fill(c.source) for c in source.cells]
    assert all(not c.get("outputs") for c in downloaded.cells if c.cell_type == "code"), "a clean notebook"
    assert (site_dir / stem / f"{name}.py").read_text(encoding="utf-8") == fill(
        (DOCS / notebook).read_text(encoding="utf-8")
    )


# --- folded solutions --------------------------------------------------------------------------


def _cells(notebook):
    import jupytext

    return jupytext.read(DOCS / notebook).cells


def _is_solution(cell) -> bool:
    from gradbook.engine.notebook import SOLUTION_TAG

    return cell.cell_type == "code" and SOLUTION_TAG in cell.metadata.get("tags", [])


@pytest.mark.parametrize("notebook", NOTEBOOKS)
def test_every_stub_is_followed_by_its_folded_solution(notebook):
    """The reader tries first: each stub's worked solution is the next code cell, tagged so the
    page folds it and collapsed (source and output) in Jupyter; nothing announces it in plain view."""
    cells = _cells(notebook)
    code = [c for c in cells if c.cell_type == "code"]
    stubs = [i for i, c in enumerate(code) if "你的代码写在这里" in c.source]
    assert stubs, f"{notebook} has no stub for the reader to fill in"
    for i in stubs:
        solution = code[i + 1]
        assert _is_solution(solution), f"{notebook}: the cell after stub {i} is not tagged as its solution"
        assert solution.metadata.get("jupyter") == {"source_hidden": True, "outputs_hidden": True}
        defined = re.findall(r"^def (\w+)", code[i].source, re.M)
        assert defined and all(re.search(rf"^def {name}\b", solution.source, re.M) for name in defined)
    assert sum(_is_solution(c) for c in code) == len(stubs)
    assert not any(re.search(r"^#+\s*参考答案", c.source, re.M) for c in cells if c.cell_type == "markdown")


def test_fold_solutions_wraps_the_tagged_cell_with_its_output():
    from gradbook.engine.notebook import fold_solutions

    cell = (
        '<div class="jp-Cell jp-CodeCell jp-Notebook-cell celltag_solution">\n'
        '<div class="jp-Cell jp-CodeCell jp-Notebook-cell celltag_solution" id="cell-2">\n'
        '<div class="celltoolbar"><div><span class="cell-tag">solution</span></div></div>\n'
        '<div class="highlight-ipynb"><pre>x = 1</pre></div>\n'
        '<div class="jp-OutputArea"><div><pre>1</pre></div></div>\n</div>\n</div>'
    )
    plain = '<div class="jp-Cell jp-CodeCell jp-Notebook-cell">\n<div><pre>y = 2</pre></div>\n</div>'
    page = f"<p>a</p>{plain}{cell}{plain}"
    folded = fold_solutions(page)
    assert folded.count("<details") == 1 and folded.count("</details>") == 1
    inside = folded[folded.index("<details") : folded.index("</details>")]
    assert "x = 1" in inside and "<pre>1</pre>" in inside and "y = 2" not in inside
    assert "celltoolbar" not in folded and "<summary>参考答案</summary>" in inside
    assert folded.count("<div") == folded.count("</div>") == page.count("<div") - 2  # the tag chip is gone
    assert folded.replace(inside, "").count("y = 2") == 2
    assert fold_solutions(plain) == plain


@pytest.mark.site
@pytest.mark.parametrize("notebook", NOTEBOOKS)
def test_the_page_folds_every_solution(site_dir, notebook):
    import html

    stem = notebook.removesuffix(".py")
    page = (site_dir / stem / "index.html").read_text(encoding="utf-8")
    solutions = [c for c in _cells(notebook) if _is_solution(c)]
    folds = re.findall(r'<details class="success gb-solution"><summary>参考答案</summary>(.*?)</details>', page, re.S)
    assert len(folds) == len(solutions) >= 1
    for fold, cell in zip(folds, solutions):
        text = html.unescape(re.sub(r"<[^>]+>", "", fold))
        assert all(line in text for line in cell.source.strip().splitlines()), "the fold holds the whole solution"
        assert "jp-OutputArea" in fold or "jp-mod-noOutputs" in fold
    assert "celltag_solution" not in re.sub(r"<details.*?</details>", "", page, flags=re.S)
    import nbformat  # the downloaded notebook keeps the solutions collapsed in Jupyter too

    name = stem.split("/")[-1]
    downloaded = nbformat.read(site_dir / stem / f"{name}.ipynb", as_version=4)
    hidden = [c for c in downloaded.cells if "solution" in c.metadata.get("tags", [])]
    assert len(hidden) == len(solutions) and all(c.metadata["jupyter"]["source_hidden"] for c in hidden)
