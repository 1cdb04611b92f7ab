"use strict";
// Live sensors: one label per SensorThings Thing the caller may see (name, then the latest
// value, unit and age of each datastream), on the ground at the Thing's location, from the
// OGC API collection "sensors" (the scene's `sensors` entry, present only when the caller
// sees at least one Thing). Every `refreshSeconds` the collection is read again -- with
// If-None-Match when it sent an ETag -- and only the labels whose text changed are touched,
// so a refresh that changes nothing costs no redraw. A click on a label shows the Thing's
// datastreams in the attributes panel (tools.js: the entity sits in `state.sources`).
window.TwinSensors = (function () {
  const ID = "sensors";
  const sensors = {
    entry: null, source: null, etag: null, timer: null, things: {}, lastRefresh: null,
  };

  function age(time, now) {
    if (!time) return "no value yet";
    const start = Date.parse(String(time).split("/")[0]);
    if (!Number.isFinite(start)) return "";
    const seconds = Math.max(0, Math.round((now - start) / 1000));
    if (seconds < 90) return "just now";
    if (seconds < 90 * 60) return Math.round(seconds / 60) + " min ago";
    if (seconds < 36 * 3600) return Math.round(seconds / 3600) + " h ago";
    return Math.round(seconds / 86400) + " d ago";
  }

  function reading(stream, now) {
    if (stream.result === null || stream.result === undefined) return "no value yet";
    const unit = (stream.unitOfMeasurement || {}).symbol || (stream.unitOfMeasurement || {}).name;
    const value = typeof stream.result === "number"
      ? String(Math.round(stream.result * 1000) / 1000)
      : (typeof stream.result === "object" ? JSON.stringify(stream.result) : String(stream.result));
    return value + (unit ? " " + unit : "") + " (" + age(stream.phenomenonTime, now) + ")";
  }

  function streamName(stream) {
    return stream.observedProperty || stream.name;
  }

  // What a label says: the Thing's name, then one line per datastream.
  function labelText(feature, now) {
    const properties = feature.properties || {};
    const lines = [properties.name || "Thing " + feature.id];
    for (const stream of properties.datastreams || []) {
      lines.push(streamName(stream) + ": " + reading(stream, now));
    }
    return lines.join("\n");
  }

  // The attributes panel's rows for a clicked label: every datastream with its reading.
  function panelProperties(feature, now) {
    const properties = feature.properties || {};
    const rows = { thing: properties.name, description: properties.description || "" };
    for (const stream of properties.datastreams || []) {
      rows[stream.name] = streamName(stream) + ": " + reading(stream, now);
      rows[stream.name + " (time)"] = stream.phenomenonTime || "";
      rows[stream.name + " (SensorThings)"] = stream.selfLink;
    }
    rows.sensorThings = properties.selfLink;
    return rows;
  }

  function placed(feature) {
    const g = feature.geometry;
    return g && g.type === "Point" && Array.isArray(g.coordinates) && g.coordinates.length >= 2;
  }

  function addThing(feature, text, rows) {
    const [lon, lat] = feature.geometry.coordinates;
    const entity = sensors.source.entities.add({
      id: "sensor-" + feature.id,
      position: Cesium.Cartesian3.fromDegrees(lon, lat),
      point: { pixelSize: 10, color: Cesium.Color.fromCssColorString("#f4a261"),
               outlineColor: Cesium.Color.WHITE, outlineWidth: 2,
               heightReference: Cesium.HeightReference.CLAMP_TO_GROUND,
               disableDepthTestDistance: Number.POSITIVE_INFINITY },
      label: { text: text, font: "13px sans-serif", showBackground: true,
               backgroundColor: Cesium.Color.fromCssColorString("#1d2630").withAlpha(0.85),
               fillColor: Cesium.Color.WHITE, verticalOrigin: Cesium.VerticalOrigin.BOTTOM,
               pixelOffset: new Cesium.Cartesian2(0, -14),
               heightReference: Cesium.HeightReference.CLAMP_TO_GROUND,
               disableDepthTestDistance: Number.POSITIVE_INFINITY },
      properties: rows,
    });
    return { entity: entity, text: text, position: lon + "," + lat };
  }

  // Apply one read of the collection: add new Things, update changed ones, drop gone ones.
  function apply(features) {
    const now = Date.now();
    const seen = new Set();
    let changed = 0;
    for (const feature of features.filter(placed)) {
      const key = String(feature.id);
      seen.add(key);
      const text = labelText(feature, now);
      const rows = panelProperties(feature, now);
      const known = sensors.things[key];
      const position = feature.geometry.coordinates.slice(0, 2).join(",");
      if (!known) {
        sensors.things[key] = addThing(feature, text, rows);
        changed++;
        continue;
      }
      if (known.text === text && known.position === position) continue;
      if (known.position !== position) {
        known.entity.position = Cesium.Cartesian3.fromDegrees(...feature.geometry.coordinates.slice(0, 2));
        known.position = position;
      }
      known.entity.label.text = text;
      known.entity.properties = new Cesium.PropertyBag(rows);
      known.text = text;
      changed++;
    }
    for (const key of Object.keys(sensors.things)) {
      if (!seen.has(key)) {
        sensors.source.entities.remove(sensors.things[key].entity);
        delete sensors.things[key];
        changed++;
      }
    }
    return changed;
  }

  function nextLink(collection) {
    const next = (collection.links || []).find((link) => link.rel === "next");
    return next ? next.href : null;
  }

  // Every page of the collection; null when the first page is unchanged (304).
  async function readAll() {
    const headers = { Accept: "application/geo+json" };
    if (sensors.etag) headers["If-None-Match"] = sensors.etag;
    let response = await fetch(sensors.entry.url, { headers: headers, cache: "no-cache" });
    if (response.status === 304) return null;
    if (!response.ok) throw new Error("sensors: " + response.status + " " + response.statusText);
    sensors.etag = response.headers.get("ETag");
    let collection = await response.json();
    const features = [...collection.features];
    for (let url = nextLink(collection); url; url = nextLink(collection)) {
      response = await fetch(url, { headers: { Accept: "application/geo+json" } });
      if (!response.ok) throw new Error("sensors: " + response.status + " " + response.statusText);
      collection = await response.json();
      features.push(...collection.features);
    }
    return features;
  }

  let running = null;

  // Read the collection now (also what the timer calls); resolves to what changed.
  function refresh() {
    if (!sensors.entry) return Promise.resolve(null);
    if (running) return running;
    running = readAll().then((features) => {
      const changed = features === null ? 0 : apply(features);
      sensors.lastRefresh = { at: new Date().toISOString(), notModified: features === null,
                              changed: changed };
      if (changed && sensors.state) sensors.state.redraw();
      return sensors.lastRefresh;
    }).finally(() => { running = null; });
    return running;
  }

  function addToggle(state) {
    const list = document.getElementById("layers-sensors");
    const item = document.createElement("li");
    const box = document.createElement("input");
    box.type = "checkbox";
    box.checked = true;
    box.id = "layer-" + ID;
    box.dataset.layer = ID;
    box.addEventListener("change", () => {
      sensors.source.show = box.checked;
      if (box.checked) refresh().catch((e) => state.errors.push(String(e)));
      state.saveView();
      state.redraw();
    });
    const label = document.createElement("label");
    label.htmlFor = box.id;
    label.textContent = " " + sensors.entry.title + " (every " + sensors.entry.refreshSeconds + " s)";
    item.append(box, label);
    list.append(item);
    document.getElementById("sensors-section").hidden = false;
  }

  // Called once by viewer.js with the scene's sensors entry.
  async function start(state, entry) {
    sensors.state = state;
    sensors.entry = entry;
    sensors.source = new Cesium.CustomDataSource(ID);
    await state.viewer.dataSources.add(sensors.source);
    state.sources[ID] = sensors.source;
    state.titles[ID] = entry.title;
    addToggle(state);
    await refresh();
    const period = Math.max(5, Number(entry.refreshSeconds) || 30) * 1000;
    sensors.timer = setInterval(() => {
      if (sensors.source.show) refresh().catch((e) => state.errors.push(String(e)));
    }, period);
  }

  function labels() {
    return Object.fromEntries(Object.entries(sensors.things).map(([key, t]) => [key, t.text]));
  }

  return { start: start, refresh: refresh, labels: labels, info: sensors };
})();
