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
  // A formula or code block wider than the column scrolls in its own box (gradbook.css): keyboard
  // too. Material marks code blocks only once they scroll into view (content.lazy), so this marks
  // the rest. Measured in idle time, a few at a time: each width read lays out the block around it,
  // which off-screen blocks otherwise skip (content-visibility in gradbook.css); all at once it
  // was one 120-ms task on a chapter.
  // Like Material, code gets no tab stop where nothing hovers (a touchscreen).
  const code = matchMedia("(hover)").matches ? ", article pre > code" : "";
  const queue = [...document.querySelectorAll('article mjx-container[display="true"]' + code)]
    .filter(e => !e.closest("details:not([open])"));
  const idle = window.requestIdleCallback || (f => setTimeout(() => f({ timeRemaining: () => 10 }), 1));
  const step = deadline => {
    do {
      const e = queue.shift();
      if (e && e.scrollWidth > e.clientWidth + 1 && !e.hasAttribute("tabindex")) e.setAttribute("tabindex", "0");
    } while (queue.length && deadline.timeRemaining() > 4);
    if (queue.length) idle(step, { timeout: 1000 });
  };
  if (queue.length) idle(step, { timeout: 1000 });
}
if (typeof document$ !== "undefined") document$.subscribe(gradbookA11y);
else document.addEventListener("DOMContentLoaded", gradbookA11y);
