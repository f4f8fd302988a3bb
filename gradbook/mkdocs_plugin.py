"""MkDocs adapter for the figure engine: find references, render, add files, caption, watch.

A thin layer on purpose: rendering, caching and the CLI live in gradbook and know nothing
of MkDocs, so moving to another site generator needs a new adapter, not a rewrite.
"""

from __future__ import annotations

import fnmatch
import hashlib
import html
import itertools
import json
import logging
import posixpath
import re
import struct
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qsl

from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files

from gradbook.figure_cache import FigureEngine, RenderFailed, Request, make_request
from gradbook.figure_registry import FigureError, FigureScriptError, resolve_params

log = logging.getLogger("mkdocs.plugins.gradbook")
_CELL_ID = re.compile(r'id="cell-id=[0-9a-f-]+"')

# A figure is an image on a line of its own whose path ends in figures/NAME.svg|png, optionally
# with parameters as a query string and a caption for this use as its title (the alt text, if
# given, likewise replaces the script's ALT): ![alt](figures/lr.svg?lr=0.1 "caption"){ attrs }
FIGURE_LINE = re.compile(
    r"^(?P<indent>[ \t]*)!\[(?P<alt>[^\]]*)\]\((?P<url>(?:[^)\s]*/)?figures/"
    r"(?P<name>[^/)\s?]+?)\.(?P<fmt>svg|png)(?:\?(?P<query>[^)\s]*))?)"
    r"(?:[ \t]+\"(?P<title>[^\"]*)\")?\)"
    r"(?P<attrs>\{[^}\n]*\})?[ \t]*$",
    re.MULTILINE,
)
# Any image (Markdown or <img>) whose path runs through figures/: one not matched by FIGURE_LINE
# would become a bare <img> of the default figure, so it stops the build instead.
FIGURE_IMAGE = re.compile(
    r"!\[[^\]]*\]\(\s*<?(?P<url>(?:[^)\s>]*/)?figures/(?P<name>[^/)\s>?.]+)[^)\s>]*)[^)]*\)"
    r"|<img\b[^>]*\bsrc=[\"']?(?P<src>(?:[^\"'\s>]*/)?figures/(?P<src_name>[^/\"'\s>?.]+)[^\"'\s>]*)"
)
CODE_SPAN = re.compile(r"(`+).+?\1")
FENCE = re.compile(r"^[ \t]*(```|~~~)")
FIGURE_SYNTAX = '![alt](figures/NAME.svg?key=value "caption"){ attrs }'
# Error headings: who has to fix it.
BAD_REFERENCE = "bad figure reference"  # the page
BROKEN_SCRIPT = "broken figure script"  # the script, found before anything runs
SCRIPT_FAILED = "figure script failed"  # the script, while it ran


@dataclass(frozen=True)
class Ref:
    page: str  # src_uri of the page
    alt: str
    url: str
    request: Request
    target: str  # src_uri of the generated file
    line: int
    caption: str | None = None  # this use's caption, instead of the script's
    anchor: str = ""  # the HTML id: fig-NAME, then fig-NAME-2, fig-NAME-3 for repeats on one page


class GradbookConfig(Config):
    figures_dir = c.Type(str, default="figures")
    cache_dir = c.Type(str, default=".cache/gradbook/figures")
    workers = c.Type(int, default=2)
    source_fold = c.Type(bool, default=True)
    mathjax = c.Type(bool, default=True)  # typeset TeX at build time (MathJax in V8)
    mathjax_css = c.Type(str, default="assets/stylesheets/mathjax-svg.css")
    render = c.Type(bool, default=True)  # False: the benchmark's floor (no figure work)
    gallery = c.Type(str, default="gallery.md")  # the page whose marker becomes the figure gallery
    # jupytext notebooks offered as .ipynb downloads (Material 9 no longer shows mkdocs-jupyter's link)
    notebooks = c.Type(str, default="practice/*.py")


def figure_number(chapter, index: int) -> str:
    """The number a figure is shown with: 图 N.k on a chapter page (front matter ``chapter: N``),
    图 k elsewhere. The gallery quotes the same numbers."""
    return f"{chapter}.{index}" if chapter is not None else str(index)


def nav_order(nav) -> dict[str, int]:
    """Each page's position in the ``nav`` of mkdocs.yml (nested sections flattened)."""
    order: dict[str, int] = {}

    def walk(items) -> None:
        for item in items or []:
            value = next(iter(item.values()), None) if isinstance(item, dict) else item
            if isinstance(value, list):
                walk(value)
            elif isinstance(value, str):
                order.setdefault(value, len(order))

    walk(nav)
    return order


