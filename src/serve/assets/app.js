// nrel-search's page: results as you type, keyboard navigation, copying
// citations. Everything from the corpus is inserted as text, never as HTML.
"use strict";

(function () {
  const $ = (id) => document.getElementById(id);
  const form = $("search");
  const box = $("q");
  const results = $("results");
  const status = $("status");
  const fresh = $("freshness");
  let pending = null;
  let asked = 0;

  function setFreshness(state) {
    if (!fresh || !state) return;
    fresh.className = "freshness " + state;
    fresh.textContent = "index " + state;
  }

  function params() {
    const p = new URLSearchParams();
    for (const name of ["q", "lang", "since", "until", "source", "doc"]) {
      const field = form.elements[name];
      if (field && field.value.trim() !== "") p.set(name, field.value.trim());
    }
    return p;
  }

  // The snippet with its highlights: byte ranges of the UTF-8 text.
  function snippet(el, text, ranges, before, after) {
    const bytes = new TextEncoder().encode(text);
    const decode = (a, b) => new TextDecoder().decode(bytes.slice(a, b));
    if (before) el.append("…");
    let at = 0;
    for (const [start, end] of ranges) {
      if (start < at || end > bytes.length) continue;
      el.append(decode(at, start));
      const mark = document.createElement("mark");
      mark.textContent = decode(start, end);
      el.append(mark);
      at = end;
    }
    el.append(decode(at, bytes.length));
    if (after) el.append("…");
  }

  function metaLine(hit) {
    const parts = [];
    if (hit.source) parts.push(hit.source);
    if (hit.date) parts.push(hit.date);
    parts.push(hit.lang);
    if (hit.page_start) {
      parts.push(hit.page_end && hit.page_end !== hit.page_start
        ? "pp. " + hit.page_start + "–" + hit.page_end
        : "p. " + hit.page_start);
    }
    return parts.join(" · ");
  }

  function render(data) {
    results.replaceChildren();
    results.dataset.rendered = "js";
    const n = data.hits.length;
    let said = n === 0 ? "No passage matches." : n === 1 ? "1 passage." : n + " passages.";
    for (const w of data.warnings) said += " " + w;
    status.textContent = said;
    status.className = "";
    for (const hit of data.hits) {
      const li = document.createElement("li");
      li.className = hit.counterpart_of ? "hit counterpart" : "hit";
      li.dataset.id = hit.id;
      const a = document.createElement("a");
      a.className = "title";
      a.href = "/passage/" + encodeURIComponent(hit.id) + "?context=2";
      a.textContent = hit.title || hit.path;
      const meta = document.createElement("div");
      meta.className = "meta";
      meta.textContent = metaLine(hit) + (hit.counterpart_of
        ? " · the passage above, in " + (hit.lang === "en" ? "English" : "French")
        : "");
      const p = document.createElement("p");
      p.className = "snippet";
      p.lang = hit.lang;
      snippet(p, hit.snippet, hit.highlights,
        hit.text.indexOf(hit.snippet) > 0,
        hit.text.indexOf(hit.snippet) + hit.snippet.length < hit.text.length);
      const where = document.createElement("div");
      where.className = "where";
      const code = document.createElement("code");
      code.className = "id";
      code.textContent = hit.id;
      const path = document.createElement("span");
      path.className = "path";
      path.textContent = " " + hit.path + ":" + (hit.line_start === hit.line_end
        ? hit.line_start : hit.line_start + "-" + hit.line_end);
      where.append(code, path);
      li.append(a, meta, p, where);
      results.append(li);
    }
  }

  async function search() {
    const p = params();
    const url = new URL(window.location.href);
    url.search = p.toString();
    window.history.replaceState(null, "", url);
    const ticket = ++asked;
    if (!p.get("q")) {
      results.replaceChildren();
      status.textContent = "";
      return;
    }
    try {
      const response = await fetch("/api/search?" + p.toString() + "&n=20");
      const data = await response.json();
      if (ticket !== asked) return; // a later search was typed meanwhile
      if (!response.ok) {
        status.textContent = data.error;
        status.className = "error";
        results.replaceChildren();
        results.dataset.rendered = "js";
        return;
      }
      setFreshness(data.index);
      render(data);
    } catch (e) {
      if (ticket === asked) {
        status.textContent = "The server did not answer.";
        status.className = "error";
      }
    }
  }

  function later() {
    clearTimeout(pending);
    pending = setTimeout(search, 150);
  }

  function items() {
    return Array.from(document.querySelectorAll("#results .hit a.title"));
  }

  function move(step) {
    const links = items();
    if (links.length === 0) return;
    const at = links.indexOf(document.activeElement);
    const next = at < 0 ? (step > 0 ? 0 : links.length - 1)
      : Math.min(links.length - 1, Math.max(0, at + step));
    links[next].focus();
  }

  if (form && box && results) {
    form.addEventListener("submit", (e) => { e.preventDefault(); search(); });
    box.addEventListener("input", later);
    for (const name of ["lang", "since", "until", "source", "doc"]) {
      const field = form.elements[name];
      if (field) field.addEventListener(field.tagName === "SELECT" ? "change" : "input", later);
    }
    if (box.value.trim() !== "") search();
  }

  document.addEventListener("keydown", (e) => {
    const typing = e.target instanceof HTMLInputElement || e.target instanceof HTMLSelectElement;
    if (e.key === "/" && !typing) {
      e.preventDefault();
      if (box) { box.focus(); box.select(); }
    } else if (e.target instanceof HTMLSelectElement) {
      // The arrows choose in a list.
    } else if (e.key === "ArrowDown" && results) {
      e.preventDefault();
      move(1);
    } else if (e.key === "ArrowUp" && results) {
      e.preventDefault();
      move(-1);
    }
  });

  // The passage view: copy a citation in the format of the button.
  const view = document.querySelector(".passage-view");
  if (view) {
    const said = $("copied");
    for (const button of view.querySelectorAll("button[data-format]")) {
      button.addEventListener("click", async () => {
        const format = button.dataset.format;
        const response = await fetch("/api/cite/" + encodeURIComponent(view.dataset.id) + "?format=" + format);
        const text = await response.text();
        $("citation").textContent = text;
        try {
          await navigator.clipboard.writeText(text);
          said.textContent = "Copied (" + format + ").";
        } catch (e) {
          said.textContent = "Shown above: select it to copy.";
        }
      });
    }
  }

  // Whether the index is fresh, every few seconds.
  async function poll() {
    try {
      const response = await fetch("/api/status");
      if (response.ok) setFreshness((await response.json()).index);
    } catch (e) { /* the server stopped */ }
  }
  setInterval(poll, 5000);
})();
