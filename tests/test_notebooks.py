"""Every practice notebook runs top to bottom, and its worked solution's own checks pass.

Notebooks live in git as jupytext percent scripts; here each is converted and executed with
nbclient, so a solution that stops working fails the tests (mkdocs-jupyter's build does too).
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


@pytest.mark.parametrize("notebook", NOTEBOOKS)
def test_notebook_executes_and_checks_its_solution(notebook):
    import jupytext
    from nbclient import NotebookClient

    nb = jupytext.read(DOCS / notebook)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code, f"{notebook} has no code"
    # The last code cell holds the solution's checks: a notebook that asserts nothing proves nothing.
    assert re.search(r"^\s*assert\b", code[-1].source, re.M), f"{notebook}: the last code cell must assert"
    client = NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(ROOT)}})
    client.execute()
    errors = [o for c in code for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors, f"{notebook}: {errors[0].get('ename')}: {errors[0].get('evalue')}"


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
    assert [c.source for c in downloaded.cells] == [c.source for c in source.cells]
    assert all(not c.get("outputs") for c in downloaded.cells if c.cell_type == "code"), "a clean notebook"
    assert (site_dir / stem / f"{name}.py").read_bytes() == (DOCS / notebook).read_bytes()
