// Names and focus that Material's and JupyterLab's markup leave out (found by axe-core):
// the search dialog and the loading bar get accessible names, and notebook code that
// scrolls sideways can be reached with the keyboard.
function gradbookA11y() {
  const label = (sel, text) => document.querySelectorAll(sel).forEach(e => {
    if (!e.getAttribute("aria-label")) e.setAttribute("aria-label", text);
  });
  label(".md-search", "搜索");
  label(".md-progress", "页面加载进度");
  document.querySelectorAll(".highlight-ipynb, .jp-OutputArea-output pre").forEach(e => {
    if (!e.hasAttribute("tabindex")) e.setAttribute("tabindex", "0");
  });
  // A formula wider than the column scrolls in its own box (gradbook.css): keyboard too.
  document.querySelectorAll('mjx-container[display="true"]').forEach(e => {
    if (e.scrollWidth > e.clientWidth + 1 && !e.hasAttribute("tabindex")) e.setAttribute("tabindex", "0");
  });
}
if (typeof document$ !== "undefined") document$.subscribe(gradbookA11y);
else document.addEventListener("DOMContentLoaded", gradbookA11y);
