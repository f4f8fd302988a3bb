// MathJax 3, served from this site (assets/mathjax/), configured for pymdownx.arithmatex.
function gradbookReveal() { document.documentElement.classList.add("gb-ready"); }
// Pages without math need not wait for MathJax.
if (!document.querySelector(".arithmatex, .jp-RenderedMarkdown, .jp-RenderedHTMLCommon")) gradbookReveal();

window.MathJax = {
  // startup.js loads these (and core) from assets/mathjax/; no context menu, which would
  // add 108 KiB gzipped to every page.
  loader: { load: ["input/tex", "output/chtml", "a11y/assistive-mml"] },
  tex: {
    // \( \) and \[ \] come from arithmatex on chapter pages; $ and $$ are what notebook
    // markdown cells contain.
    inlineMath: [["\\(", "\\)"], ["$", "$"]],
    displayMath: [["\\[", "\\]"], ["$$", "$$"]],
    processEscapes: true,
    processEnvironments: true,
    tags: "ams",
  },
  startup: {
    // Show the article once its math is typeset (see gradbook.css: no reflow as math appears).
    pageReady: () => MathJax.startup.defaultPageReady().finally(gradbookReveal),
  },
  options: {
    enableMenu: false,
    // Only the article is typeset: never the header, navigation, search or notebook code and
    // outputs. (Material's recipe ignores every class but arithmatex, which would also skip
    // the <p> inside notebook cells.)
    ignoreHtmlClass: "md-header|md-sidebar|md-footer|md-search|md-tabs|md-source-file|jp-InputArea|jp-OutputArea",
    processHtmlClass: "arithmatex|jp-RenderedMarkdown",
  },
};

// Material's instant navigation swaps page content without a reload, so typeset again. The
// first emission is the initial page, which MathJax's startup typesets itself; later ones
// are chained on startup.promise so two typesetting passes never race (a race leaves
// autoloaded macros such as \boldsymbol unrendered).
if (typeof document$ !== "undefined") {
  let initial = true;
  document$.subscribe(() => {
    if (initial) { initial = false; return; }
    if (!window.MathJax || !MathJax.startup || !MathJax.startup.promise) return;
    MathJax.startup.promise = MathJax.startup.promise.then(() => {
      MathJax.startup.output.clearCache();
      MathJax.typesetClear();
      MathJax.texReset();
      return MathJax.typesetPromise();
    });
  });
}
