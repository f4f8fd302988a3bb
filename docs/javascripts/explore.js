// Explorable figures (gradbook/engine/sweep.py): a slider under the figure swaps frames the build
// rendered with the same tested script. Values and readouts are the build's, written in the page;
// nothing is computed here. Without JavaScript the page shows the default frame and no slider.
function gradbookExplore() {
  document.querySelectorAll(".gb-explore[hidden]").forEach((box) => {
    const d = JSON.parse(box.dataset.gbSweep);
    const fig = box.closest("figure");
    const n = d.f.length;
    // Each <img> of the figure (one per colour scheme) and the frames it shows: the dark scheme's
    // own (d.fd) under .gb-dark, else the page's. A frame's file sits beside the figure's, so the
    // build's name resolves against the image's own URL. Frames are drawn in the page layout only
    // (half the renders); a phone's <source> gives way to them once the reader moves the slider.
    const slots = [...fig.querySelectorAll("img")].map((el) => {
      const list = (el.closest(".gb-dark") && d.fd) || d.f;
      return { el, attr: "src", list, url: new URL(el.getAttribute("src"), location.href) };
    });
    const frame = (k, s) => new URL(s.list[k], s.url).href;
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
    const loaded = new Set();
    const warm = (k) => {
      if (k < 0 || k >= n || loaded.has(k)) return;
      loaded.add(k);
      // Only the image the reader sees (the other scheme's is display:none, never fetched).
      slots.filter((s) => s.el.getClientRects().length)
        .forEach((s) => { el("img").src = frame(k, s); });
    };
    let i = d.s;
    const show = (k) => {
      i = k;
      input.value = k;
      value.textContent = d.v[k];
      readout.textContent = d.r ? d.r[k] : "";
      input.setAttribute("aria-valuetext", d.v[k] + (d.r ? "，" + d.r[k] : ""));
      fig.querySelectorAll("picture source").forEach((e) => e.remove());
      slots.forEach((s) => s.el.setAttribute(s.attr, frame(k, s)));
      fig.querySelectorAll("a.gb-zoom").forEach((a) => {
        const s = slots.find((t) => a.contains(t.el));
        if (s) a.href = frame(k, s);
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
