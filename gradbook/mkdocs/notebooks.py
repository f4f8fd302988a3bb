"""MkDocs adapter ``gradbook/notebooks``: the pages mkdocs-jupyter makes from jupytext scripts.

Which pages: mkdocs-jupyter's own ``include`` and ``ignore`` options. For each, this adapter
offers the clean ``.ipynb`` for download, folds the worked solutions, gives cells and headings
stable ids, and makes the executed output independent of machine load (one block per stream).

What it still touches of mkdocs-jupyter, and why:
- nbconvert's configuration, not mkdocs-jupyter's code: ``nbconvert/jupyter_nbconvert_config.py``
  goes on JUPYTER_CONFIG_PATH, and mkdocs-jupyter loads it before its own settings;
- its cache, which it turns off: that cache is keyed on the notebook's text and options only, is
  written without a checksum and not atomically, and is evicted after any build that did not
  render a notebook (so one ``--dirty`` rebuild emptied it). Instead the adapter wraps the page's
  ``render`` (which mkdocs-jupyter sets in its ``on_pre_page``) with the gradbook store: the key
  also covers the gradbook modules the notebook imports and the library versions; entries are
  checksummed and atomic; unused ones go after ``MAX_AGE_DAYS``, never because a build skipped them.
  Under an author's quick serve (``GRADBOOK_QUICK=1``) a notebook whose own text has not changed is
  shown as last executed, though gradbook code changed since; a full build runs it again.
- its page template's inline CSS (~590 kB of JupyterLab's in every page): the pages share one
  stylesheet instead, pruned to what they use (``gradbook.engine.nbstyle``), linked in their head.
"""

from __future__ import annotations

import hashlib
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
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files
from mkdocs.structure.toc import get_toc
from mkdocs.utils import get_relative_url

from gradbook.engine import deps, nbstyle, store
from gradbook.engine.notebook import fold_solutions
from gradbook.mkdocs import store_root

