// A figure's source fold (gradbook/mkdocs/source_fold.py) holds a link to its script's source, one
// highlighted HTML file per script that the build wrote. The first time the fold opens, the
// highlighted block is fetched and takes the link's place: the same markup the page's own code
// blocks have, with Material's copy button (Clipboard.js listens on the document, so a button
// added later copies too) and, where it scrolls sideways on a device that hovers, a tab stop as
// Material gives its blocks. Listening on the document (toggle does not bubble: capture) covers
// pages swapped in by navigation.instant. Without JavaScript the link opens the file itself.
(() => {
  let count = 0;
  const copyTitle = () => {
    try {
      return JSON.parse(document.getElementById("__config").textContent).translations["clipboard.copy"];
    } catch (e) {
      return "复制";
    }
  };
  async function load(fold) {
    const slot = fold.querySelector(":scope > .gb-source-link");
    if (!slot || fold.hasAttribute("data-gb-loading")) return;
    fold.setAttribute("data-gb-loading", "");
    try {
      const response = await fetch(new URL(fold.dataset.gbSource, document.baseURI));
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const doc = new DOMParser().parseFromString(await response.text(), "text/html");
      const block = doc.querySelector("div.highlight");
      const pre = block && block.querySelector("pre"), code = pre && pre.querySelector(":scope > code");
      if (!code) throw new Error("no code in the file");
      pre.id = `__code_gb_source_${count++}`;
      const nav = document.createElement("nav"), button = document.createElement("button");
      nav.className = "md-code__nav";
      button.className = "md-code__button";
      button.title = copyTitle();
      button.setAttribute("data-clipboard-target", `#${pre.id} > code`);
      button.setAttribute("data-md-type", "copy");
      nav.append(button);
      code.before(nav);
      slot.replaceWith(document.adoptNode(block));
      if (matchMedia("(hover)").matches && code.scrollWidth > code.clientWidth + 1) code.setAttribute("tabindex", "0");
    } catch (error) {
      fold.removeAttribute("data-gb-loading");  // opening the fold again tries again
      if (!slot.querySelector(".gb-source-error")) {
        const note = document.createElement("span");
        note.className = "gb-source-error";
        note.textContent = "源代码没能载入，请点此链接直接打开：";
        slot.prepend(note);
      }
    }
  }
  document.addEventListener("toggle", (event) => {
    const fold = event.target;
    if (fold.open && fold.matches && fold.matches("details.gb-source[data-gb-source]")) load(fold);
  }, true);
})();
