"""MkDocs adapter ``gradbook/math``: every page's TeX typeset at build time, as SVG.

Takes ``pymdownx.arithmatex`` (``generic: true``) output on Markdown pages and ``$…$`` in the
rendered Markdown cells of notebook pages; the engine (``gradbook.engine.tex``) does the rest.
A formula MathJax cannot typeset stops the build with the page, line and TeX.
"""

from __future__ import annotations

from pathlib import Path

from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files

from gradbook.engine.tex import MathError, MathJaxMissing, MathRenderer, share_glyphs, source_line
from gradbook.mkdocs import store_root


class MathConfig(Config):
    css = c.Type(str, default="assets/stylesheets/mathjax-svg.css")  # MathJax's SVG stylesheet, generated


class MathPlugin(BasePlugin[MathConfig]):
    supports_multiple_instances = False

    def on_config(self, config):
        self.docs_dir = Path(config.docs_dir)
        self.math = MathRenderer(store_root(config))
        if self.config.css not in config.extra_css:
            config.extra_css.append(self.config.css)
        return config

    def on_files(self, files: Files, config) -> Files:
        try:
            css = self.math.stylesheet()
        except MathJaxMissing as exc:
            raise PluginError(f"gradbook: {exc}") from None
        files.append(File.generated(config, self.config.css, content=css))
        return files

    def on_page_content(self, html_text: str, page, config, files):
        try:
            # typeset_dollars only reads notebook cells (jp-RenderedMarkdown): other pages pass through.
            return share_glyphs(self.math.typeset_dollars(self.math.typeset_arithmatex(html_text)))
        except MathError as exc:
            source = self.docs_dir / page.file.src_uri  # as written: another plugin may have rewritten it
            text = source.read_text(encoding="utf-8") if source.is_file() else page.file.content_string
            line = source_line(text, exc.tex)
            raise PluginError(f"gradbook: {page.file.src_uri}:{line or '?'}: {exc}") from None

    def on_shutdown(self) -> None:
        # MkDocs calls this after a build, failed or not: free V8 before the interpreter exits.
        if getattr(self, "math", None) is not None:
            self.math.close()
