// Keeps the latest values of /portal/sensors current: the page is complete without this
// script (values and charts are drawn on the server); every minute it re-reads the OGC
// collection "sensors" and rewrites the value and time cells of the datastreams it lists.
const root = document.getElementById("sensors");
const PERIOD_MS = 60000;

function format(lang, value, unit) {
  const shown = typeof value === "number" ? new Intl.NumberFormat(lang).format(value) : String(value);
  return unit ? `${shown} ${unit}` : shown;
}

async function refresh() {
  const lang = root.dataset.lang;
  const response = await fetch(root.dataset.items, { headers: { Accept: "application/geo+json" } });
  if (!response.ok) return;
  const page = await response.json();
  for (const feature of page.features) {
    for (const stream of feature.properties.datastreams) {
      if (stream.phenomenonTime === null) continue;
      const value = root.querySelector(`[data-stream-value="${stream.id}"]`);
      const time = root.querySelector(`[data-stream-time="${stream.id}"]`);
      const unit = stream.unitOfMeasurement.symbol || stream.unitOfMeasurement.name;
      if (value) value.textContent = format(lang, stream.result, unit);
      if (time) {
        const when = new Date(stream.phenomenonTime);
        const cell = document.createElement("time");
        cell.dateTime = stream.phenomenonTime;
        cell.textContent = new Intl.DateTimeFormat(lang, { dateStyle: "medium", timeStyle: "medium" }).format(when);
        time.replaceChildren(cell);
      }
    }
  }
}

if (root) setInterval(() => { refresh().catch(() => {}); }, PERIOD_MS);
