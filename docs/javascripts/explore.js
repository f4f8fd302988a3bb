// Explorable figures (gradbook/engine/sweep.py): a slider under the figure swaps frames the build
// rendered with the same tested script. Values and readouts are the build's, written in the page;
// nothing is computed here. Without JavaScript the page shows the default frame and no slider.
function gradbookExplore() {
  document.querySelectorAll(".gb-explore[hidden]").forEach((box) => {
    const d = JSON.parse(box.dataset.gbSweep);
    const fig = box.closest("figure");
    const n = d.f.length;
    // Each <picture> of the figure (one per colour scheme) and the frames it shows: its scheme's
    // (d.fd/d.fpd under .gb-dark), the page layout in the <img>, the phone layout in the <source>,
    // so the browser picks the drawing by the same media query as for the default frame (and again
    // when the viewport turns) and fetches only that one; the other scheme's picture is
    // display:none and, lazy, is never fetched. A frame's file sits beside the figure's, so the
    // build's name resolves against the image's own URL.
    const slots = [...fig.querySelectorAll("picture")].map((pic) => {
      const img = pic.querySelector("img"), source = pic.querySelector("source");
      const dark = !!pic.closest(".gb-dark") && !!d.fd;
      return { img, source, media: source && matchMedia(source.media), url: new URL(img.getAttribute("src"), location.href),
        page: dark ? d.fd : d.f, phone: source && (dark ? d.fpd : d.fp) };
    });
    const at = (list, k, s) => new URL(list[k], s.url).href;
    const el = (tag, props) => Object.assign(document.createElement(tag), props);
    const input = el("input", { type: "range", min: 0, max: n - 1, step: 1, value: d.s });
    input.setAttribute("aria-label", d.n);
    const value = el("output", { className: "gb-explore-value" });
    const readout = el("span", { className: "gb-readout" });
    readout.setAttribute("aria-live", "polite");
    const name = box.querySelector(".gb-explore-name");
    const label = el("span", { className: "gb-explore-label" });
    label.append(name, " = ", value);
    box.append(label, input);
    let play;
    if (d.p) {
      play = el("button", { type: "button", className: "gb-play", textContent: "▶" });
      play.setAttribute("aria-label", "播放");
      box.append(play);
    }
    box.append(readout);
    const loaded = new Set();  // frame URLs prefetched (per variant: the screen or scheme may change)
    const warm = (k) => {
      if (k < 0 || k >= n) return;
      // Only the drawing the reader sees: this scheme's, in this screen's layout.
      slots.filter((s) => s.img.getClientRects().length).forEach((s) => {
        const url = at(s.phone && s.media.matches ? s.phone : s.page, k, s);
        if (!loaded.has(url)) { loaded.add(url); el("img").src = url; }
      });
    };
    let i = d.s;
    const show = (k) => {
      i = k;
      input.value = k;
      value.textContent = d.v[k];
      readout.textContent = d.r ? d.r[k] : "";
      input.setAttribute("aria-valuetext", d.v[k] + (d.r ? "，" + d.r[k] : ""));
      slots.forEach((s) => {
        if (s.phone) s.source.srcset = at(s.phone, k, s);
        else if (s.source) s.source.remove();  // no phone frames: the page layout everywhere
        s.img.src = at(s.page, k, s);
        const zoom = s.img.closest("a.gb-zoom");  // the frame at full size: its page layout
        if (zoom) zoom.href = s.img.src;
      });
      warm(k - 1);
      warm(k + 1);
    };
    value.textContent = d.v[i];
    readout.textContent = d.r ? d.r[i] : "";
    input.setAttribute("aria-valuetext", d.v[i] + (d.r ? "，" + d.r[i] : ""));
    // Frames load on first interaction: the neighbours of where the reader starts.
    const start = () => { warm(i - 1); warm(i + 1); };
    ["pointerdown", "focus", "touchstart"].forEach((t) => input.addEventListener(t, start, { once: true, passive: true }));
    input.addEventListener("input", () => { stop(); show(+input.value); });
    let timer = null;
    const stop = () => {
      if (!timer) return;
      clearInterval(timer);
      timer = null;
      play.textContent = "▶";
      play.setAttribute("aria-label", "播放");
    };
    if (play) play.addEventListener("click", () => {
      if (timer) return stop();
      if (i === n - 1) show(0);
      play.textContent = "❚❚";
      play.setAttribute("aria-label", "暂停");
      warm(i + 1);  // the first frames it plays load before their turn
      warm(i + 2);
      timer = setInterval(() => (i < n - 1 ? (show(i + 1), warm(i + 2)) : stop()), 700);
    });
    box.hidden = false;
  });
}
if (typeof document$ !== "undefined") document$.subscribe(gradbookExplore);
else document.addEventListener("DOMContentLoaded", gradbookExplore);
