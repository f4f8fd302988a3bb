"""A figure's images as the page shows them: one <picture> per colour scheme, each with the phone
layout as a <source> (gradbook/mkdocs/figures.py puts them in the figure block)."""

from __future__ import annotations

import html
import posixpath
import re

from gradbook.engine import pages
from gradbook.engine.variant import SCHEMES, Variant

# Where the phone layout is shown: a viewport too narrow for the page layout at 0.9 of its size
# (the column is the viewport less 48 px below Material's 960-px breakpoint). Screens only:
# print takes the page layout.
PHONE_MEDIA = "screen and (max-width: 700px)"
_ATTR = re.compile(r"""([.#])([\w-]+)|([\w-]+)=(?:"([^"]*)"|'([^']*)'|(\S+))""")


def html_attrs(attr_list: str) -> str:
    """An attr_list as written (``{ .wide width="60%" }``) as HTML attributes for the <img>."""
    classes, out = [], []
    for m in _ATTR.finditer(attr_list.strip("{} ")):
        if m[1] == ".":
            classes.append(m[2])
        elif m[1] != "#":  # an id would repeat on both images; the figure has its own
            value = next(v for v in m.group(4, 5, 6) if v is not None)
            out.append(f' {m[3]}="{html.escape(value)}"')
    return (f' class="{" ".join(classes)}"' if classes else "") + "".join(out)


def relative(page: str, target: str, directory_urls: bool) -> str:
    """``target`` (a path in the site) relative to the page ``page`` (its source path) as served:
    raw HTML, whose links MkDocs does not rewrite (chapters/01-gradient.md is served as
    chapters/01-gradient/ with directory URLs)."""
    stem = posixpath.splitext(page)[0]
    own_folder = directory_urls and posixpath.basename(stem) not in ("index", "README")
    return posixpath.relpath(target, (stem if own_folder else posixpath.dirname(stem)) or ".")


def pictures(ref: pages.Ref, outputs: dict, alt: str, directory_urls: bool) -> str:
    """The figure's images as HTML, one <picture> per colour scheme: the phone layout from a
    <source> on narrow screens, the page layout otherwise (and in print). CSS shows the one
    matching Material's scheme (the toggle, body[data-md-color-scheme]); the other is
    display:none and, loading lazily, is never fetched. Each links to its page layout, the
    figure at full size (tap to zoom)."""
    alt = html.escape(alt)
    variants = ref.request.variants()
    extra = html_attrs(ref.attrs)

    def src(medium: str, scheme: str) -> tuple[str, str]:
        req = variants[Variant(medium, scheme)]
        link = relative(ref.page, posixpath.join(posixpath.dirname(ref.target), req.filename), directory_urls)
        size = pages.image_size(outputs[req], req.fmt)
        return link, f' width="{size[0]}" height="{size[1]}"' if size else ""

    out = []
    for scheme in SCHEMES:
        (page, page_size), (phone, phone_size) = src("page", scheme), src("phone", scheme)
        out.append(
            f'<a class="gb-zoom gb-{scheme}" href="{page}"><picture>'
            f'<source media="{PHONE_MEDIA}" srcset="{phone}"{phone_size}>'
            f'<img src="{page}" alt="{alt}" loading="lazy" decoding="async"{page_size}{extra}></picture></a>'
        )
    return "".join(out)
