"use strict";
// The planner's tools: attributes of what is clicked, a filter of BIM/building features by
// storey and class, a search over the 2D layers through the OGC API (CQL2), distance and
// height measurement, a shadow study with Cesium's sun, and the view in the URL hash.
window.TwinTools = (function () {
  function plain(value) {
    if (typeof value === "bigint") return value.toString();
    if (typeof value === "number") return Math.round(value * 1000) / 1000;
    if (value && typeof value === "object") return JSON.stringify(value);
    return value;
  }

  // --- attributes ------------------------------------------------------------------------
  function showAttributes(state, title, properties) {
    state.lastPick = properties;
    document.getElementById("attributes-title").textContent = title;
    const table = document.getElementById("attribute-table");
    table.replaceChildren();
    for (const [name, value] of Object.entries(properties)) {
      const row = table.insertRow();
      row.insertCell().textContent = name;
      row.insertCell().textContent = String(value);
    }
    document.getElementById("attributes").hidden = false;
    state.redraw();
  }

  function hideAttributes(state) {
    state.lastPick = null;
    document.getElementById("attributes").hidden = true;
  }

  function featureProperties(feature) {
    const properties = {};
    for (const name of feature.getPropertyIds()) properties[name] = plain(feature.getProperty(name));
    return properties;
  }

  function entityProperties(entity) {
    const properties = {};
    if (!entity.properties) return properties;
    const now = Cesium.JulianDate.now();
    for (const name of entity.properties.propertyNames) {
      properties[name] = plain(entity.properties[name].getValue(now));
    }
    return properties;
  }

  function titleOf(state, picked) {
    for (const [id, tileset] of Object.entries(state.tilesets)) {
      if (picked.tileset === tileset || picked.primitive === tileset) return state.titles[id] || id;
    }
    return "Feature";
  }

  // A click shows the attributes of a 3D Tiles feature or of a 2D layer's feature, unless
  // a measurement is in progress (then the click is a measured point).
  function onClick(state) {
    const viewer = state.viewer;
    const handler = new Cesium.ScreenSpaceEventHandler(viewer.scene.canvas);
    handler.setInputAction((click) => {
      if (state.measure.mode) { measureClick(state, click.position); return; }
      const picked = viewer.scene.pick(click.position);
      if (picked instanceof Cesium.Cesium3DTileFeature && picked.getPropertyIds().length) {
        showAttributes(state, titleOf(state, picked), featureProperties(picked));
      } else if (picked && picked.id instanceof Cesium.Entity && picked.id.properties) {
        const source = Object.entries(state.sources).find(([, s]) => s.entities.contains(picked.id));
        showAttributes(state, source ? state.titles[source[0]] : "Feature",
                       entityProperties(picked.id));
      } else {
        hideAttributes(state);
      }
    }, Cesium.ScreenSpaceEventType.LEFT_CLICK);
  }

  // --- feature filter (storey, IFC class) ---------------------------------------------------
  const FILTER_PROPERTIES = ["storey", "ifc_class"];

  function collectValues(filter, tile) {
    const content = tile.content;
    let changed = false;
    for (let i = 0; i < (content.featuresLength || 0); i++) {
      const feature = content.getFeature(i);
      for (const name of FILTER_PROPERTIES) {
        if (!feature.hasProperty(name)) continue;
        const value = String(plain(feature.getProperty(name)));
        if (!filter.values[name].has(value)) { filter.values[name].add(value); changed = true; }
      }
    }
    return changed;
  }

  function filterExpression(filter) {
    const terms = [];
    for (const name of FILTER_PROPERTIES) {
      const chosen = filter.chosen[name];
      if (chosen) terms.push("String(${" + name + "}) === " + JSON.stringify(chosen));
    }
    return terms.length ? terms.join(" && ") : "true";
  }

  // Tilesets whose features carry storey or ifc_class (BIM models) get two selects.
  function featureFilter(state, id, tileset, kind) {
    const filter = { values: { storey: new Set(), ifc_class: new Set() },
                     chosen: { storey: "", ifc_class: "" } };
    state.filters[id] = filter;
    const box = document.createElement("div");
    box.className = "feature-filter";
    box.hidden = true;
    box.id = "filter-" + id;
    const selects = {};
    for (const name of FILTER_PROPERTIES) {
      const select = document.createElement("select");
      select.dataset.property = name;
      select.add(new Option(name === "storey" ? "every storey" : "every class", ""));
      select.addEventListener("change", () => {
        filter.chosen[name] = select.value;
        tileset.style = new Cesium.Cesium3DTileStyle({ show: filterExpression(filter) });
        state.redraw();
      });
      selects[name] = select;
      box.append(select);
    }
    filter.apply = (name, value) => {
      selects[name].value = value;
      selects[name].dispatchEvent(new Event("change"));
    };
    tileset.tileLoad.addEventListener((tile) => {
      if (!collectValues(filter, tile)) return;
      for (const name of FILTER_PROPERTIES) {
        const present = new Set([...selects[name].options].map((o) => o.value));
        for (const value of [...filter.values[name]].sort()) {
          if (!present.has(value)) selects[name].add(new Option(value, value));
        }
      }
      box.hidden = filter.values.storey.size + filter.values.ifc_class.size === 0;
    });
    if (kind === "bim") box.title = "Show only one storey or one IFC class";
    return box;
  }

  // --- search through the OGC API ---------------------------------------------------------
  async function textProperties(layer) {
    const response = await fetch(layer.collection + "/queryables?f=json",
                                 { headers: { Accept: "application/schema+json" } });
    if (!response.ok) return [];
    const schema = await response.json();
    return Object.entries(schema.properties || {})
      .filter(([, p]) => p.type === "string" && !p.format)
      .map(([name]) => name);
  }

  function cql2(names, text) {
    const pattern = "%" + text.replace(/'/g, "''") + "%";
    return names.map((n) => `CASEI("${n}") LIKE CASEI('${pattern}')`).join(" OR ");
  }

  async function searchLayer(layer, text) {
    const names = await textProperties(layer);
    if (!names.length) return [];
    const url = layer.collection + "/items?f=json&limit=10&filter-lang=cql2-text&filter=" +
      encodeURIComponent(cql2(names, text));
    const response = await fetch(url, { headers: { Accept: "application/geo+json" } });
    if (!response.ok) return [];
    const page = await response.json();
    return (page.features || []).map((feature) => ({ layer: layer, feature: feature, names: names }));
  }

  function extentOf(geometry) {
    const box = [Infinity, Infinity, -Infinity, -Infinity];
    const visit = (c) => {
      if (typeof c[0] === "number") {
        box[0] = Math.min(box[0], c[0]); box[1] = Math.min(box[1], c[1]);
        box[2] = Math.max(box[2], c[0]); box[3] = Math.max(box[3], c[1]);
      } else c.forEach(visit);
    };
    if (geometry && geometry.coordinates) visit(geometry.coordinates);
    return Number.isFinite(box[0]) ? box : null;
  }

  function label(hit) {
    const p = hit.feature.properties || {};
    const named = hit.names.map((n) => p[n]).filter((v) => v !== null && v !== undefined && v !== "");
    return (named.slice(0, 2).join(", ") || String(hit.feature.id)) + " — " + hit.layer.title;
  }

  function goTo(state, hit) {
    const box = extentOf(hit.feature.geometry);
    if (box) {
      const pad = 0.0008;
      state.viewer.camera.flyTo({
        destination: Cesium.Rectangle.fromDegrees(box[0] - pad, box[1] - pad, box[2] + pad, box[3] + pad),
        duration: 1.2,
      });
    }
    showAttributes(state, hit.layer.title, hit.feature.properties || {});
  }

  function search(state, layers) {
    const form = document.getElementById("search");
    const list = document.getElementById("search-results");
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const text = document.getElementById("search-text").value.trim();
      list.replaceChildren();
      if (!text) return;
      const hits = (await Promise.all(layers.map((l) => searchLayer(l, text).catch(() => []))))
        .flat();
      state.searchHits = hits.map((h) => ({ layer: h.layer.id, id: h.feature.id }));
      if (!hits.length) { list.append(Object.assign(document.createElement("li"), { textContent: "nothing found" })); }
      for (const hit of hits.slice(0, 20)) {
        const item = document.createElement("li");
        const link = document.createElement("a");
        link.href = "#";
        link.textContent = label(hit);
        link.addEventListener("click", (e) => { e.preventDefault(); goTo(state, hit); });
        item.append(link);
        list.append(item);
      }
    });
  }

  // --- measurement ------------------------------------------------------------------------
  function measureClick(state, position) {
    const scene = state.viewer.scene;
    const point = scene.pickPosition(position);
    if (!Cesium.defined(point)) return;
    const measure = state.measure;
    measure.points.push(point);
    state.viewer.entities.add({ position: point, point: { pixelSize: 8, color: Cesium.Color.YELLOW,
      disableDepthTestDistance: Number.POSITIVE_INFINITY }, _measure: true });
    if (measure.points.length < 2) return;
    const [a, b] = measure.points;
    const ca = Cesium.Cartographic.fromCartesian(a);
    const cb = Cesium.Cartographic.fromCartesian(b);
    const result = {
      distance: Cesium.Cartesian3.distance(a, b),
      horizontal: new Cesium.EllipsoidGeodesic(ca, cb).surfaceDistance,
      height: cb.height - ca.height,
    };
    const text = measure.mode === "height"
      ? `height difference ${result.height.toFixed(2)} m`
      : `distance ${result.distance.toFixed(2)} m (horizontal ${result.horizontal.toFixed(2)} m, ` +
        `height ${result.height.toFixed(2)} m)`;
    state.viewer.entities.add({
      polyline: { positions: [a, b], width: 3, material: Cesium.Color.YELLOW,
                  depthFailMaterial: Cesium.Color.YELLOW.withAlpha(0.5) },
      position: Cesium.Cartesian3.midpoint(a, b, new Cesium.Cartesian3()),
      label: { text: text, font: "14px sans-serif", showBackground: true,
               disableDepthTestDistance: Number.POSITIVE_INFINITY },
    });
    state.lastMeasure = result;
    state.redraw();
    document.getElementById("measure-result").textContent = text;
    measure.points = [];
    measure.mode = null;
    setMeasureButtons(null);
  }

  function setMeasureButtons(mode) {
    for (const button of document.querySelectorAll("[data-measure]")) {
      button.classList.toggle("active", button.dataset.measure === mode);
    }
  }

  function measureTools(state) {
    state.measure = { mode: null, points: [] };
    for (const button of document.querySelectorAll("[data-measure]")) {
      button.addEventListener("click", () => {
        if (button.dataset.measure === "clear") {
          state.viewer.entities.removeAll();
          state.measure = { mode: null, points: [] };
          document.getElementById("measure-result").textContent = "";
          setMeasureButtons(null);
          return;
        }
        state.measure = { mode: button.dataset.measure, points: [] };
        setMeasureButtons(state.measure.mode);
        document.getElementById("measure-result").textContent = "click two points";
      });
    }
  }

  // --- shadow study -----------------------------------------------------------------------
  function studyDate() {
    const day = document.getElementById("sun-date").value;
    const minutes = Number(document.getElementById("sun-time").value);
    const hh = String(Math.floor(minutes / 60)).padStart(2, "0");
    const mm = String(minutes % 60).padStart(2, "0");
    document.getElementById("sun-time-label").textContent = `${hh}:${mm}`;
    return new Date(`${day}T${hh}:${mm}:00`);  // the browser's time zone
  }

  function applySun(state) {
    const viewer = state.viewer;
    const on = document.getElementById("sun-on").checked;
    if (on) {
      viewer.clock.shouldAnimate = false;
      viewer.clock.currentTime = Cesium.JulianDate.fromDate(studyDate());
      viewer.scene.light = new Cesium.SunLight();
      viewer.shadows = true;
      viewer.terrainShadows = Cesium.ShadowMode.RECEIVE_ONLY;
      viewer.scene.shadowMap.softShadows = true;
      viewer.scene.shadowMap.maximumDistance = 3000;
      viewer.scene.globe.enableLighting = true;
    } else {
      viewer.shadows = false;
      viewer.scene.globe.enableLighting = false;
      state.fixedLight();
    }
    state.sun = { on: on, date: on ? studyDate().toISOString() : null };
    state.redraw();
    state.saveView();
  }

  function shadowStudy(state) {
    const today = new Date();
    document.getElementById("sun-date").value = `${today.getFullYear()}-06-21`;
    for (const id of ["sun-on", "sun-date", "sun-time"]) {
      document.getElementById(id).addEventListener("input", () => applySun(state));
    }
    studyDate();
  }

  // --- the view in the URL hash -----------------------------------------------------------
  function hashOf(state) {
    const camera = state.viewer.camera;
    const c = camera.positionCartographic;
    const deg = Cesium.Math.toDegrees;
    const parts = [
      "cam=" + [deg(c.longitude).toFixed(7), deg(c.latitude).toFixed(7), c.height.toFixed(1),
                deg(camera.heading).toFixed(2), deg(camera.pitch).toFixed(2),
                deg(camera.roll).toFixed(2)].join(","),
      "on=" + state.shownLayers().map(encodeURIComponent).join(","),
    ];
    for (const [id, style] of Object.entries(state.imageryStyles)) parts.push(`map.${encodeURIComponent(id)}=${style}`);
    for (const [id, points] of Object.entries(state.pointStyles)) {
      parts.push(`pts.${encodeURIComponent(id)}=${points.mode}`);
      if (points.hidden.size) parts.push(`hide.${encodeURIComponent(id)}=${[...points.hidden].join(",")}`);
    }
    if (state.sun && state.sun.on) {
      parts.push("sun=" + document.getElementById("sun-date").value + "," + document.getElementById("sun-time").value);
    }
    return "#" + parts.join("&");
  }

  function parseHash(hash) {
    const view = { layers: null, maps: {}, points: {}, hidden: {}, camera: null, sun: null };
    for (const part of hash.replace(/^#/, "").split("&")) {
      const [key, value] = part.split("=");
      if (value === undefined) continue;
      if (key === "cam") {
        const n = value.split(",").map(Number);
        if (n.length === 6 && n.every(Number.isFinite)) view.camera = n;
      } else if (key === "on") {
        view.layers = value ? value.split(",").map(decodeURIComponent) : [];
      } else if (key.startsWith("map.")) {
        view.maps[decodeURIComponent(key.slice(4))] = value;
      } else if (key.startsWith("pts.")) {
        view.points[decodeURIComponent(key.slice(4))] = value;
      } else if (key.startsWith("hide.")) {
        view.hidden[decodeURIComponent(key.slice(5))] = value.split(",").map(Number);
      } else if (key === "sun") {
        view.sun = value.split(",");
      }
    }
    return view;
  }

  function setCamera(viewer, camera) {
    const [lon, lat, height, heading, pitch, roll] = camera;
    viewer.camera.setView({
      destination: Cesium.Cartesian3.fromDegrees(lon, lat, height),
      orientation: { heading: Cesium.Math.toRadians(heading), pitch: Cesium.Math.toRadians(pitch),
                     roll: Cesium.Math.toRadians(roll) },
    });
  }

  function restoreSun(state, sun) {
    if (!sun) return;
    document.getElementById("sun-on").checked = true;
    document.getElementById("sun-date").value = sun[0];
    document.getElementById("sun-time").value = sun[1];
    applySun(state);
  }

  return { onClick: onClick, featureFilter: featureFilter, search: search,
           measureTools: measureTools, shadowStudy: shadowStudy, hashOf: hashOf,
           parseHash: parseHash, setCamera: setCamera, restoreSun: restoreSun,
           showAttributes: showAttributes };
})();