def _outside_fences(markdown: str):
    """Yield (line_number, line) for lines outside fenced code blocks."""
    fence = None
    for n, line in enumerate(markdown.splitlines(), 1):
        m = FENCE.match(line)
        if m:
            if fence is None:
                fence = m.group(1)
            elif m.group(1) == fence:
                fence = None
            continue
        if fence is None:
            yield n, line


def find_refs(page: str, markdown: str) -> list[tuple[int, re.Match]]:
    return [(n, m) for n, line in _outside_fences(markdown) if (m := FIGURE_LINE.match(line))]


def unhandled_figure(line: str) -> tuple[str, str] | None:
    """(figure, reason) if the line holds a figures/ image that is not a figure line, else None."""
    text = CODE_SPAN.sub("code", line).strip()  # `![](figures/x.svg)` in prose is an example, not a use
    m = FIGURE_IMAGE.search(text)
    if m is None:
        return None
    if m["src"] is not None:
        return m["src_name"], f"an HTML <img> of a figure is not rendered; write {FIGURE_SYNTAX} on a line of its own"
    if not re.search(r"\.(svg|png)(\?|$)", m["url"]):
        return m["name"], f"'{posixpath.basename(m['url'])}': figures are .svg or .png"
    if m.start() > 0 or not re.fullmatch(r"\s*(\{[^}]*\})?", text[m.end():]):
        return m["name"], f"a figure must stand on a line of its own (it becomes a numbered block): {FIGURE_SYNTAX}"
    return m["name"], f"not a figure reference the build understands; write {FIGURE_SYNTAX}"


def _report(errors: dict[str, list[str]]) -> str:
    return "\n".join(f"gradbook: {heading}\n  " + "\n  ".join(lines) for heading, lines in errors.items())


def _target_uri(page: str, url: str, name: str, fmt: str, request: Request) -> str:
    path = url.split("?", 1)[0]
    resolved = posixpath.normpath(posixpath.join(posixpath.dirname(page), path))
    if request.params:
        # Stable across runs (not hash()), so URLs and the built HTML are reproducible.
        tag = hashlib.sha256(repr(request.params).encode()).hexdigest()[:8]
        resolved = posixpath.join(posixpath.dirname(resolved), f"{name}-{tag}.{fmt}")
    return resolved


def image_size(data: bytes, fmt: str) -> tuple[int, int] | None:
    """CSS pixel size, so the browser reserves the figure's box before it loads (no layout shift)."""
    if fmt == "svg":
        m = re.search(rb'<svg[^>]*?width="([\d.]+)pt"[^>]*?height="([\d.]+)pt"', data[:2000])
        if m:
            return round(float(m.group(1)) * 4 / 3), round(float(m.group(2)) * 4 / 3)
    elif fmt == "png" and data[:8] == b"\x89PNG\r\n\x1a\n":
        w, h = struct.unpack(">II", data[16:24])
        return round(w * 96 / 150), round(h * 96 / 150)  # saved at 150 dpi
    return None


SOLUTION_TAG = "solution"
_SOLUTION_CELL = re.compile(rf'<div class="jp-Cell jp-CodeCell[^"]*\bcelltag_{SOLUTION_TAG}\b[^"]*">')
_TOOLBAR = '<div class="celltoolbar">'
_DIV = re.compile(r"<div\b|</div>")


def _div_end(text: str, start: int) -> int:
    """Index just past the </div> that closes the <div> opening at ``start``."""
    depth = 0
    for m in _DIV.finditer(text, start):
        depth += 1 if m[0] == "<div" else -1
        if depth == 0:
            return m.end()
    raise ValueError("unbalanced <div> in notebook HTML")


def fold_solutions(text: str, summary: str = "参考答案") -> str:
    """Fold each code cell tagged ``solution`` (input and output) into a closed <details>, the
    same admonition as the chapters' folded answers, so the reader tries the stub first. The
    cell still runs when the notebook is executed; only the page hides it. No JavaScript needed."""
    out, pos = [], 0
    while m := _SOLUTION_CELL.search(text, pos):
        end = _div_end(text, m.start())
        cell = text[m.start():end]
        if (t := cell.find(_TOOLBAR)) >= 0:  # the tag chip says "solution": the summary says it
            cell = cell[:t] + cell[_div_end(cell, t):]
        out += [text[pos:m.start()], f'<details class="success gb-solution"><summary>{summary}</summary>\n',
                cell, "\n</details>"]
        pos = end
    return "".join(out) + text[pos:]