log = logging.getLogger("mkdocs.plugins.gradbook")
NBCONVERT_CONFIG = Path(__file__).resolve().with_name("nbconvert")
_CELL_ID = re.compile(r'id="cell-id=[0-9a-f-]+"')
_HEADING = re.compile(r'(<h[1-6][^>]*\sid=")([^"]*)("[^>]*>)(.*?)(</h[1-6]>)', re.S)
KIND = "notebooks"
STYLE = "nbstyle"  # store kind of the pruned stylesheet (pruning JupyterLab's CSS takes ~0.5 s)
LATEST = "latest"  # pointers to the last execution of a notebook's text (quick serve)
MAX_AGE_DAYS = 30  # an executed notebook no build has used for this long is deleted from the store
# mkdocs-jupyter's options that do not change a page (its own cache's); the rest enter the key.
_NOT_OUTPUT = {"cache", "cache_dir", "data_files", "include_source"}


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
        # mkdocs.yml's ``cache`` switches the store on or off; mkdocs-jupyter's own stays off.
        self.cache = bool(self.jupyter.config["cache"])
        self.jupyter.config["cache"] = False
        self.store = store.Store(store_root(config))
        return config

    def on_pre_build(self, config) -> None:
        self.styles: list[str] = []  # the pages' inline CSS, each distinct block once, in page order
        self.classes: set[str] = set()
        self.pages_html: list[str] = []  # for the custom properties the pages read
        self.stylesheet: str | None = None

    def notebook(self, file: File) -> bool:
        """Whether mkdocs-jupyter turns ``file`` (a jupytext script) into a page: its own rule."""
        if file.abs_src_path is None or not file.src_uri.endswith(".py"):
            return False
        path = PurePath(file.abs_src_path)
        return not any(path.match(p) for p in self.jupyter.config["ignore"]) and any(
            path.match(p) for p in self.jupyter.config["include"]
        )

    def on_files(self, files: Files, config) -> Files:
        for file in [file for file in files if self.notebook(file)]:
            files.append(File.generated(config, _download(file.src_uri), content=_clean_ipynb(file)))
        return files

    @event_priority(-50)  # after mkdocs-jupyter's on_pre_page has set the page's render
    def on_pre_page(self, page, config, files):
        if not (self.cache and self.notebook(page.file)):
            return page
        convert, key, latest = page.render, self._key(page.file), self._latest_key(page.file)
        quick = os.environ.get("GRADBOOK_QUICK", "").lower() not in {"", "0", "false", "no"}

        def render(config, files) -> None:
            payload = self.store.get(KIND, key, "json")
            if payload is None and quick and (pointer := self.store.get(LATEST, latest, "key")) is not None:
                payload = self.store.get(KIND, pointer.decode(), "json")
                log.warning("gradbook: quick serve: %s as last executed (a full build runs it)", page.file.src_uri)
            if payload is not None:
                self.store.touch(KIND, key, "json")
                cached = json.loads(payload)
                page.content, page.toc, page.title = cached["content"], get_toc(cached["toc"]), cached["title"]
                return
            log.info("gradbook: executing notebook %s", page.file.src_uri)
            convert(config, files)
            entry = {"content": page.content, "toc": _toc_tokens(page.toc), "title": page.title}
            self.store.put(KIND, key, "json", json.dumps(entry, ensure_ascii=False).encode())
            self.store.put(LATEST, latest, "key", key.encode())

        page.render = render
        return page

    def _key(self, file: File) -> str:
        """What an executed notebook page depends on: its text and path, mkdocs-jupyter's options,
        the gradbook code it imports (and the stream merging), the environment, the versions."""
        source = Path(file.abs_src_path)
        code = [
            *deps.module_deps(source, self.store),
            deps.PACKAGE_DIR / "engine" / "notebook.py",
            *NBCONVERT_CONFIG.glob("*.py"),
        ]
        dists = ("mkdocs-jupyter", "nbconvert", "nbclient", "ipykernel", "jupytext", "mkdocs")
        return store.key(
            KIND,
            source=store.file_digest(source),
            page=file.src_uri,  # execute_ignore and include match on the path
            options={k: v for k, v in self.jupyter.config.items() if k not in _NOT_OUTPUT},
            environment=deps.environment_digest(),
            versions={dist: metadata.version(dist) for dist in dists},
            code=deps.code_digests(code),
        )

    def _latest_key(self, file: File) -> str:
        """The notebook as its author wrote it (text, path, options), whatever the code it imports."""
        options = {k: v for k, v in self.jupyter.config.items() if k not in _NOT_OUTPUT}
        return store.key(LATEST, source=store.file_digest(Path(file.abs_src_path)), page=file.src_uri, options=options)

    def on_post_build(self, config) -> None:
        self.store.prune(LATEST, MAX_AGE_DAYS)  # pointers, figures' too: rewritten at every render
        self.store.prune(STYLE, MAX_AGE_DAYS)
        if self.cache and (gone := self.store.prune(KIND, MAX_AGE_DAYS)):
            log.info("gradbook: removed %d notebook(s) unused for %d days from the store", gone, MAX_AGE_DAYS)

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
        html_text = html_text[:title] + box + html_text[title:] if title >= len("</h1>") else box + html_text
        html_text, styles = nbstyle.split(html_text)
        self.styles += [css for css in styles if css not in self.styles]
        self.classes |= nbstyle.classes(html_text)
        self.pages_html.append(html_text)
        return html_text

    def on_env(self, env, config, files: Files):
        """Every page's content is made by now (MkDocs renders the templates after this): write the
        notebooks' one stylesheet, named by its content so a reader's cache never serves a stale one."""
        if not self.styles:
            return env
        css = "\n".join(self.styles)
        book_css = [
            (Path(config.docs_dir) / str(path)).read_text(encoding="utf-8")
            for path in config.extra_css
            if (Path(config.docs_dir) / str(path)).is_file()
        ]
        key = store.key(
            STYLE,
            css=css,
            classes=sorted(self.classes),
            reads=sorted(set().union(*map(nbstyle.var_reads, book_css + self.pages_html))),
            code=store.file_digest(Path(nbstyle.__file__)),
        )
        payload = self.store.get(STYLE, key, "css")
        if payload is None:
            payload = nbstyle.prune(css, self.classes, book_css + self.pages_html).encode()
            self.store.put(STYLE, key, "css", payload)
        self.store.touch(STYLE, key, "css")
        self.stylesheet = f"assets/stylesheets/notebooks.{hashlib.sha256(payload).hexdigest()[:8]}.css"
        files.append(File.generated(config, self.stylesheet, content=payload))
        return env

    def on_post_page(self, output: str, page, config):
        if self.stylesheet is None or not self.notebook(page.file):
            return output
        # Last in <head>: after the theme's and the book's stylesheets, as the inline CSS was.
        link = f'<link rel="stylesheet" href="{get_relative_url(self.stylesheet, page.url)}">\n'
        return output.replace("</head>", link + "</head>", 1)


def _download(src_uri: str) -> str:
    """The .ipynb offered beside a notebook page (in the page's own folder)."""
    stem = posixpath.splitext(src_uri)[0]
    return f"{stem}/{posixpath.basename(stem)}.ipynb"


def _toc_tokens(toc) -> list[dict]:
    """The table of contents as the tokens ``get_toc`` reads back."""
    return [{"level": a.level, "id": a.id, "name": a.title, "children": _toc_tokens(a.children)} for a in toc]


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
