"""The API page (docs/api.md): every public module is documented, the table of who uses what
is true, and the built page has every module and lists functions with their docstrings."""

from __future__ import annotations

import json
import re

import pytest
import yaml

from tests.chapters import DOCS, ROOT, markdown

PAGE = markdown("api.md")
ENGINE_PUBLIC = ["engine.render", "engine.style", "engine.cli"]
# Pages whose code a reader runs: the chapters' snippets, the notebooks, the appendix, the reuse pages.
READER_PAGES = [
    *sorted((DOCS / "chapters").glob("*.md")),
    *sorted((DOCS / "practice").glob("*.py")),
    *sorted((DOCS / "appendix").glob("*.md")),
    DOCS / "index.md",
    DOCS / "reuse.md",
]


def _math_modules() -> list[str]:
    package = ROOT / "gradbook"
    modules = [p.stem for p in package.glob("*.py") if p.stem != "__init__"]
    return sorted([*modules, "autodiff"])


def _rows() -> dict[str, str]:
    """``{module: "用到它的地方" cell}`` from the page's table."""
    rows = re.findall(r"^\| \[([\w.]+)\]\(#gradbook\.\1\) \| [^|]+ \| ([^|]+) \|$", PAGE, re.M)
    return dict(rows)


def _uses(module: str) -> set[str]:
    """The reader pages whose code imports ``gradbook.<module>``, as the page links them."""
    found = set()
    pattern = rf"\bgradbook\.{re.escape(module)}\b|from gradbook import [\w, ]*\b{module}\b"
    if module == "engine.cli":  # the command it implements, as the pages show it
        pattern = r"^\s*(gradbook (list|render|export)|python figures/)"
    for path in READER_PAGES:
        text = path.read_text(encoding="utf-8")
        if re.search(pattern, text, re.M):
            found.add(path.relative_to(DOCS).as_posix())
    return found


def test_every_public_module_is_on_the_page_and_in_the_table():
    documented = re.findall(r"^::: gradbook\.([\w.]+)$", PAGE, re.M)
    assert sorted(documented) == sorted(_math_modules() + ENGINE_PUBLIC)
    assert sorted(_rows()) == sorted(documented), "one table row per documented module"


@pytest.mark.parametrize("module", _math_modules() + ENGINE_PUBLIC)
def test_the_table_says_which_pages_use_each_module(module):
    cell = _rows()[module]
    linked = set(re.findall(r"\]\(([^)#]+)\)", cell))
    assert linked == _uses(module), f"{module}: the table links {sorted(linked)}"
    if not linked:
        assert "没有" in cell, f"{module}: say that no page uses it"


def test_the_api_page_is_in_the_nav():
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    nav = yaml.load(config[config.index("\nnav:") :], Loader=yaml.SafeLoader)["nav"]
    flat = json.dumps(nav, ensure_ascii=False)
    assert '{"API 参考": "api.md"}' in flat


@pytest.mark.site
def test_the_built_page_documents_every_module_and_function(site_dir):
    import ast

    page = (site_dir / "api" / "index.html").read_text(encoding="utf-8")
    for module in _math_modules() + ENGINE_PUBLIC:
        assert f'id="gradbook.{module}"' in page, module
    # every public function of the math modules has its heading and its docstring's first line
    for path in sorted((ROOT / "gradbook").glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:
            if isinstance(node, ast.FunctionDef) and not node.name.startswith("_"):
                anchor = f'id="gradbook.{path.stem}.{node.name}"'
                assert anchor in page, anchor
    # the members stay out of the search index every page loads; the introduction is in it
    index = json.loads((site_dir / "search" / "search_index.json").read_text(encoding="utf-8"))
    api = [d["location"] for d in index["docs"] if d["location"].startswith("api/")]
    assert "api/" in api and not [loc for loc in api if loc.startswith("api/#gradbook.")]
