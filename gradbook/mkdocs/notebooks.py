"""MkDocs adapter ``gradbook/notebooks``: the pages mkdocs-jupyter makes from jupytext scripts.

Which pages: mkdocs-jupyter's own ``include`` and ``ignore`` options. For each, this adapter
offers the clean ``.ipynb`` for download, folds the worked solutions, gives cells and headings
stable ids, and makes the executed output independent of machine load (one block per stream).

What it still touches of mkdocs-jupyter, and why:
- nbconvert's configuration, not mkdocs-jupyter's code: ``nbconvert/jupyter_nbconvert_config.py``
  goes on JUPYTER_CONFIG_PATH, and mkdocs-jupyter loads it before its own settings;
- its ``cache_dir`` option: its cache is keyed on the notebook's text and options only, so the
  adapter points it at a folder of the gradbook store named by what else the output depends on
  (the gradbook modules the notebooks import, library versions), and removes the truncated
  entries its non-atomic writes leave behind after a killed build.
"""

from __future__ import annotations

import itertools
import json
import logging
import os
import posixpath
import re
from importlib import metadata
from pathlib import Path, PurePath

from mkdocs.config.base import Config
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files

from gradbook.engine import deps, store
from gradbook.engine.notebook import fold_solutions

log = logging.getLogger("mkdocs.plugins.gradbook")
NBCONVERT_CONFIG = Path(__file__).resolve().with_name("nbconvert")
_CELL_ID = re.compile(r'id="cell-id=[0-9a-f-]+"')
_HEADING = re.compile(r'(<h[1-6][^>]*\sid=")([^"]*)("[^>]*>)(.*?)(</h[1-6]>)', re.S)


class NotebooksConfig(Config):
    pass  # everything comes from mkdocs-jupyter's own options


class NotebooksPlugin(BasePlugin[NotebooksConfig]):
    supports_multiple_instances = False

    def on_config(self, config):
        self.jupyter = config.plugins.get("mkdocs-jupyter")
        if self.jupyter is None:
            raise PluginError("gradbook/notebooks adapts mkdocs-jupyter's pages: add mkdocs-jupyter to the plugins")
        self.root = Path(config.config_file_path).resolve().parent
        paths = [p for p in os.environ.get("JUPYTER_CONFIG_PATH", "").split(os.pathsep) if p]
        if str(NBCONVERT_CONFIG) not in paths:
            os.environ["JUPYTER_CONFIG_PATH"] = os.pathsep.join([str(NBCONVERT_CONFIG), *paths])
        return config

    def notebook(self, file: File) -> bool:
        """Whether mkdocs-jupyter turns ``file`` (a jupytext script) into a page: its own rule."""
        if file.abs_src_path is None or not file.src_uri.endswith(".py"):
            return False
        path = PurePath(file.abs_src_path)
        return not any(path.match(p) for p in self.jupyter.config["ignore"]) and any(
            path.match(p) for p in self.jupyter.config["include"]
        )

    def on_files(self, files: Files, config) -> Files:
        notebooks = [file for file in files if self.notebook(file)]
        if self.jupyter.config.get("cache"):
            self._key_execution_cache(notebooks)
        for file in notebooks:
            files.append(File.generated(config, _download(file.src_uri), content=_clean_ipynb(file)))
        return files

    def _key_execution_cache(self, notebooks: list[File]) -> None:
        code = [p for file in notebooks for p in deps.module_deps(Path(file.abs_src_path))]
        versions = {dist: metadata.version(dist) for dist in ("mkdocs-jupyter", "nbconvert")}
        key = store.key(
            "notebooks",
            environment=deps.environment_digest(),
            versions=versions,
            code=deps.code_digests([*code, deps.PACKAGE_DIR / "engine" / "notebook.py"]),
        )
        folder = store.cache_root(self.root / ".cache" / "gradbook") / "notebooks" / key[:16]
        self.jupyter.config["cache_dir"] = str(folder)
        for entry in sorted(folder.glob("*.json")) if folder.is_dir() else ():
            try:
                ok = isinstance(json.loads(entry.read_text(encoding="utf-8")).get("content"), str)
            except (ValueError, AttributeError):
                ok = False
            if not ok:
                log.info("gradbook: dropped a broken notebook cache entry %s; the notebook runs again", entry.name)
                entry.unlink()

    def on_page_content(self, html_text: str, page, config, files):
        if not self.notebook(page.file):
            return html_text
        html_text = fold_solutions(_align_anchors(html_text, page.toc))
        # mkdocs-jupyter reads the .py afresh each build and nbformat gives the cells random ids
        counter = itertools.count(1)
        html_text = _CELL_ID.sub(lambda m: f'id="cell-{next(counter)}"', html_text)
        name, source = posixpath.basename(_download(page.file.src_uri)), posixpath.basename(page.file.src_uri)
        box = (
            '<p class="gb-download">'
            f'<a class="md-button md-button--primary" href="{name}" download>下载笔记本 .ipynb</a> '
            f'<a class="md-button" href="{source}" download>jupytext 源文件 .py</a>'
            "</p>"
        )
        title = html_text.find("</h1>") + len("</h1>")  # under the title, not above it
        return html_text[:title] + box + html_text[title:] if title >= len("</h1>") else box + html_text


def _download(src_uri: str) -> str:
    """The .ipynb offered beside a notebook page (in the page's own folder)."""
    stem = posixpath.splitext(src_uri)[0]
    return f"{stem}/{posixpath.basename(stem)}.ipynb"


def _clean_ipynb(file: File) -> str:
    """The notebook as a plain .ipynb without outputs or jupytext pairing, the same bytes each build."""
    try:
        import jupytext
    except ImportError:
        raise PluginError("gradbook: notebook downloads need jupytext (pip install gradbook[docs])") from None
    try:
        nb = jupytext.reads(Path(file.abs_src_path).read_text(encoding="utf-8"), fmt="py:percent")
    except Exception as exc:  # jupytext raises many types; name the file
        raise PluginError(f"gradbook: {file.src_uri}: cannot read as a jupytext notebook: {exc}") from None
    nb.metadata.pop("jupytext", None)
    for i, cell in enumerate(nb.cells, 1):
        cell.id = f"cell-{i}"  # nbformat draws random ids
    return jupytext.writes(nb, fmt="ipynb")


def _align_anchors(html_text: str, toc) -> str:
    """mkdocs-jupyter builds the table of contents with Python-Markdown, which numbers repeated
    slugs (#_1), but nbconvert writes the headings' ids without numbering them, so the sidebar's
    links to a repeated heading lead nowhere. Give the headings the TOC's ids."""
    toc_ids: list[str] = []

    def walk(items):
        for item in items:
            toc_ids.append(item.id)
            walk(item.children)

    walk(toc)
    if len(_HEADING.findall(html_text)) != len(toc_ids):
        return html_text  # different shape: leave it (the link test will say so)
    ids = iter(toc_ids)

    def fix(m: re.Match) -> str:
        new = next(ids)
        inner = m[4].replace(f'href="#{m[2]}"', f'href="#{new}"')
        return f"{m[1]}{new}{m[3]}{inner}{m[5]}"

    return _HEADING.sub(fix, html_text)
