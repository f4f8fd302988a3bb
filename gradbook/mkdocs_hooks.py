"""MkDocs hooks of the book (mkdocs.yml ``hooks:``): Chinese typesetting on every page.

Kept apart from the figure plugin (gradbook/mkdocs_plugin.py) on purpose: it is a thin MkDocs
adapter for gradbook/cjk_typeset.py, which holds the logic and knows nothing of MkDocs.
"""

from __future__ import annotations

from mkdocs.plugins import event_priority

from gradbook.cjk_typeset import typeset


@event_priority(-50)  # after every plugin: the gradbook plugin must have typeset the math first
def on_page_content(html, page, config, files):
    return typeset(html)
