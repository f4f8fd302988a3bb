"""MkDocs adapter ``gradbook/figures``: figure references become rendered files, numbered
captions and source folds; the gallery page lists every figure.

The engine does the work (scan, resolve, render, store, number). This adapter, in ``on_files``,
before any page is converted: scans every page once, renders what they ask for, adds the files,
and writes each page's Markdown with the figure blocks in place, which MkDocs then reads instead
of the file (``File.content_string``). Nothing is looked up again later.

Two modes for an author's ``mkdocs serve`` (``python3 dev.py serve --quick`` sets both):
- ``--dirty``: only pages whose source changed, or whose figure blocks changed, are rebuilt;
- ``GRADBOOK_QUICK=1``: a figure whose shared code changed (the house style, a gradbook module) is
  served as last rendered unless it is on a page edited since serving began; its own script's
  edits still redraw it, in this process (serve.QuickEngine). The full build (CI, ``dev.py build``) never does either.
"""

from __future__ import annotations

import dataclasses
import html
import json
import logging
import os
import posixpath
import re
from pathlib import Path

from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files
from mkdocs.utils.meta import get_data

from gradbook.engine import pages, thumbs, xref
from gradbook.engine.gallery import MARKER, first_uses, gallery_page, thumbnail_html
from gradbook.engine.pool import FigureEngine, RenderFailed
from gradbook.engine.registry import figure_names
from gradbook.engine.request import Request, cli_command, python_call
from gradbook.engine.sweep import Sweep
from gradbook.mkdocs import quick, serve, store_root
from gradbook.mkdocs.pictures import pictures, relative
from gradbook.mkdocs.source_fold import SourceFolds, fold_end

log = logging.getLogger("mkdocs.plugins.gradbook")
QUICK = "GRADBOOK_QUICK"  # _serving is module-level: MkDocs makes new plugins for every rebuild
_serving = {"dirty": False, "first_seen": {}, "markdown": {}}  # first_seen: mtimes when serving began


def explorer(sweep: Sweep, outputs: dict) -> str:
    """An explorable figure's slider, as the page carries it: hidden, holding the frames, values and
    readouts (all from the build) and the parameter's name in TeX, typeset by gradbook/math.
    docs/javascripts/explore.js builds the control from it; without JavaScript nothing shows."""
    readouts = [outputs[r].decode("utf-8") for r in sweep.readouts]
    data = html.escape(json.dumps(sweep.manifest(readouts), ensure_ascii=False, separators=(",", ":")))
    name = f'<span class="gb-explore-name">${sweep.label}$</span>'
    return f'<span class="gb-explore" hidden data-gb-sweep="{data}">{name}</span>'


class FiguresConfig(Config):
    figures_dir = c.Type(str, default="figures")
    workers = c.Type(int, default=2)
    source_fold = c.Type(bool, default=True)  # the script's source, folded, under each figure
    render = c.Type(bool, default=True)  # False: the benchmark's floor (no figure work)
    sweeps = c.Type(bool, default=True)  # False: explorable figures as plain ones (checked, no frames): the bench
    gallery = c.Type(str, default="gallery.md")  # the page whose marker becomes the figure gallery


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


