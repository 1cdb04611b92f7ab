// The report page's map: MapLibre GL JS served by the product (never a CDN), the commune's
// own vector tiles (its background layers and the anonymised reports), a click that fills
// the form's longitude and latitude. Without JavaScript the form works from those fields.
import { Map, Marker, NavigationControl } from "../vendor/maplibre/maplibre-gl.mjs";

const box = document.getElementById("report-map");
const lon = document.getElementById("rp-lon");
const lat = document.getElementById("rp-lat");
const source = document.getElementById("rp-source");

async function style(url) {
  const response = await fetch(url, { credentials: "same-origin" });
  if (!response.ok) throw new Error(`${url}: ${response.status}`);
  return response.json();
}

async function show() {
  const urls = [...box.dataset.background.split(" ").filter(Boolean), box.dataset.reports];
  const styles = await Promise.all(urls.map((u) => style(u).catch(() => null)));
  const merged = { version: 8, sources: {}, layers: [
    { id: "paper", type: "background", paint: { "background-color": "#f4f3ee" } }] };
  for (const s of styles.filter(Boolean)) {
    Object.assign(merged.sources, s.sources);
    merged.layers.push(...s.layers);
  }
  const bounds = box.dataset.bounds.split(",").filter(Boolean).map(Number);
  const map = new Map({
    container: box, style: merged, attributionControl: false,
    bounds: bounds.length === 4 ? [[bounds[0], bounds[1]], [bounds[2], bounds[3]]] : undefined,
    fitBoundsOptions: { padding: 20 },
  });
  map.addControl(new NavigationControl({ showCompass: false }));
  const marker = new Marker();
  map.on("click", (event) => {
    lon.value = event.lngLat.lng.toFixed(6);
    lat.value = event.lngLat.lat.toFixed(6);
    source.value = "map";
    marker.setLngLat(event.lngLat).addTo(map);
  });
  map.once("load", () => { box.dataset.loaded = "true"; });
}

show().catch((error) => { box.dataset.error = String(error); });
