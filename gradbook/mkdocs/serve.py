"""Under ``mkdocs serve``, a rebuild that fails shows its error in the browser.

MkDocs itself keeps the last good site but holds every page request until a build passes, so the
browser just spins. Here the failed build counts as done: every page then answers with an error
page naming what failed (for a figure: page, line, figure and reason, as the terminal says), and
its live-reload script brings the real page back as soon as the source is fixed.

Uses two private parts of MkDocs' live-reload server (``_inject_js_into_html``, ``_visible_epoch``);
MkDocs is pinned below 2, and without them the page still shows, only without reloading itself.
"""

from __future__ import annotations

import html
import logging
from pathlib import Path
from typing import Any

from gradbook.engine.pool import FigureEngine

log = logging.getLogger("mkdocs.plugins.gradbook")

PAGE = """<!doctype html>
<html lang="zh"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>构建失败</title>
<style>body{{font:16px/1.5 system-ui,sans-serif;margin:2rem auto;max-width:60rem;padding:0 1rem}}
pre{{white-space:pre-wrap;background:#fff3f3;border-left:4px solid #c62828;padding:1rem}}
@media (prefers-color-scheme:dark){{body{{background:#1e1e1e;color:#eee}}pre{{background:#3a1f1f}}}}</style>
</head><body>
<h1>构建失败（build failed）</h1>
<p>页面 <code>{path}</code> 暂时无法显示：上一次构建出错。改好源文件后，本页会自动刷新。</p>
<pre id="gb-build-error">{error}</pre>
</body></html>
"""


class ErrorPages:
    """The last rebuild's error (None once a build passes), and the server's page for it."""

    def __init__(self) -> None:
        self.error: str | None = None

    def record(self, error: BaseException) -> None:
        """A plugin's ``on_build_error``: keep the reason (a PluginError names page and figure)."""
        self.error = str(error) or type(error).__name__

    def install(self, server: Any) -> None:
        """Wrap the live-reload server's rebuild and its WSGI app."""
        builder, app = server.builder, server.get_app()

        def build(*args: Any, **kwargs: Any) -> None:
            self.error = None
            try:
                builder(*args, **kwargs)
            except Exception as exc:  # e.g. Abort("Aborted with a BuildError!"), after record()
                if self.error is None:
                    self.record(exc)
                    log.exception("gradbook: the build failed")
                log.error("gradbook: the browser shows this error until a build passes again")

        def serve(environ: dict, start_response: Any):
            path = environ.get("PATH_INFO") or "/"
            if self.error is None or path.startswith("/livereload/") or not path.endswith(("/", ".html")):
                return app(environ, start_response)
            page = PAGE.format(path=html.escape(path), error=html.escape(self.error)).encode()
            inject = getattr(server, "_inject_js_into_html", None)
            if inject is not None and hasattr(server, "_visible_epoch"):
                page = inject(page, server._visible_epoch)
            start_response("500 Internal Server Error", [("Content-Type", "text/html; charset=utf-8")])
            return [page]

        server.builder = build
        server.set_app(serve)


# Module-level: MkDocs makes new plugin instances for every rebuild, but serves with the first.
ERRORS = ErrorPages()


_code_seen: dict[str, int] = {}  # gradbook's modules and their mtimes when serving began


def code_changed() -> bool:
    """Has any gradbook module changed (or come or gone) since serving began? Sticky: once edited,
    this process holds an old copy of it for good."""
    import gradbook

    now = {str(p): p.stat().st_mtime_ns for p in Path(gradbook.__file__).parent.rglob("*.py")}
    if not _code_seen:
        _code_seen.update(now)
    elif now != _code_seen:
        _code_seen.clear()
        _code_seen["changed"] = -1
    return "changed" in _code_seen


class QuickEngine(FigureEngine):
    """The engine under ``dev.py serve --quick``: one edited figure (one script and parameters, its
    page and phone drawings in both schemes) renders in this process, not in a new one, which saves
    starting Python and importing numpy and matplotlib each time (edit to page 5.8 -> ~4.7 s; the
    four drawings alone 2.0 -> 1.0 s). The script is read afresh on every render; the gradbook
    modules it imports are this process's, so once one of them changes every render goes back to
    new worker processes. Several figures or an explorable's frames use the workers (in parallel)."""

    def _render_all(self, missing):
        alone = len({(req.name, req.params) for req, _, _ in missing}) == 1
        self.workers = 0 if alone and not code_changed() else max(self.configured, 1)
        return super()._render_all(missing)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.configured = self.workers
        code_changed()  # the first build under serve takes the snapshot
