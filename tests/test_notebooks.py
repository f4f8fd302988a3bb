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