def merge_streams(cell, **_) -> None:
    """Merge each run of a cell's print() output into one block per stream, stdout first.

    ipykernel flushes print() on a 0.2 s timer, so a cell that prints, computes and prints again
    gives one output on a quiet machine and two on a loaded one: the page would depend on the
    load. Rich outputs (a figure) stay where they were; display flushes the streams first.
    (nbclient's own coalesce_streams is not configurable, so this runs as its on_cell_executed hook.)
    """
    if "outputs" not in cell:
        return
    merged: list = []
    run: dict[str, dict] = {}
    for out in [*cell["outputs"], None]:
        if out is not None and out.get("output_type") == "stream":
            if out["name"] in run:
                run[out["name"]]["text"] += out["text"]
            else:
                run[out["name"]] = out
            continue
        merged.extend(run[name] for name in ("stdout", "stderr") if name in run)
        run.clear()
        if out is not None:
            merged.append(out)
    cell["outputs"] = merged


def _drop_broken_notebook_entries(folder: Path) -> None:
    """mkdocs-jupyter writes its cache entries in place, so a build killed mid-write leaves a
    truncated JSON file that stops every later build with a bare JSONDecodeError. Remove such
    entries first: the notebook is executed again instead."""
    for entry in sorted(folder.glob("*.json")) if folder.is_dir() else ():
        try:
            ok = isinstance(json.loads(entry.read_text(encoding="utf-8")).get("content"), str)
        except (ValueError, AttributeError):
            ok = False
        if not ok:
            log.info("gradbook: dropped a broken notebook cache entry %s; the notebook runs again", entry.name)
            entry.unlink()


def _coalesce_notebook_streams() -> None:
    """Install merge_streams in mkdocs-jupyter's executor. mkdocs-jupyter builds its nbconvert
    config afresh per notebook and replaces the ExecutePreprocessor section, so wrap the builder
    and set the hook on the NotebookClient section, which ExecutePreprocessor inherits."""
    try:
        from mkdocs_jupyter import nbconvert2
    except ImportError:
        return
    build = nbconvert2.get_nbconvert_app
    if getattr(build, "gradbook_merges_streams", False):
        return

    def get_nbconvert_app(*args, **kwargs):
        app = build(*args, **kwargs)
        app.config.NotebookClient.on_cell_executed = merge_streams
        return app

    get_nbconvert_app.gradbook_merges_streams = True
    nbconvert2.get_nbconvert_app = get_nbconvert_app


