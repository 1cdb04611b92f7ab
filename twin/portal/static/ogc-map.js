// Maps of pygeoapi's HTML pages (collection, items, item) with MapLibre GL JS served by the
// product, on the collection's own vector tiles and style; the features of an items or item
// page are drawn from the page's own GeoJSON. Replaces pygeoapi's Leaflet, which loads from
// a CDN and shows remote OpenStreetMap tiles.
import { Map, NavigationControl } from "../vendor/maplibre/maplibre-gl.mjs";

const box = document.getElementById("collection-map") || document.getElementById("items-map");
const match = location.pathname.match(/^(.*\/collections\/[^/]+)/);

async function json(url) {
  const response = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } });
  if (!response.ok) throw new Error(`${url}: ${response.status}`);
  return response.json();
}

async function show() {
  if (!box || !match) return;
  box.classList.add("map");
  box.setAttribute("role", "region");
  box.setAttribute("aria-label", document.querySelector("script[data-label]")?.dataset.label || "Map");
  const collectionUrl = match[1];
  const [collection, style] = await Promise.all([
    json(`${collectionUrl}?f=json`), json(`${collectionUrl}/style.json`).catch(() => null)]);
  const merged = style || { version: 8, sources: {}, layers: [] };
  merged.layers.unshift({ id: "paper", type: "background", paint: { "background-color": "#f4f3ee" } });
  let bounds = collection.extent?.spatial?.bbox?.[0];
  if (box.id === "items-map") {
    const page = new URL(location.href);
    page.searchParams.set("f", "json");
    const features = await json(page.toString());
    merged.sources.page = { type: "geojson", data: features };
    merged.layers.push(
      { id: "page-fill", type: "fill", source: "page", filter: ["==", "$type", "Polygon"], paint: { "fill-color": "#0b4f8a", "fill-opacity": 0.3 } },
      { id: "page-line", type: "line", source: "page", paint: { "line-color": "#0b4f8a", "line-width": 2 } },
      { id: "page-point", type: "circle", source: "page", filter: ["==", "$type", "Point"], paint: { "circle-color": "#0b4f8a", "circle-radius": 5 } });
    if (features.bbox) bounds = features.bbox;
  }
  const map = new Map({ container: box, style: merged, attributionControl: false,
    bounds: bounds ? [[bounds[0], bounds[1]], [bounds[2], bounds[3]]] : undefined,
    fitBoundsOptions: { padding: 20 } });
  map.addControl(new NavigationControl({ showCompass: false }));
  map.once("load", () => { box.dataset.loaded = "true"; });
}

show().catch((error) => { if (box) box.dataset.error = String(error); });
