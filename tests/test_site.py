"""The built site: strict build, nothing fetched from third parties, Chinese search index."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pytest

pytestmark = pytest.mark.site

ASSET_ATTRS = {("script", "src"), ("link", "href"), ("img", "src"), ("iframe", "src"), ("source", "src"),
               ("source", "srcset"), ("video", "src"), ("audio", "src"), ("object", "data"), ("embed", "src")}


class AssetCollector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.assets: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "link" and attrs.get("rel") in {"canonical", "alternate", "prev", "next"}:
            return  # navigation metadata, never fetched by the browser
        for t, a in ASSET_ATTRS:
            if tag == t and attrs.get(a):
                self.assets.append(attrs[a])
        if "style" in attrs:
            self.assets += re.findall(r"url\(['\"]?([^'\")]+)", attrs["style"])


def test_no_page_references_a_third_party_asset(site_dir):
    offenders = []
    for html in site_dir.rglob("*.html"):
        collector = AssetCollector()
        collector.feed(html.read_text(encoding="utf-8"))
        offenders += [f"{html.relative_to(site_dir)}: {a}" for a in collector.assets
                      if re.match(r"(https?:)?//", a)]
    for css in site_dir.rglob("*.css"):
        text = css.read_text(encoding="utf-8", errors="replace")
        offenders += [f"{css.relative_to(site_dir)}: {u}" for u in
                      re.findall(r"(?:url\(|@import\s+)['\"]?((?:https?:)?//[^'\")\s]+)", text)]
    assert not offenders, "\n".join(offenders)


def test_theme_loads_no_web_fonts(site_dir):
    html = (site_dir / "index.html").read_text(encoding="utf-8")
    assert "fonts.googleapis.com" not in html and "fonts.gstatic.com" not in html


def test_math_is_typeset_at_build_time_and_no_page_loads_mathjax(site_dir):
    pages = [p for p in site_dir.rglob("*.html") if "assets" not in p.parts]
    for page in pages:
        html = page.read_text(encoding="utf-8")
        scripts = re.findall(r'<script[^>]+src="([^"]+)"', html)
        assert not [s for s in scripts if "mathjax" in s.lower()], f"{page}: loads MathJax: {scripts}"
        assert not re.search(r'<(span|div) class="arithmatex">\\[(\[]', html), f"{page}: raw TeX left"
    home = (site_dir / "index.html").read_text(encoding="utf-8")
    assert home.count('<mjx-container class="MathJax" jax="SVG"') >= 10
    assert "mjx-assistive-mml" in home, "screen readers get MathML beside each SVG"
    assert (site_dir / "assets" / "stylesheets" / "mathjax-svg.css").is_file()


def test_search_index_holds_chinese_words_as_separate_tokens(site_dir):
    index = json.loads((site_dir / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert "zh" in index["config"]["lang"]
    separator = re.compile(index["config"]["separator"])
    tokens = set()
    for doc in index["docs"]:
        tokens.update(t for t in separator.split(doc["title"] + " " + doc["text"]) if t)
    for word in ("梯度", "导数", "切线", "链式法则", "学习率"):
        assert word in tokens, f"{word} is not a token of its own"
    assert not [t for t in tokens if len(re.findall(r"[\u4e00-\u9fff]", t)) > 12], "unsegmented runs"


def test_figures_are_in_the_site_and_not_in_docs(site_dir):
    from tests.conftest import ROOT

    assert (site_dir / "figures" / "derivative_arrow.svg").is_file()
    assert not list((ROOT / "docs").rglob("*.svg")), "figures are built, never committed to docs/"


def test_figure_ids_are_unique_and_a_repeated_figure_keeps_its_own_caption_and_alt(site_dir):
    for page in site_dir.rglob("*.html"):
        ids = re.findall(r'<figure class="gb-figure" id="([^"]+)"', page.read_text(encoding="utf-8"))
        assert len(ids) == len(set(ids)), f"{page.relative_to(site_dir)}: {ids}"
    page = (site_dir / "chapters" / "02-linear-model" / "index.html").read_text(encoding="utf-8")
    uses = dict(re.findall(r'<figure class="gb-figure" id="(fig-lr_loss_curves[^"]*)"(.*?)</figure>', page, re.S))
    assert list(uses) == ["fig-lr_loss_curves", "fig-lr_loss_curves-2"]
    first, second = uses.values()
    assert "合适的迅速降到底" in first and "中等的学习率几步之内下降好几个数量级" in first, "the script's caption and ALT"
    assert "卡在 150 左右的平台上" in second and 'alt="折线图，斜率 w 与截距 b 一起学' in second
    assert "合适的迅速降到底" not in second and "下降好几个数量级" not in second