class FiguresPlugin(BasePlugin[FiguresConfig]):
    supports_multiple_instances = False

    def on_startup(self, *, command: str, dirty: bool) -> None:
        _serving["dirty"] = dirty

    def on_config(self, config):
        self.quick = quick()
        root = Path(config.config_file_path).resolve().parent
        self.figures_dir = (root / self.config.figures_dir).resolve()
        engine = serve.QuickEngine if self.quick and _serving["dirty"] else FigureEngine
        self.engine = engine(self.figures_dir, store_root(config), self.config.workers)
        self.directory_urls = config.use_directory_urls
        self.folds = SourceFolds(config, self.engine.store)
        return config

    def on_files(self, files: Files, config) -> Files:
        self.engine.stats.hits, self.engine.stats.rendered, self.engine.stats.stale = 0, [], []
        docs = files.documentation_pages()
        # Each page as written (front matter included, so lines are the author's), read once.
        texts = {file: file.content_string for file in docs}
        gallery = next((file for file in docs if file.src_uri == self.config.gallery), None)
        errors: pages.Errors = {}
        refs = {file: self._scan(file, text, errors) for file, text in texts.items() if file is not gallery}
        if gallery is not None and MARKER not in texts[gallery]:
            raise PluginError(f"gradbook: {gallery.src_uri} is the gallery page but lacks the line {MARKER}")
        if errors:
            raise PluginError(pages.report(errors))
        # Cross-references by name, once every page's figures are numbered; before any render.
        self.xrefs, linked = self._cross_references(texts, refs, gallery, errors)
        if errors:
            raise PluginError(pages.report(errors))
        everything = [ref for page_refs in refs.values() for ref in page_refs]
        # The gallery: every figure's thumbnails; a figure no page shows, its full drawing too (linked).
        names = figure_names(self.figures_dir) if gallery is not None else []
        small, shown = {name: thumbs.requests(name) for name in names}, {ref.request.name for ref in everything}
        full = {name: Request(name).variants() for name in names if name not in shown}
        extra = [req for d in [*small.values(), *full.values()] for req in d.values()]
        outputs = self._render(everything, self._edited(refs) if self.quick else None, extra)
        self.alts = self.engine.alt_texts([*(r.request for r in everything), *extra]) if self.config.render else {}
        if gallery is not None:
            texts[gallery] = self._gallery(gallery, texts, refs, config, files, outputs, small, full)
            refs[gallery] = []
        for ref in everything:
            images = {
                posixpath.join(posixpath.dirname(ref.target), r.filename): r for r in ref.request.variants().values()
            }
            for target, request in {**ref.outputs(), **images}.items():  # the image's variants, an explorable's frames
                existing = files.get_file_from_path(target)
                if existing is None:
                    files.append(File.generated(config, target, content=outputs[request]))
                elif not existing.generated_by:
                    raise PluginError(
                        f"gradbook: {ref.page}: docs/{target} exists, but figures are generated "
                        f"at build time; delete the file and keep the script figures/{ref.request.name}.py"
                    )
        self.folds.add_files(files, config, everything)  # each script's source, once, for its folds
        # Each page's Markdown with its figure blocks on the lines scanned: MkDocs reads this.
        # --dirty: MkDocs skips a page unless its content is set; set it when the page was edited,
        # a figure on it drawn, or its blocks differ from the last build's (a script edited back).
        drawn, last = set(self.engine.stats.rendered), _serving["markdown"]
        for file, page_refs in (item for item in refs.items() if item[1] or item[0] in (gallery, *linked)):
            numbered = get_data(texts[file])[1].get("figure_numbers") is not False
            text = pages.replace_lines(texts[file], {r.line: self._block(r, outputs, numbered) for r in page_refs})
            fresh = file.is_modified() or any(q.label() in drawn for r in page_refs for q in r.requests())
            if fresh or not _serving["dirty"] or last.get(file.src_uri) != text:
                file.content_string = last[file.src_uri] = text
        if self.engine.stats.rendered:
            log.info(
                "gradbook: rendered %d figure(s), %d from cache: %s",
                len(self.engine.stats.rendered),
                self.engine.stats.hits,
                ", ".join(self.engine.stats.rendered),
            )
        if self.engine.stats.stale:
            log.warning(
                "gradbook: quick serve: %d figure(s) as last rendered, before shared code changed "
                "(a full build redraws them): %s",
                len(self.engine.stats.stale_figures),
                ", ".join(self.engine.stats.stale),
            )
        return files

    def _edited(self, refs: dict) -> set:
        """Quick serve: the requests on pages edited since serving began."""
        seen: dict = _serving["first_seen"]  # type: ignore[assignment]
        fresh = set()
        for file, page_refs in refs.items():
            if file.abs_src_path is None:
                continue
            mtime = os.stat(file.abs_src_path).st_mtime_ns
            if seen.setdefault(file.src_uri, mtime) != mtime:
                fresh.update(req for ref in page_refs for req in ref.requests())
        return fresh

    def _cross_references(self, texts: dict, refs: dict, gallery: File | None, errors: pages.Errors):
        """Every page's ``[图](#fig:NAME)`` resolved in ``texts`` (in place); returns the index (so
        captions are resolved as their blocks are written) and the pages that changed."""
        unnumbered = {f.src_uri for f in texts if get_data(texts[f])[1].get("figure_numbers") is False}
        book = {f.src_uri: r for f, r in refs.items() if f is not gallery}
        index = xref.CrossRefs(book, unnumbered, figure_names(self.figures_dir), errors)
        linked = set()
        for file, text in texts.items():
            if "#fig:" not in text:
                continue
            if not file.src_uri.endswith(".md"):
                errors.setdefault(xref.BAD_XREF, []).append(
                    f"{file.src_uri}: figure cross-references are resolved in Markdown pages only"
                )
                continue
            resolved = index.resolve(file.src_uri, text, errors)
            if resolved != text:
                texts[file] = resolved
                linked.add(file)
        return index, linked

    def _scan(self, file: File, text: str, errors: pages.Errors) -> list[pages.Ref]:
        refs = pages.scan(file.src_uri, text, self.engine.spec, get_data(text)[1].get("chapter"), errors)
        return refs if self.config.sweeps else [dataclasses.replace(r, sweep=None) for r in refs]

    def _render(self, refs: list[pages.Ref], fresh: set | None = None, extra: list[Request] | None = None) -> dict:
        """Every figure in every variant (page and phone layout, light and dark scheme), each
        explorable's frames and readouts, and ``extra`` (the gallery's)."""
        wanted = {req for ref in refs for req in (*ref.requests(), *ref.request.variants().values())}
        wanted.update(extra or [])
        requests = sorted(wanted, key=lambda r: r.label())
        if not self.config.render:
            return {req: b"" for req in requests}
        try:
            return self.engine.ensure(requests, None if fresh is None else fresh.__contains__)
        except RenderFailed as exc:
            raise PluginError(pages.failure_report(exc.failures, refs)) from None

    def _gallery(self, gallery: File, texts, refs, config, files: Files, outputs, small, full) -> str:
        """The gallery page's Markdown: its marker replaced by every figure's thumbnail, where each appears."""
        # Reading order: the nav's, so an appendix's figures come after the chapters'.
        order = nav_order(config.get("nav"))
        book = []
        for file in sorted(refs, key=lambda f: (f.src_uri != "index.md", order.get(f.src_uri, len(order)), f.src_uri)):
            body, meta = get_data(texts[file])
            h1 = re.search(r"^# (.+)$", body, re.M)
            book.append((file.src_uri, str(meta.get("title") or (h1[1].strip() if h1 else file.src_uri)), refs[file]))
        first = first_uses(book)

        def add(path: str, content: bytes) -> str:  # a generated file; its URL from the gallery
            if (file := files.get_file_from_path(path)) is None:
                files.append(file := File.generated(config, path, content=content))
            return file.url_relative_to(gallery)

        def thumbnail(name: str) -> str:
            made = {s: thumbs.thumbnail(outputs[req], self.engine.store) for s, req in small[name].items()}
            srcs = {s: add(f"figures/thumbs/{thumbs.filename(name, s)}", data) for s, (data, _) in made.items()}
            if name in first:  # the figure where the book shows it
                uri, anchor = first[name]
                href = files.get_file_from_path(uri).url_relative_to(gallery) + f"#{anchor}"
            else:  # shown nowhere else: its full drawing
                href = [add(f"figures/{r.filename}", outputs[r]) for r in full[name].values()][0]  # page, light
            spec = self.engine.spec(name)
            alt = self.alts.get(small[name]["light"]) or spec.alt
            return thumbnail_html(
                name, alt, href, srcs, made["light"][1], self._caption(gallery.src_uri, 0, spec.caption)
            )

        page = gallery_page(self.figures_dir, book, gallery.src_uri, thumbnail if self.config.render else None)
        return texts[gallery].replace(MARKER, page)

    def _caption(self, page: str, line: int, text: str) -> str:
        """A caption as HTML-safe Markdown, its ``[图](#fig:NAME)`` resolved."""
        errors: pages.Errors = {}
        caption = self.xrefs.resolve_inline(page, line, html.escape(text, quote=False), errors)
        if errors:
            raise PluginError(pages.report(errors))
        return caption

    def _block(self, ref: pages.Ref, outputs: dict, numbered: bool) -> str:
        """The figure as Markdown: a numbered <figure> whose image links to itself (on a phone,
        multi-panel figures are read full-screen), then the script's source, folded and kept out
        of the search index (it would triple the index and bury the prose among code words)."""
        indent, alt = ref.indent, ref.alt or self.alts.get(ref.request) or ref.spec.alt
        caption = self._caption(ref.page, ref.line, ref.spec.caption if ref.caption is None else ref.caption)
        fignum = f'<span class="gb-fignum">图 {ref.number}</span>　' if numbered else ""
        out = [
            f'{indent}<figure class="gb-figure" id="{ref.anchor}" markdown="span">',
            f"{indent}  {pictures(ref, outputs, alt, self.directory_urls)}",
            *([f"{indent}  {explorer(ref.sweep, outputs)}"] if ref.sweep else []),
            f'{indent}  <figcaption markdown="span">{fignum}{caption}</figcaption>',
            f"{indent}</figure>",
        ]
        if self.config.source_fold:
            url = relative(ref.page, self.folds.fragment(ref.spec.name, ref.spec.source)[0], self.directory_urls)
            out += [
                "",
                f'{indent}<details class="gb-source" data-gb-source="{url}" data-search-exclude markdown>',
                f"{indent}<summary>生成此图的代码：figures/{ref.spec.name}.py</summary>",
                # The call this use makes, and the command that draws the same figure.
                f"{indent}这张图由 `{python_call(ref.request)}` 画出"
                + ("（参数全取默认值）" if not ref.request.params else "")
                + "，在命令行里重画它：",
                "",
                f"{indent}```bash",
                f"{indent}{cli_command(ref.request)}",
                f"{indent}```",
                "",
                fold_end(indent, url, ref.spec.name),  # the script's source: fetched when opened
            ]
        return "\n".join(out)

    def on_build_error(self, error: BaseException, **_) -> None:
        serve.ERRORS.record(error)

    def on_serve(self, server, config, builder):
        import gradbook

        serve.ERRORS.install(server)  # a failed rebuild shows in the browser, not as a spinning page
        server.watch(str(self.figures_dir))
        server.watch(str(Path(gradbook.__file__).resolve().parent))
        return server
