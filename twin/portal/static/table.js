// Table preview: the first features through the OGC API (paged with limit/offset, sorted
// with sortby), rendered as an accessible table. Without JavaScript the page links to the
// API's own HTML pages instead.
const box = document.getElementById("table");
const items = box.dataset.items;
const size = 10;
let offset = 0;
let sortby = "";

function cell(tag, text) {
  const node = document.createElement(tag);
  node.textContent = text === null || text === undefined ? "" : String(text);
  return node;
}

async function load() {
  const params = new URLSearchParams({ f: "json", limit: String(size), offset: String(offset),
                                       skipGeometry: "true" });
  if (sortby) params.set("sortby", sortby);
  const response = await fetch(`${items}?${params}`, { credentials: "same-origin",
                                                        headers: { Accept: "application/geo+json" } });
  if (!response.ok) throw new Error(`${items}: ${response.status}`);
  const page = await response.json();
  render(page);
}

function render(page) {
  const features = page.features || [];
  const names = [...new Set(features.flatMap((f) => Object.keys(f.properties || {})))];
  const table = document.createElement("table");
  table.className = "data";
  const caption = document.createElement("caption");
  caption.textContent = box.dataset.page.replace("{n}", String(offset / size + 1));
  table.append(caption);
  const head = table.createTHead().insertRow();
  for (const name of names) {
    const th = document.createElement("th");
    th.scope = "col";
    const sorted = sortby === name ? "ascending" : sortby === `-${name}` ? "descending" : "none";
    th.setAttribute("aria-sort", sorted);
    const button = cell("button", name);
    button.type = "button";
    button.addEventListener("click", () => {
      sortby = sortby === name ? `-${name}` : name;
      offset = 0;
      load();
    });
    th.append(button);
    head.append(th);
  }
  const body = table.createTBody();
  for (const feature of features) {
    const row = body.insertRow();
    for (const name of names) row.append(cell("td", feature.properties[name]));
  }
  const nav = document.createElement("div");
  nav.className = "pager";
  const previous = cell("button", box.dataset.previous);
  previous.type = "button";
  previous.disabled = offset === 0;
  previous.addEventListener("click", () => { offset = Math.max(0, offset - size); load(); });
  const next = cell("button", box.dataset.next);
  next.type = "button";
  next.disabled = features.length < size;
  next.addEventListener("click", () => { offset += size; load(); });
  nav.append(previous, next);
  box.replaceChildren(table, nav);
  box.dataset.offset = String(offset);
}

load().catch((error) => { box.dataset.error = String(error); });
