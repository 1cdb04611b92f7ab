// Map preview of a dataset: MapLibre GL JS served by the product (never a CDN), the layer's
// own vector tiles and style, the commune's background layers under it, fitted to its extent.
import { Map, NavigationControl } from "../vendor/maplibre/maplibre-gl.mjs";

const box = document.getElementById("map");

async function style(url) {
  const response = await fetch(url, { credentials: "same-origin" });
  if (!response.ok) throw new Error(`${url}: ${response.status}`);
  return response.json();
}

async function show() {
  const urls = [...box.dataset.background.split(" ").filter(Boolean), box.dataset.style];
  const styles = await Promise.all(urls.map(style));
  const merged = { version: 8, sources: {}, layers: [] };
  styles.forEach((s, i) => {
    Object.assign(merged.sources, s.sources);
    const dim = i < styles.length - 1;
    for (const layer of s.layers) {
      if (dim && layer.paint) {
        for (const key of Object.keys(layer.paint)) {
          if (key.endsWith("-color")) layer.paint[key] = "#b8b8b0";
        }
      }
      merged.layers.push(layer);
    }
  });
  merged.layers.unshift({ id: "paper", type: "background", paint: { "background-color": "#f4f3ee" } });
  const bounds = box.dataset.bounds.split(",").map(Number);
  const map = new Map({
    container: box, style: merged, attributionControl: false,
    bounds: bounds.length === 4 ? [[bounds[0], bounds[1]], [bounds[2], bounds[3]]] : undefined,
    fitBoundsOptions: { padding: 20 },
  });
  map.addControl(new NavigationControl({ showCompass: false }));
  map.once("load", () => { box.dataset.loaded = "true"; });
}

show().catch((error) => { box.dataset.error = String(error); });