class GradbookPlugin(BasePlugin[GradbookConfig]):
    supports_multiple_instances = False

    def on_config(self, config):
        root = Path(config.config_file_path).resolve().parent
        self.figures_dir = (root / self.config.figures_dir).resolve()
        self.engine = FigureEngine(self.figures_dir, root / self.config.cache_dir, self.config.workers)
        self.refs: dict[str, list[Ref]] = {}
        self.outputs: dict[Request, bytes] = {}
        self._key_notebook_cache(config)
        _coalesce_notebook_streams()
        self.math = None
        if self.config.mathjax:
            from gradbook.mathjax_ssr import MathRenderer

            self.math = MathRenderer(Path(self.engine.cache.root).parent / "math")
            if self.config.mathjax_css not in config.extra_css:
                config.extra_css.append(self.config.mathjax_css)
        return config

    def _key_notebook_cache(self, config) -> None:
        """mkdocs-jupyter keys its execution cache on the notebook's text alone, so a notebook
        whose output changes because gradbook changed would be served stale. Fold a hash of
        gradbook's own source into its cache folder."""
        import gradbook

        jupyter = config.plugins.get("mkdocs-jupyter")
        if jupyter is None or not jupyter.config.get("cache"):
            return
        h = hashlib.sha256()
        for src in sorted(Path(gradbook.__file__).resolve().parent.glob("*.py")):
            h.update(src.name.encode() + b"\0" + src.read_bytes())
        base = Path(config.config_file_path).resolve().parent / jupyter.config["cache_dir"]
        tag = "gb-" + h.hexdigest()[:12]
        if base.name != tag:
            jupyter.config["cache_dir"] = str(base / tag)
        _drop_broken_notebook_entries(Path(jupyter.config["cache_dir"]))

    # -- collect and render everything before any page is converted ----------------------

    def on_files(self, files: Files, config) -> Files:
        self.engine.stats.hits = 0
        self.engine.stats.rendered = []
        self.refs = {}
        errors: dict[str, list[str]] = {}
        gallery = None
        for file in files.documentation_pages():
            if file.src_uri == self.config.gallery:
                gallery = file
                continue
            self.refs[file.src_uri] = self._scan(file, errors)
        if gallery is not None and not errors:
            self._expand_gallery(gallery, files, config)
            self.refs[gallery.src_uri] = self._scan(gallery, errors)
        if errors:
            raise PluginError(_report(errors))
        requests = {ref.request for refs in self.refs.values() for ref in refs}
        if self.config.render:
            try:
                self.outputs = self.engine.ensure(sorted(requests, key=Request.label))
            except RenderFailed as exc:
                raise PluginError(self._describe_failures(exc)) from None
        else:
            self.outputs = {req: b"" for req in requests}
        self._add_figure_files(files, config)
        if self.math is not None:
            self._add_math_stylesheet(files, config)
        self._add_notebook_downloads(files, config)
        if self.engine.stats.rendered:
            log.info("gradbook: rendered %d figure(s), %d from cache: %s",
                     len(self.engine.stats.rendered), self.engine.stats.hits,
                     ", ".join(self.engine.stats.rendered))
        return files

    def _scan(self, file: File, errors: dict[str, list[str]]) -> list[Ref]:
        """The page's figure references; each problem goes into ``errors`` under its heading."""
        refs = []
        uses: Counter[str] = Counter()
        for line, text in _outside_fences(file.content_string):
            where = f"{file.src_uri}:{line}"
            m = FIGURE_LINE.match(text)
            if m is None:
                if unhandled := unhandled_figure(text):
                    errors.setdefault(BAD_REFERENCE, []).append(f"{where}: figure '{unhandled[0]}': {unhandled[1]}")
                continue
            try:
                spec = self.engine.spec(m["name"])
                overrides = dict(parse_qsl(m["query"] or "", keep_blank_values=True, strict_parsing=False))
                typed = resolve_params(spec, overrides)
                if m["title"] is not None and not m["title"].strip():
                    raise FigureError('empty caption: give the title text, or drop the ""', spec.name)
            except FigureError as exc:  # its message names the figure
                errors.setdefault(BROKEN_SCRIPT if isinstance(exc, FigureScriptError) else BAD_REFERENCE,
                                  []).append(f"{where}: {exc}")
                continue
            request = make_request(spec.name, {k: typed[k] for k in sorted(overrides)}, m["fmt"])
            target = _target_uri(file.src_uri, m["url"], spec.name, m["fmt"], request)
            uses[spec.name] += 1
            anchor = f"fig-{spec.name}" + (f"-{uses[spec.name]}" if uses[spec.name] > 1 else "")
            caption = m["title"].strip() if m["title"] is not None else None
            refs.append(Ref(file.src_uri, m["alt"].strip(), m["url"], request, target, line, caption, anchor))
        return refs

    def _expand_gallery(self, gallery: File, files: Files, config) -> None:
        """Replace the gallery page's marker with every figure, and where each appears."""
        from mkdocs.utils.meta import get_data

        from gradbook.gallery import MARKER, Appearance, gallery_markdown

        text = gallery.content_string
        if MARKER not in text:
            raise PluginError(f"gradbook: {gallery.src_uri} is the gallery page but lacks the line {MARKER}")
        # Reading order: the nav's, so an appendix's figures come after the chapters'.
        order = nav_order(config.get("nav"))
        pages = sorted(self.refs, key=lambda uri: (uri != "index.md", order.get(uri, len(order)), uri))
        appearances: dict[str, list[Appearance]] = {}
        groups: list[tuple[str, list[str]]] = []
        seen: set[str] = set()
        gallery_dir = posixpath.dirname(gallery.src_uri) or "."
        for uri in pages:
            if not self.refs[uri]:
                continue
            body, meta = get_data(files.get_file_from_path(uri).content_string)
            h1 = re.search(r"^# (.+)$", body, re.M)
            title = str(meta.get("title") or (h1[1].strip() if h1 else uri))
            chapter = meta.get("chapter")
            group = []
            for i, ref in enumerate(self.refs[uri], 1):
                name = ref.request.name
                number = figure_number(chapter, i)
                link = posixpath.relpath(uri, gallery_dir) + f"#{ref.anchor}"
                appearances.setdefault(name, []).append(Appearance(title, link, number))
                if name not in seen:
                    seen.add(name)
                    group.append(name)
            groups.append((title, group))
        figures_link = posixpath.relpath("figures", gallery_dir)
        gallery.content_string = text.replace(
            MARKER, gallery_markdown(self.figures_dir, appearances, groups, figures_link))

    def _describe_failures(self, exc: RenderFailed) -> str:
        lines = []
        for req, message in exc.failures:
            pages = sorted({f"{r.page}:{r.line}" for refs in self.refs.values() for r in refs
                            if r.request == req})
            params = ", ".join(f"{k}={v!r}" for k, v in req.params)
            lines.append(f"{', '.join(pages)}: figure '{req.name}'" + (f" ({params})" if params else "")
                         + f": {message}")  # a script's own error ends with its file and line
        return _report({SCRIPT_FAILED: lines})

    def _add_figure_files(self, files: Files, config) -> None:
        added: dict[str, Request] = {}
        for refs in self.refs.values():
            for ref in refs:
                if ref.target in added:
                    continue
                existing = files.get_file_from_path(ref.target)
                if existing is not None and not existing.generated_by:
                    raise PluginError(
                        f"gradbook: {ref.page}: docs/{ref.target} exists, but figures are generated "
                        f"at build time; delete the file and keep the script figures/{ref.request.name}.py"
                    )
                files.append(File.generated(config, ref.target, content=self.outputs[ref.request]))
                added[ref.target] = ref.request

    def _notebook_download(self, src_uri: str) -> str | None:
        """URI of the .ipynb offered beside a notebook page (in the page's own folder)."""
        if not fnmatch.fnmatch(src_uri, self.config.notebooks):
            return None
        stem = posixpath.splitext(src_uri)[0]
        return f"{stem}/{posixpath.basename(stem)}.ipynb"

    def _add_notebook_downloads(self, files: Files, config) -> None:
        for file in list(files):
            uri = self._notebook_download(file.src_uri)
            if uri is None:
                continue
            try:
                import jupytext
            except ImportError:
                raise PluginError("gradbook: notebook downloads need jupytext (pip install gradbook[docs])") from None
            try:
                nb = jupytext.reads(Path(file.abs_src_path).read_text(encoding="utf-8"), fmt="py:percent")
            except Exception as exc:  # jupytext raises many types; name the file
                raise PluginError(f"gradbook: {file.src_uri}: cannot read as a jupytext notebook: {exc}") from None
            nb.metadata.pop("jupytext", None)  # the download is a plain notebook, no pairing
            for i, cell in enumerate(nb.cells, 1):
                cell.id = f"cell-{i}"  # nbformat draws random ids; two builds must give the same bytes
            files.append(File.generated(config, uri, content=jupytext.writes(nb, fmt="ipynb")))

    def on_page_content(self, html_text: str, page, config, files):
        # Figure sources stay out of the search index: it is fetched on every page load, and
        # the scripts would triple it (and bury the prose among code words).
        html_text = html_text.replace('<details class="gb-source">', '<details class="gb-source" data-search-exclude>')
        uri = self._notebook_download(page.file.src_uri)
        if self.math is not None:
            from gradbook.mathjax_ssr import MathError, share_glyphs, source_line

            try:
                html_text = self.math.typeset_arithmatex(html_text)
                if uri is not None:
                    html_text = self.math.typeset_dollars(html_text)
                html_text = share_glyphs(html_text)
            except MathError as exc:
                line = source_line(page.file.content_string, exc.tex)
                raise PluginError(f"gradbook: {page.file.src_uri}:{line or '?'}: {exc}") from None
        if uri is None:
            return html_text
        html_text = self._align_notebook_anchors(html_text, page)
        html_text = fold_solutions(html_text)
        # mkdocs-jupyter reads the .py afresh each build and nbformat gives the cells random ids
        counter = itertools.count(1)
        html_text = _CELL_ID.sub(lambda m: f'id="cell-{next(counter)}"', html_text)
        name = posixpath.basename(uri)
        source = posixpath.basename(page.file.src_uri)
        box = (
            '<p class="gb-download">'
            f'<a class="md-button md-button--primary" href="{name}" download>下载笔记本 .ipynb</a> '
            f'<a class="md-button" href="{source}" download>jupytext 源文件 .py</a>'
            "</p>"
        )
        title = html_text.find("</h1>") + len("</h1>")  # under the title, not above it
        return html_text[:title] + box + html_text[title:] if title >= len("</h1>") else box + html_text

    @staticmethod
    def _align_notebook_anchors(html_text: str, page) -> str:
        """mkdocs-jupyter builds the table of contents with Python-Markdown, which numbers repeated
        slugs (#_1), but nbconvert writes the headings' ids without numbering them, so the
        sidebar's links to a repeated heading lead nowhere. Give the headings the TOC's ids."""
        toc_ids: list[str] = []

        def walk(items):
            for item in items:
                toc_ids.append(item.id)
                walk(item.children)

        walk(page.toc)
        heading = re.compile(r'(<h[1-6][^>]*\sid=")([^"]*)("[^>]*>)(.*?)(</h[1-6]>)', re.S)
        found = heading.findall(html_text)
        if len(found) != len(toc_ids):
            return html_text  # different shape: leave it (the link test will say so)
        ids = iter(toc_ids)

        def fix(m: re.Match) -> str:
            new = next(ids)
            inner = m[4].replace(f'href="#{m[2]}"', f'href="#{new}"')
            return f"{m[1]}{new}{m[3]}{inner}{m[5]}"

        return heading.sub(fix, html_text)

    def _add_math_stylesheet(self, files: Files, config) -> None:
        from gradbook.mathjax_assets import MathJaxMissing

        try:
            css = self.math.stylesheet()
        except MathJaxMissing as exc:
            raise PluginError(f"gradbook: {exc}") from None
        files.append(File.generated(config, self.config.mathjax_css, content=css))

    # -- rewrite each page ---------------------------------------------------------------

    def on_page_markdown(self, markdown: str, page, config, files):
        refs = {ref.line: ref for ref in self.refs.get(page.file.src_uri, [])}
        if not refs:
            return markdown
        chapter = page.meta.get("chapter")
        lines = markdown.splitlines()
        # Front matter is already stripped here; line numbers in refs count from the raw file.
        offset = page.file.content_string.count("\n") - markdown.count("\n")
        count = 0
        for raw_line, ref in sorted(refs.items()):
            i = raw_line - 1 - offset
            m = FIGURE_LINE.match(lines[i]) if 0 <= i < len(lines) else None
            if m is None or m["name"] != ref.request.name:
                raise PluginError(f"gradbook: {ref.page}:{raw_line}: lost track of figure '{ref.request.name}'")
            count += 1
            number = figure_number(chapter, count)
            if page.meta.get("figure_numbers") is False:
                number = ""
            lines[i] = self._figure_block(ref, m, number)
        return "\n".join(lines) + "\n"

    def _figure_block(self, ref: Ref, m: re.Match, number: str) -> str:
        spec = self.engine.spec(ref.request.name)
        indent = m["indent"]
        alt = (ref.alt or spec.alt).replace("[", "［").replace("]", "］")
        link = posixpath.relpath(ref.target, posixpath.dirname(ref.page) or ".")
        attrs = ['loading="lazy"']
        size = image_size(self.outputs.get(ref.request, b""), ref.request.fmt)
        if size:
            attrs += [f'width="{size[0]}"', f'height="{size[1]}"']
        if m["attrs"]:
            attrs.append(m["attrs"].strip("{} "))
        anchor = ref.anchor
        caption = html.escape(spec.caption if ref.caption is None else ref.caption, quote=False)
        fignum = f'<span class="gb-fignum">图 {number}</span>　' if number else ""
        out = [
            f'{indent}<figure class="gb-figure" id="{anchor}" markdown="span">',
            # The image links to itself: on a phone, multi-panel figures are read full-screen.
            f"{indent}  [![{alt}]({link}){{ {' '.join(attrs)} }}]({link}){{ .gb-zoom }}",
            f'{indent}  <figcaption markdown="span">{fignum}{caption}</figcaption>',
            f"{indent}</figure>",
        ]
        if self.config.source_fold:
            out += ["", f'{indent}??? gb-source "生成此图的代码：figures/{spec.name}.py"', ""]
            out += [f"{indent}    ```python"]
            out += [f"{indent}    {line}".rstrip() for line in spec.source.splitlines()]
            out += [f"{indent}    ```", ""]
        return "\n".join(out)

    # -- live reload ---------------------------------------------------------------------

    def on_shutdown(self) -> None:
        # MkDocs calls this after a build, failed or not: free V8 before the interpreter exits.
        if getattr(self, "math", None) is not None:
            self.math.close()

    def on_serve(self, server, config, builder):
        import gradbook

        server.watch(str(self.figures_dir))
        server.watch(str(Path(gradbook.__file__).resolve().parent))
        return server
