"""MkDocs hooks of the book (mkdocs.yml ``hooks:``), run after every plugin.

``on_page_content`` sets the page's Chinese (gradbook.engine.typeset); it runs after gradbook/math
has typeset the formulas, whose output it keeps together with the punctuation after it.
``on_post_build`` rewrites Material's search index as plain UTF-8: the search plugin escapes every
Chinese character and every U+200B word break as ``\\uXXXX`` (6 bytes), and the index is loaded on
every page, so the escapes cost each reader about 15 kB gzipped for nothing.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from mkdocs.plugins import event_priority

from gradbook.engine.typeset import typeset


def compact_search_index(path: Path) -> None:
    """Write the index at ``path`` again, unescaped and without spaces; atomically."""
    index = json.loads(path.read_text(encoding="utf-8"))
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(index, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    os.replace(tmp, path)


@event_priority(-50)  # after every plugin: gradbook/math must have typeset the math first
def on_page_content(html, **_):
    return typeset(html)


@event_priority(-100)  # after the search plugin has written its index
def on_post_build(config, **_):
    index = Path(config["site_dir"]) / "search" / "search_index.json"
    if index.exists():
        compact_search_index(index)
