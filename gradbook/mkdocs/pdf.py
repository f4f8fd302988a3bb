"""MkDocs adapter ``gradbook/pdf``: the whole book as one PDF, printed after the build.

The engine (``gradbook.engine.pdf``) does the work; this adapter hands it the nav's pages in
order once the site is written (``on_post_build``), and links the PDF from the header of every
page and from the home page. ``mkdocs serve`` never prints it; ``GRADBOOK_PDF=0`` skips it in a
local build (refused under CI, so the deploy cannot ship a site without its PDF). Any failure
(no Chromium, no font, a page that does not print) stops the build with the cause.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority

from gradbook.engine import pdf
from gradbook.mkdocs import store_root

log = logging.getLogger("mkdocs.plugins.gradbook")
SKIP_ENV = "GRADBOOK_PDF"
# Material's "file-pdf-box" icon (Apache 2.0, Pictogrammers), as the header's other buttons.
ICON = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" aria-hidden="true"><path d="M19 3H5c-1.1 0-2 .9-2 2v14'
    "c0 1.1.9 2 2 2h14c1.1 0 2-.9 2-2V5c0-1.1-.9-2-2-2m-9.5 8.5c0 .8-.7 1.5-1.5 1.5H7v2H5.5V9H8c.8 0 1.5.7 1.5 1.5zm5 2"
    "c0 .8-.7 1.5-1.5 1.5h-2.5V9H13c.8 0 1.5.7 1.5 1.5zm4-3H17v1h1.5V13H17v2h-1.5V9h3zm-6.5 0h1v3h-1zm-5 0h1v1H7z"
    '"/></svg>'
)


class PdfConfig(Config):
    file = c.Type(str, default="gradbook.pdf")  # ASCII name; the title inside is the book's
    skip = c.Type(list, default=["gallery.md"])  # nav pages not printed (the gallery repeats every figure)
    chromium = c.Type(str, default="/usr/bin/chromium")


class PdfPlugin(BasePlugin[PdfConfig]):
    supports_multiple_instances = False

    def on_startup(self, *, command, dirty):
        self.serving = command == "serve"

    def on_config(self, config):
        self.root = Path(config.config_file_path).resolve().parent
        self.enabled = not getattr(self, "serving", False)
        if os.environ.get(SKIP_ENV, "1") == "0":
            if os.environ.get("CI"):
                raise PluginError(f"gradbook/pdf: {SKIP_ENV}=0 under CI: the deployed site must carry its PDF")
            log.info("gradbook/pdf: %s=0, the book's PDF is not built (local builds only)", SKIP_ENV)
            self.enabled = False
        return config

    def on_nav(self, nav, config, files):
        self.nav = nav
        return nav

    def parts(self) -> list[pdf.Part]:
        """The nav's pages in reading order; a section of notebooks becomes one pointer."""
        out: list[pdf.Part] = []

        def notebook(page) -> bool:
            return page.file.src_uri.endswith((".py", ".ipynb"))

        def walk(items, section=None):
            for item in items:
                if item.is_section:
                    pages = [child for child in item.children if child.is_page]
                    if pages and all(notebook(p) for p in pages):
                        out.append(
                            pdf.Part(
                                item.title, pages[0].url, kind="notebooks", items=[(p.title, p.url) for p in pages]
                            )
                        )
                    else:
                        walk(item.children, item.title)
                elif item.is_page and item.file.src_uri not in self.config.skip:
                    if notebook(item):
                        out.append(pdf.Part(item.title, item.url, kind="notebooks", items=[(item.title, item.url)]))
                    else:
                        out.append(pdf.Part(item.title, item.url, section=section))

        walk(self.nav.items)
        return out

    @event_priority(-80)  # after the typeset hook (-50), before nothing in particular
    def on_post_page(self, output, page, config):
        if not self.enabled:
            return output
        href = "../" * page.url.count("/") + self.config.file  # page URLs are folders ("a/b/")
        button = (
            f'<a href="{href}" class="md-header__button md-icon gb-pdf-link" title="下载 PDF 版" '
            f'aria-label="下载整本书的 PDF 版" download>{ICON}</a>'
        )
        # After the search button, which Material shows only once its script runs: placed before
        # it, the PDF button moved 48 px on a phone as the page loaded (Lighthouse CLS 0.0006).
        output = output.replace(
            '<div class="md-search" data-md-component="search"',
            button + '<div class="md-search" data-md-component="search"',
            1,
        )
        if page.is_homepage:
            box = (
                f'<p class="gb-download gb-pdf"><a class="md-button" href="{href}" download>下载 PDF 版</a>'
                "<span>整本书一个文件（A4，可打印），图和公式是矢量的，带书签和目录。</span></p>"
            )
            end = output.find("</h1>")
            if end >= 0:
                output = output[: end + 5] + box + output[end + 5 :]
        return output

    def on_post_build(self, config):
        if not self.enabled:
            return
        try:
            stats = pdf.build(
                self.parts(),
                Path(config.site_dir),
                Path(config.site_dir) / self.config.file,
                title=config.site_name,
                subtitle=config.site_description or "",
                site_url=config.site_url or "",
                cache=store_root(config),
                chromium=os.environ.get("GRADBOOK_CHROMIUM", self.config.chromium),
                when=pdf.edition_time(self.root),
            )
        except pdf.PdfError as exc:
            raise PluginError(f"gradbook/pdf: {exc}") from None
        log.info("gradbook/pdf: %s %s", self.config.file, pdf.describe(stats))
